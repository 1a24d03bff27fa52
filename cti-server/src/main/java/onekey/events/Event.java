package onekey.events;

import java.util.Map;

/**
 * One event for WebSocket clients. {@code seq} is unique and increasing across the server so a client
 * that reconnects can ask for what came after the last seq it saw. {@code accountId} is the target
 * agent, or null for an event every supervisor sees. {@code body} is serialised as JSON fields beside
 * "type" and "seq".
 */
public record Event(long seq, long at, String type, Long accountId, Map<String, Object> body) {}
