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
     * A row for someone who is not (or not yet) an authenticated account: a login attempt records the
     * username that was tried; {@code accountId} is null when no such account exists.
     */
    void recordAs(Long accountId, String username, String action, String targetType, String targetId, String detail);

    /**
     * Newest first, filtered: any argument may be null. {@code actor} matches the username; {@code fromMs}
     * inclusive, {@code toMs} exclusive.
     */
    default List<AuditEntry> find(String actor, String targetType, String targetId, Long fromMs, Long toMs, int limit) {
        return find(actor, null, targetType, targetId, fromMs, toMs, limit);
    }

    /**
     * As {@link #find(String, String, String, Long, Long, int)}, only rows whose action is {@code type} or starts
     * with {@code type + "."} ({@code "spy"}: spy.start, spy.mode, spy.end); {@code type} null does not filter.
     */
    List<AuditEntry> find(String actor, String type, String targetType, String targetId, Long fromMs, Long toMs, int limit);

    /**
     * A page of {@link #find(String, String, String, String, Long, Long, int)}, newest first by (at, id), after
     * {@code after} (null: from the newest); reads {@code limit + 1} rows (GET /api/audit, issue 22). The default
     * reads through {@code find} (fakes).
     */
    default onekey.store.Cursor.Page<AuditEntry> page(String actor, String type, String targetType, String targetId,
                                                      Long fromMs, Long toMs, onekey.store.Cursor after, int limit) {
        List<AuditEntry> rows = find(actor, type, targetType, targetId, fromMs, toMs, Integer.MAX_VALUE).stream()
                .filter(e -> after == null || after.before(e.at(), e.id()))
                .sorted(java.util.Comparator.comparingLong(AuditEntry::at).thenComparingLong(AuditEntry::id).reversed())
                .limit(limit + 1L).toList();
        return onekey.store.Cursor.Page.of(rows, limit, AuditEntry::at, AuditEntry::id);
    }

    /**
     * Writes a row that the call journal may write more than once: {@code opKey} makes every write
     * after the first a no-op. Returns false when the row was there already.
     */
    boolean recordOnce(String opKey, long at, Long accountId, String username, String action, String targetType,
                       String targetId, String detail);
}
