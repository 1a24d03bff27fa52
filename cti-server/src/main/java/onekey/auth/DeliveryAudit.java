package onekey.auth;

/**
 * Audit rows for records pushed to a client (a screen pop delivered over a WebSocket). Called on the event
 * hub's thread, so it must not block on the database: the server's implementation appends to the durable
 * call journal, which writes the row as the database allows and never loses it.
 */
@FunctionalInterface
public interface DeliveryAudit {
    void delivered(long at, Account to, String action, String targetType, String targetId, String detail);
}
