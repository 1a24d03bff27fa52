package onekey.auth;

import static onekey.store.jooq.Tables.AUDIT_LOG;

import java.time.Clock;
import java.util.List;
import onekey.store.Database;
import onekey.store.jooq.tables.records.AuditLogRecord;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;

/** Audit rows in table audit_log; every write is its own committed statement and throws on failure. */
public final class JooqAuditLog implements AuditLog {

    private static final int DETAIL_MAX = 4000;

    private final DSLContext dsl;
    private final Clock clock;

    public JooqAuditLog(Database db) {
        this(db, Clock.systemUTC());
    }

    public JooqAuditLog(Database db, Clock clock) {
        this.dsl = db.dsl();
        this.clock = clock;
    }

    /** The journal's audit rows (one a call or more): rendered once (issue 23). */
    static final onekey.store.Prepared RECORD_ONCE = new onekey.store.Prepared(DSL.insertInto(AUDIT_LOG)
            .set(AUDIT_LOG.AT_MS, DSL.param("at", AUDIT_LOG.AT_MS))
            .set(AUDIT_LOG.ACCOUNT_ID, DSL.param("accountId", AUDIT_LOG.ACCOUNT_ID))
            .set(AUDIT_LOG.USERNAME, DSL.param("username", AUDIT_LOG.USERNAME))
            .set(AUDIT_LOG.AUDIT_ACTION, DSL.param("action", AUDIT_LOG.AUDIT_ACTION))
            .set(AUDIT_LOG.TARGET_TYPE, DSL.param("targetType", AUDIT_LOG.TARGET_TYPE))
            .set(AUDIT_LOG.TARGET_ID, DSL.param("targetId", AUDIT_LOG.TARGET_ID))
            .set(AUDIT_LOG.DETAIL, DSL.param("detail", AUDIT_LOG.DETAIL))
            .set(AUDIT_LOG.OP_KEY, DSL.param("opKey", AUDIT_LOG.OP_KEY)));

    /** {@code actor} may be null for actions of OneKey itself (recorded as username "system"). */
    @Override
    public void record(Account actor, String action, String targetType, String targetId, String detail) {
        if (action == null || action.isBlank()) {
            throw new IllegalArgumentException("audit action is required");
        }
        dsl.insertInto(AUDIT_LOG)
                .set(AUDIT_LOG.AT_MS, clock.millis())
                .set(AUDIT_LOG.ACCOUNT_ID, actor == null ? null : actor.id())
                .set(AUDIT_LOG.USERNAME, actor == null ? "system" : actor.username())
                .set(AUDIT_LOG.AUDIT_ACTION, action)
                .set(AUDIT_LOG.TARGET_TYPE, targetType)
                .set(AUDIT_LOG.TARGET_ID, targetId)
                .set(AUDIT_LOG.DETAIL, detail == null || detail.length() <= DETAIL_MAX ? detail : detail.substring(0, DETAIL_MAX))
                .execute();
    }

    @Override
    public void recordAs(Long accountId, String username, String action, String targetType, String targetId,
                         String detail) {
        if (action == null || action.isBlank()) {
            throw new IllegalArgumentException("audit action is required");
        }
        String user = username == null ? null : username.length() <= 64 ? username : username.substring(0, 64);
        dsl.insertInto(AUDIT_LOG)
                .set(AUDIT_LOG.AT_MS, clock.millis())
                .set(AUDIT_LOG.ACCOUNT_ID, accountId)
                .set(AUDIT_LOG.USERNAME, user)
                .set(AUDIT_LOG.AUDIT_ACTION, action)
                .set(AUDIT_LOG.TARGET_TYPE, targetType)
                .set(AUDIT_LOG.TARGET_ID, targetId)
                .set(AUDIT_LOG.DETAIL, detail == null || detail.length() <= DETAIL_MAX ? detail : detail.substring(0, DETAIL_MAX))
                .execute();
    }

    @Override
    public List<AuditEntry> find(String actor, String type, String targetType, String targetId, Long fromMs, Long toMs,
                                 int limit) {
        if (limit <= 0) {
            return List.of();
        }
        return dsl.selectFrom(AUDIT_LOG)
                .where(actor == null ? DSL.noCondition() : AUDIT_LOG.USERNAME.eq(actor))
                .and(type == null ? DSL.noCondition()
                        : AUDIT_LOG.AUDIT_ACTION.eq(type).or(AUDIT_LOG.AUDIT_ACTION.startsWith(type + ".")))
                .and(targetType == null ? DSL.noCondition() : AUDIT_LOG.TARGET_TYPE.eq(targetType))
                .and(targetId == null ? DSL.noCondition() : AUDIT_LOG.TARGET_ID.eq(targetId))
                .and(fromMs == null ? DSL.noCondition() : AUDIT_LOG.AT_MS.ge(fromMs))
                .and(toMs == null ? DSL.noCondition() : AUDIT_LOG.AT_MS.lt(toMs))
                .orderBy(AUDIT_LOG.AT_MS.desc(), AUDIT_LOG.ID.desc())
                .limit(limit)
                .fetch(JooqAuditLog::toEntry);
    }

    @Override
    public onekey.store.Cursor.Page<AuditEntry> page(String actor, String type, String targetType, String targetId,
                                                     Long fromMs, Long toMs, onekey.store.Cursor after, int limit) {
        List<AuditEntry> rows = dsl.selectFrom(AUDIT_LOG)
                .where(actor == null ? DSL.noCondition() : AUDIT_LOG.USERNAME.eq(actor))
                .and(type == null ? DSL.noCondition()
                        : AUDIT_LOG.AUDIT_ACTION.eq(type).or(AUDIT_LOG.AUDIT_ACTION.startsWith(type + ".")))
                .and(targetType == null ? DSL.noCondition() : AUDIT_LOG.TARGET_TYPE.eq(targetType))
                .and(targetId == null ? DSL.noCondition() : AUDIT_LOG.TARGET_ID.eq(targetId))
                .and(fromMs == null ? DSL.noCondition() : AUDIT_LOG.AT_MS.ge(fromMs))
                .and(toMs == null ? DSL.noCondition() : AUDIT_LOG.AT_MS.lt(toMs))
                .and(after == null ? DSL.noCondition() : AUDIT_LOG.AT_MS.le(after.at())
                        .and(AUDIT_LOG.AT_MS.lt(after.at()).or(AUDIT_LOG.ID.lt(after.id()))))
                .orderBy(AUDIT_LOG.AT_MS.desc(), AUDIT_LOG.ID.desc())
                .limit(limit + 1)
                .fetch(JooqAuditLog::toEntry);
        return onekey.store.Cursor.Page.of(rows, limit, AuditEntry::at, AuditEntry::id);
    }

    @Override
    public boolean recordOnce(String opKey, long at, Long accountId, String username, String action, String targetType,
                              String targetId, String detail) {
        try {
            RECORD_ONCE.execute(dsl, at, accountId, username == null ? "system" : username, action, targetType, targetId,
                    detail == null || detail.length() <= DETAIL_MAX ? detail : detail.substring(0, DETAIL_MAX), opKey);
            return true;
        } catch (org.jooq.exception.DataAccessException e) {
            if (onekey.store.Constraints.violates(e, "uq_audit_log_op_key")) {
                return false;
            }
            throw e;
        }
    }

    /** Newest first. A null {@code targetType} / {@code targetId} does not filter. */
    @Override
    public List<AuditEntry> recent(String targetType, String targetId, int limit) {
        if (limit <= 0) {
            return List.of();
        }
        return dsl.selectFrom(AUDIT_LOG)
                .where(targetType == null ? DSL.noCondition() : AUDIT_LOG.TARGET_TYPE.eq(targetType))
                .and(targetId == null ? DSL.noCondition() : AUDIT_LOG.TARGET_ID.eq(targetId))
                .orderBy(AUDIT_LOG.AT_MS.desc(), AUDIT_LOG.ID.desc())
                .limit(limit)
                .fetch(JooqAuditLog::toEntry);
    }

    private static AuditEntry toEntry(AuditLogRecord r) {
        return new AuditEntry(r.getId(), r.getAtMs(), r.getAccountId(), r.getUsername(), r.getAuditAction(),
                r.getTargetType(), r.getTargetId(), r.getDetail());
    }
}
