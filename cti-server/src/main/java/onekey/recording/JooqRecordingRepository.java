package onekey.recording;

import static onekey.store.jooq.Tables.RECORDINGS;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import onekey.store.Constraints;
import onekey.store.Database;
import onekey.store.jooq.tables.records.RecordingsRecord;
import org.jooq.DSLContext;
import org.jooq.exception.DataAccessException;

/**
 * Recording index, table recordings. Paths are unique through path_sha256 (MariaDB cannot put a 1024-character
 * utf8mb4 column in a unique index).
 */
public final class JooqRecordingRepository implements RecordingRepository {

    private static final String UQ_PATH = "uq_recordings_path";

    private final DSLContext dsl;

    public JooqRecordingRepository(Database db) {
        this.dsl = db.dsl();
    }

    @Override
    public Recording save(Recording rec) {
        if (rec == null || rec.path() == null || rec.path().isBlank()) {
            throw new IllegalArgumentException("recording path is required");
        }
        if (rec.path().length() > 1024) {
            throw new IllegalArgumentException("recording path is longer than 1024 characters");
        }
        String key = pathKey(rec.path());
        try {
            return dsl.transactionResult(cfg -> upsert(cfg.dsl(), rec, key));
        } catch (DataAccessException e) {
            // A concurrent save of the same path inserted first: now it is an update.
            if (Constraints.violates(e, UQ_PATH)) {
                return dsl.transactionResult(cfg -> upsert(cfg.dsl(), rec, key));
            }
            throw e;
        }
    }

    private static Recording upsert(DSLContext tx, Recording rec, String key) {
        String status = rec.status() == null ? "ok" : rec.status();
        int n = tx.update(RECORDINGS)
                .set(RECORDINGS.CALL_ID, rec.callId())
                .set(RECORDINGS.DURATION_MS, rec.durationMs())
                .set(RECORDINGS.SIZE_BYTES, rec.sizeBytes())
                .set(RECORDINGS.SHA256, rec.sha256())
                .set(RECORDINGS.STATUS, status)
                .where(RECORDINGS.PATH_SHA256.eq(key))
                .execute();
        if (n == 0) {
            tx.insertInto(RECORDINGS)
                    .set(RECORDINGS.CALL_ID, rec.callId())
                    .set(RECORDINGS.PATH, rec.path())
                    .set(RECORDINGS.PATH_SHA256, key)
                    .set(RECORDINGS.DURATION_MS, rec.durationMs())
                    .set(RECORDINGS.SIZE_BYTES, rec.sizeBytes())
                    .set(RECORDINGS.SHA256, rec.sha256())
                    .set(RECORDINGS.STATUS, status)
                    .set(RECORDINGS.CREATED_AT, rec.createdAt() > 0 ? rec.createdAt() : System.currentTimeMillis())
                    .execute();
        }
        return tx.selectFrom(RECORDINGS).where(RECORDINGS.PATH_SHA256.eq(key)).fetchOne(JooqRecordingRepository::toRecording);
    }

    @Override
    public Optional<Recording> get(long id) {
        return dsl.selectFrom(RECORDINGS).where(RECORDINGS.ID.eq(id)).fetchOptional()
                .map(JooqRecordingRepository::toRecording);
    }

    @Override
    public Optional<Recording> byPath(String path) {
        if (path == null) {
            return Optional.empty();
        }
        return dsl.selectFrom(RECORDINGS).where(RECORDINGS.PATH_SHA256.eq(pathKey(path))).fetchOptional()
                .map(JooqRecordingRepository::toRecording);
    }

    /** The newest recording of the call when it has several. */
    @Override
    public Optional<Recording> byCall(long callId) {
        return dsl.selectFrom(RECORDINGS).where(RECORDINGS.CALL_ID.eq(callId))
                .orderBy(RECORDINGS.CREATED_AT.desc(), RECORDINGS.ID.desc())
                .limit(1)
                .fetchOptional()
                .map(JooqRecordingRepository::toRecording);
    }

    @Override
    public List<Recording> all() {
        return dsl.selectFrom(RECORDINGS).orderBy(RECORDINGS.ID).fetch(JooqRecordingRepository::toRecording);
    }

    @Override
    public void setStatus(long id, String status) {
        if (status == null || status.isBlank()) {
            throw new IllegalArgumentException("status is required (ok, missing, orphan)");
        }
        dsl.update(RECORDINGS).set(RECORDINGS.STATUS, status).where(RECORDINGS.ID.eq(id)).execute();
    }

    static String pathKey(String path) {
        try {
            return HexFormat.of().formatHex(
                    MessageDigest.getInstance("SHA-256").digest(path.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Recording toRecording(RecordingsRecord r) {
        return new Recording(r.getId(), r.getCallId(), r.getPath(), r.getDurationMs(), r.getSizeBytes(),
                r.getSha256(), r.getStatus(), r.getCreatedAt());
    }
}
