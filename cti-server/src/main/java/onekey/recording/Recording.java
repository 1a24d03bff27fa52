package onekey.recording;

/**
 * An indexed recording file. {@code status}: "ok" (indexed, file present), "missing" (indexed but the
 * file disappeared), "orphan" (a file found on disk with no call). Times are epoch ms.
 */
public record Recording(long id, Long callId, String path, long durationMs, long sizeBytes, String sha256,
                        String status, long createdAt) {}
