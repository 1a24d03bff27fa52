package onekey.calls;

/** One entry of a call's timeline; {@code at} in epoch milliseconds. */
public record CallEvent(long id, long callId, long at, String type, String detail) {}
