package onekey.auth;

/** One audit row: who did what to which record, when (epoch ms). */
public record AuditEntry(long id, long at, Long accountId, String username, String action,
                         String targetType, String targetId, String detail) {}
