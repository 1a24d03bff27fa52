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
import onekey.store.Prepared;
import onekey.store.jooq.tables.records.RecordingsRecord;
import org.jooq.DSLContext;
import org.jooq.exception.DataAccessException;
import org.jooq.impl.DSL;

/**
 * Recording index, table recordings. Paths are unique through path_sha256 (MariaDB cannot put a 1024-character
 * utf8mb4 column in a unique index).
 */
public final class JooqRecordingRepository implements RecordingRepository {

    private static final String UQ_PATH = "uq_recordings_path";

    private final DSLContext dsl;

    private final Database db;

    public JooqRecordingRepository(Database db) {
        this.dsl = db.dsl();
        this.db = db;
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
        if (db.inTransaction()) {
            return upsert(dsl, rec, key); // part of the caller's transaction (the indexer's, issue 23)
        }
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

    @Override
    public Recording saveNew(Recording rec) {
        if (rec == null || rec.path() == null || rec.path().isBlank() || rec.path().length() > 1024) {
            return save(rec); // its checks and errors
        }
        String key = pathKey(rec.path());
        String status = rec.status() == null ? "ok" : rec.status();
        long createdAt = rec.createdAt() > 0 ? rec.createdAt() : System.currentTimeMillis();
        try {
            long id = INSERT.insertReturningId(dsl, rec.callId(), rec.path(), key, rec.durationMs(), rec.sizeBytes(),
                    rec.sha256(), status, createdAt);
            return new Recording(id, rec.callId(), rec.path(), rec.durationMs(), rec.sizeBytes(), rec.sha256(), status, createdAt);
        } catch (DataAccessException e) {
            if (Constraints.violates(e, UQ_PATH)) {
                return save(rec); // indexed meanwhile (a reconciliation, another node): now an update
            }
            throw e;
        }
    }

    // issue 23: every call's recording is looked up by its path and inserted once: rendered once, not per call
    /** A new row: call, path, path key, duration, size, checksum, status, created (the order of the values). */
    static final Prepared INSERT = new Prepared(DSL.insertInto(RECORDINGS).set(Prepared.params(List.of(RECORDINGS.CALL_ID,
            RECORDINGS.PATH, RECORDINGS.PATH_SHA256, RECORDINGS.DURATION_MS, RECORDINGS.SIZE_BYTES, RECORDINGS.SHA256,
            RECORDINGS.STATUS, RECORDINGS.CREATED_AT))));
    static final Prepared BY_PATH = new Prepared(DSL.selectFrom(RECORDINGS)
            .where(RECORDINGS.PATH_SHA256.eq(Prepared.param(RECORDINGS.PATH_SHA256))));

    /** The recording's row as an insert, every column. */
    private static org.jooq.InsertSetMoreStep<RecordingsRecord> insert(DSLContext tx, Recording rec, String key, String status,
            long createdAt) {
        return tx.insertInto(RECORDINGS)
                .set(RECORDINGS.CALL_ID, rec.callId())
                .set(RECORDINGS.PATH, rec.path())
                .set(RECORDINGS.PATH_SHA256, key)
                .set(RECORDINGS.DURATION_MS, rec.durationMs())
                .set(RECORDINGS.SIZE_BYTES, rec.sizeBytes())
                .set(RECORDINGS.SHA256, rec.sha256())
                .set(RECORDINGS.STATUS, status)
                .set(RECORDINGS.CREATED_AT, createdAt);
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
            insert(tx, rec, key, status, rec.createdAt() > 0 ? rec.createdAt() : System.currentTimeMillis()).execute();
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
        return BY_PATH.fetch(dsl, pathKey(path)).into(RECORDINGS).stream().findFirst()
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

    static final Prepared OK_AFTER = new Prepared(DSL.selectFrom(RECORDINGS)
            .where(RECORDINGS.STATUS.eq(DSL.inline("ok"))).and(RECORDINGS.ID.gt(Prepared.param(RECORDINGS.ID)))
            .orderBy(RECORDINGS.ID).limit(DSL.param("limit", Integer.class)));

    @Override
    public List<Recording> okAfter(long afterId, int limit) {
        return OK_AFTER.fetch(dsl, afterId, limit).into(RECORDINGS).map(JooqRecordingRepository::toRecording);
    }

    @Override
    public List<Recording> all() {
        return dsl.selectFrom(RECORDINGS).orderBy(RECORDINGS.ID).fetch(JooqRecordingRepository::toRecording);
    }

    @Override
    public void setStatus(long id, String status) {
        if (status == null || status.isBlank()) {
            throw new IllegalArgumentException("status is required (ok, missing, empty, orphan, removed)");
        }
        dsl.update(RECORDINGS).set(RECORDINGS.STATUS, status).where(RECORDINGS.ID.eq(id)).execute();
    }

    @Override
    public List<Recording> allByCall(long callId) {
        return dsl.selectFrom(RECORDINGS).where(RECORDINGS.CALL_ID.eq(callId))
                .orderBy(RECORDINGS.CREATED_AT, RECORDINGS.ID)
                .fetch(JooqRecordingRepository::toRecording);
    }

    @Override
    public boolean setHold(long id, boolean hold, String by, long at, String reason) {
        return dsl.update(RECORDINGS)
                .set(RECORDINGS.ON_HOLD, hold)
                .set(RECORDINGS.HOLD_BY, hold ? by : null)
                .set(RECORDINGS.HOLD_AT, hold ? Long.valueOf(at) : null)
                .set(RECORDINGS.HOLD_REASON, hold ? reason : null)
                .where(RECORDINGS.ID.eq(id))
                .execute() > 0;
    }

    @Override
    public List<Recording> expired(long cutoff, int limit) {
        return dsl.selectFrom(RECORDINGS)
                .where(RECORDINGS.CREATED_AT.lt(cutoff))
                .and(RECORDINGS.ON_HOLD.isFalse())
                .and(RECORDINGS.REMOVED_AT.isNull())
                .orderBy(RECORDINGS.CREATED_AT, RECORDINGS.ID)
                .limit(limit)
                .fetch(JooqRecordingRepository::toRecording);
    }

    @Override
    public boolean markRemoved(long id, long at, String reason) {
        // conditional: a hold placed after the retention run read its list still wins
        return dsl.update(RECORDINGS)
                .set(RECORDINGS.REMOVED_AT, at)
                .set(RECORDINGS.REMOVED_REASON, reason)
                .set(RECORDINGS.STATUS, "removed")
                .where(RECORDINGS.ID.eq(id))
                .and(RECORDINGS.ON_HOLD.isFalse())
                .and(RECORDINGS.REMOVED_AT.isNull())
                .execute() > 0;
    }

    @Override
    public void unmarkRemoved(long id, String status) {
        dsl.update(RECORDINGS)
                .set(RECORDINGS.REMOVED_AT, (Long) null)
                .set(RECORDINGS.REMOVED_REASON, (String) null)
                .set(RECORDINGS.STATUS, status)
                .where(RECORDINGS.ID.eq(id))
                .execute();
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
                r.getSha256(), r.getStatus(), r.getCreatedAt(), Boolean.TRUE.equals(r.getOnHold()), r.getHoldBy(),
                r.getHoldAt(), r.getHoldReason(), r.getRemovedAt(), r.getRemovedReason());
    }
}
