package onekey.events;

/**
 * One published event. {@code seq} is unique and increasing across the server so a client that reconnects can
 * ask for what came after the last seq it saw. {@code accountId} is the target agent, or null for an event every
 * supervisor sees. {@code event} is the feature's typed record.
 */
public record Event(long seq, long at, Long accountId, DomainEvent event) {}
