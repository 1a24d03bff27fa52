package onekey.recording;

/**
 * An indexed recording file. {@code status}: "ok" (indexed, file present), "missing" (indexed but the
 * file disappeared, or never written: a full disk), "empty" (the file is there but holds no audio),
 * "orphan" (a file found on disk with no call), "removed" (its file deleted by the retention policy).
 * Times are epoch ms. A recording {@code onHold} is never removed by retention ({@code holdBy},
 * {@code holdAt}, {@code holdReason} say who put it on hold, when, why); {@code removedAt} and
 * {@code removedReason} say when and why its file went (the row stays: the call history keeps it).
 */
public record Recording(long id, Long callId, String path, long durationMs, long sizeBytes, String sha256,
                        String status, long createdAt, boolean onHold, String holdBy, Long holdAt, String holdReason,
                        Long removedAt, String removedReason) {

    /** A recording as the indexer sees it: not on hold, not removed. */
    public Recording(long id, Long callId, String path, long durationMs, long sizeBytes, String sha256, String status,
                     long createdAt) {
        this(id, callId, path, durationMs, sizeBytes, sha256, status, createdAt, false, null, null, null, null, null);
    }

    public boolean removed() {
        return removedAt != null;
    }
}
