package onekey.calls;

import java.util.List;
import java.util.Optional;

/** Stored calls and their timelines. */
public interface CallRepository {
    /** Inserts the call unless one with its linkedid exists; returns the stored row either way. */
    CallRecord insertIfAbsent(CallRecord call);

    /**
     * An id for a new call's row, given before the row is written (issue 23: the pop carries it without waiting for the
     * insert); 0 when none is at hand without waiting (the row then gets its id when it is inserted).
     */
    default long newId() {
        return 0;
    }

    /**
     * Sets the columns the call model owns (channel, numbers, line, priority, elder, agent, times,
     * outcome, fail-open), never disposition, notes or recording: those belong to the agent and the
     * recording indexer, and a write from a stale copy must not undo them.
     */
    void updateState(long id, CallRecord call);

    /** Sets the disposition, and the notes when {@code notes} is not null (other columns untouched). */
    void setDisposition(long id, String disposition, String notes);

    /**
     * Links an unregistered caller's call to the elder record just created for it (column only, and only while
     * the call has no elder); false when the call has one already or does not exist.
     */
    boolean setElder(long id, long elderId);

    /** Links the call's recording (other columns untouched). */
    void setRecording(long id, long recordingId);

    Optional<CallRecord> get(long id);

    Optional<CallRecord> byLinkedid(String linkedid);

    /** Newest first. {@code elderId} and {@code since} (arrivedAt >= since) are optional filters. */
    default List<CallRecord> find(Long elderId, Long since, int limit) {
        return find(elderId, null, since, limit);
    }

    /** Newest first; a null {@code elderId} / {@code agentId} / {@code since} does not filter. */
    List<CallRecord> find(Long elderId, Long agentId, Long since, int limit);

    /**
     * A page of calls, newest first by (arrivedAt, id): {@code from} inclusive, {@code to} exclusive, after
     * {@code after} (null: from the newest); null filters do not filter. Reads {@code limit + 1} rows so the page
     * knows whether another follows (GET /api/calls, issue 22). The default reads through {@link #find} (fakes).
     */
    default onekey.store.Cursor.Page<CallRecord> page(Long elderId, Long agentId, Long from, Long to,
                                                      onekey.store.Cursor after, int limit) {
        List<CallRecord> rows = find(elderId, agentId, from, Integer.MAX_VALUE).stream()
                .filter(c -> to == null || c.arrivedAt() < to)
                .filter(c -> after == null || after.before(c.arrivedAt(), c.id()))
                .sorted(java.util.Comparator.comparingLong(CallRecord::arrivedAt).thenComparingLong(CallRecord::id).reversed())
                .limit(limit + 1L).toList();
        return onekey.store.Cursor.Page.of(rows, limit, CallRecord::arrivedAt, CallRecord::id);
    }

    /**
     * As {@link #find(Long, Long, Long, int)} without the calls a seat's phone placed (issue 18 item 7, V15
     * {@code direction = 'seat'}): the calls that came in, for the figures about answering them (the wallboard).
     */
    default List<CallRecord> findInbound(Long elderId, Long agentId, Long since, int limit) {
        return find(elderId, agentId, since, limit);
    }

    /**
     * Calls that arrived at or after {@code since} with no elder and a caller number, newest first (the late link of
     * callers whose record could not be read in time).
     */
    default List<CallRecord> unlinked(long since, int limit) {
        return find(null, null, since, limit).stream().filter(c -> c.elderId() == null && c.callerNumber() != null).toList();
    }

    /** Calls with no endedAt: what OneKey believed live (used after a restart to reconcile with Asterisk). */
    List<CallRecord> unfinished();

    CallEvent addEvent(long callId, long at, String type, String detail);

    /** Several events of one type at once (an IVR flow's steps: {@code at} → detail), in one statement. */
    default void addEvents(long callId, String type, List<java.util.Map.Entry<Long, String>> atAndDetail) {
        atAndDetail.forEach(e -> addEvent(callId, e.getKey(), type, e.getValue()));
    }

    /** A timeline event written through the journal: {@code opKey} makes a second write of it a no-op. */
    record KeyedEvent(long at, String type, String detail, String opKey) {}

    /**
     * Adds events idempotently: an event whose opKey is already stored is skipped (the journal writes
     * at least once). Returns how many were new.
     */
    int addKeyedEvents(long callId, List<KeyedEvent> events);

    /** Oldest first. */
    List<CallEvent> timeline(long callId);
}
