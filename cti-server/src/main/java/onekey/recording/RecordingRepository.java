package onekey.recording;

import java.util.List;
import java.util.Optional;

public interface RecordingRepository {
    /** Inserts, or when a row with the same path exists updates it; returns the stored row. */
    Recording save(Recording recording);

    /**
     * As {@link #save} for a path the caller has just found unindexed: one insert, no look-ups (issue 23); a row that
     * appeared meanwhile is updated as {@link #save} would.
     */
    default Recording saveNew(Recording recording) {
        return save(recording);
    }

    Optional<Recording> get(long id);

    Optional<Recording> byPath(String path);

    Optional<Recording> byCall(long callId);

    List<Recording> all();

    /**
     * Recordings with status "ok" and an id above {@code afterId}, by id, at most {@code limit}: the full reconcile's
     * look for vanished files a page at a time (a year of a centre's recordings is a few hundred thousand rows).
     */
    default List<Recording> okAfter(long afterId, int limit) {
        return all().stream().filter(r -> "ok".equals(r.status()) && r.id() > afterId)
                .sorted(java.util.Comparator.comparingLong(Recording::id)).limit(limit).toList();
    }

    void setStatus(long id, String status);

    /** Every recording of the call, oldest first. */
    List<Recording> allByCall(long callId);

    /**
     * Puts the recording on hold ({@code hold} true: who, when, why are stored) or releases it (hold columns
     * cleared). Returns false when there is no such recording.
     */
    boolean setHold(long id, boolean hold, String by, long at, String reason);

    /** Recordings created before {@code cutoff} (epoch ms), not on hold, not yet removed; oldest first. */
    List<Recording> expired(long cutoff, int limit);

    /**
     * Marks the recording removed, only if it is still not on hold and not removed (a hold placed meanwhile
     * wins). Returns whether this call marked it.
     */
    boolean markRemoved(long id, long at, String reason);

    /** Undoes {@link #markRemoved} when the file could not be deleted after all. */
    void unmarkRemoved(long id, String status);
}
