package onekey.auth;

import java.util.List;

/**
 * Audit trail required for personal data (architecture: an audit row for every profile view,
 * recording playback and spy session). Writing must not fail silently: it throws on a storage error.
 */
public interface AuditLog {
    void record(Account actor, String action, String targetType, String targetId, String detail);

    List<AuditEntry> recent(String targetType, String targetId, int limit);

    /**
     * Writes a row that the call journal may write more than once: {@code opKey} makes every write
     * after the first a no-op. Returns false when the row was there already.
     */
    boolean recordOnce(String opKey, long at, Long accountId, String username, String action, String targetType,
                       String targetId, String detail);
}
