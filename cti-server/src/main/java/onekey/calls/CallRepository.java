package onekey.calls;

import java.util.List;
import java.util.Optional;

/** Stored calls and their timelines. */
public interface CallRepository {
    /** Inserts the call unless one with its linkedid exists; returns the stored row either way. */
    CallRecord insertIfAbsent(CallRecord call);

    /** Replaces every column but id and linkedid. */
    void update(CallRecord call);

    Optional<CallRecord> get(long id);

    Optional<CallRecord> byLinkedid(String linkedid);

    /** Newest first. {@code elderId} and {@code since} (arrivedAt >= since) are optional filters. */
    List<CallRecord> find(Long elderId, Long since, int limit);

    /** Calls with no endedAt: what OneKey believed live (used after a restart to reconcile with Asterisk). */
    List<CallRecord> unfinished();

    CallEvent addEvent(long callId, long at, String type, String detail);

    /** Several events of one type at once (an IVR flow's steps: {@code at} → detail), in one statement. */
    default void addEvents(long callId, String type, List<java.util.Map.Entry<Long, String>> atAndDetail) {
        atAndDetail.forEach(e -> addEvent(callId, e.getKey(), type, e.getValue()));
    }

    /** Oldest first. */
    List<CallEvent> timeline(long callId);
}
