package onekey.rescue;

import static onekey.store.jooq.Tables.CALLS;
import static onekey.store.jooq.Tables.FOLLOW_UPS;

import java.util.List;
import java.util.Optional;
import onekey.store.Constraints;
import onekey.store.Database;
import onekey.store.jooq.tables.records.FollowUpsRecord;
import org.jooq.DSLContext;
import org.jooq.exception.DataAccessException;
import org.jooq.impl.DSL;

/** The follow-ups of calls (table follow_ups, V13): one per call, each change a conditional UPDATE from "open". */
public final class FollowUpRepository {

    private final DSLContext dsl;

    public FollowUpRepository(Database db) {
        this.dsl = db.dsl();
    }

    /** Plans the call's follow-up; empty when the call has one already (idempotent per linkedid). */
    /** A new follow-up (every answered SOS call and consultation has one), rendered once (issue 23). */
    static final onekey.store.Prepared INSERT = new onekey.store.Prepared(org.jooq.impl.DSL.insertInto(FOLLOW_UPS)
            .set(onekey.store.Prepared.params(List.of(FOLLOW_UPS.LINKEDID, FOLLOW_UPS.CALL_ID, FOLLOW_UPS.ELDER_ID,
                    FOLLOW_UPS.NUMBER, FOLLOW_UPS.AGENT_ID, FOLLOW_UPS.REASON, FOLLOW_UPS.CREATED_AT, FOLLOW_UPS.DUE_AT)))
            .set(FOLLOW_UPS.STATE, org.jooq.impl.DSL.inline("open"))
            .set(FOLLOW_UPS.ATTEMPTS, org.jooq.impl.DSL.inline(0)));

    public Optional<FollowUp> create(String linkedid, Long callId, Long elderId, String number, Long agentId, String reason,
                                     long at, long dueAt) {
        // issue 23: the insert alone (one statement, not a look before and a read after): a follow-up there already is
        // the unique key's violation
        try {
            long id = INSERT.insertReturningId(dsl, linkedid, callId, elderId, number, agentId, reason, at, dueAt);
            return Optional.of(new FollowUp(id, linkedid, callId, elderId, number, agentId, reason, at, dueAt, "open", 0,
                    null, null, null));
        } catch (DataAccessException e) {
            if (Constraints.violates(e, "uq_follow_ups_linkedid")) {
                return Optional.empty(); // created by a concurrent end of the same call
            }
            throw e;
        }
    }

    /** An answered SOS call or consultation that has no follow-up yet. */
    public record Missed(long callId, String linkedid, Long elderId, String callerNumber, Long agentId, String service,
                         long endedAt) {}

    /**
     * Answered calls on the SOS and consult lines that ended since {@code since} without a follow-up: their end was
     * never told to the rescue (the server stopped first, or the database was away when it was).
     */
    public List<Missed> missed(long since, int limit) {
        return dsl.select(CALLS.ID, CALLS.LINKEDID, CALLS.ELDER_ID, CALLS.CALLER_NUMBER, CALLS.AGENT_ID, CALLS.SERVICE,
                        CALLS.ENDED_AT)
                .from(CALLS)
                .where(CALLS.ENDED_AT.ge(since)).and(CALLS.ANSWERED_AT.isNotNull()).and(CALLS.SERVICE.in("sos", "consult"))
                .andNotExists(DSL.selectOne().from(FOLLOW_UPS).where(FOLLOW_UPS.LINKEDID.eq(CALLS.LINKEDID)))
                .orderBy(CALLS.ENDED_AT)
                .limit(limit)
                .fetch(r -> new Missed(r.value1(), r.value2(), r.value3(), r.value4(), r.value5(), r.value6(), r.value7()));
    }

    public Optional<FollowUp> get(long id) {
        return dsl.selectFrom(FOLLOW_UPS).where(FOLLOW_UPS.ID.eq(id)).fetchOptional().map(FollowUpRepository::of);
    }

    public Optional<FollowUp> byLinkedid(String linkedid) {
        return dsl.selectFrom(FOLLOW_UPS).where(FOLLOW_UPS.LINKEDID.eq(linkedid)).fetchOptional().map(FollowUpRepository::of);
    }

    /** Open follow-ups due by {@code until}, soonest first (the worklist). */
    public List<FollowUp> open(long until) {
        return dsl.selectFrom(FOLLOW_UPS).where(FOLLOW_UPS.STATE.eq("open")).and(FOLLOW_UPS.DUE_AT.le(until))
                .orderBy(FOLLOW_UPS.DUE_AT, FOLLOW_UPS.ID).fetch(FollowUpRepository::of);
    }

    /** An attempt that did not complete it (dialled, not reached): counted and noted; it stays open. */
    public boolean note(long id, String result, String detail) {
        return dsl.update(FOLLOW_UPS)
                .set(FOLLOW_UPS.RESULT, result)
                .set(FOLLOW_UPS.DETAIL, cut(detail))
                .set(FOLLOW_UPS.ATTEMPTS, FOLLOW_UPS.ATTEMPTS.plus("not-reached".equals(result) ? 1 : 0))
                .where(FOLLOW_UPS.ID.eq(id)).and(FOLLOW_UPS.STATE.eq("open"))
                .execute() == 1;
    }

    /** open → done; false when it was done already. */
    public boolean finish(long id, String result, String detail, long at) {
        return dsl.update(FOLLOW_UPS)
                .set(FOLLOW_UPS.STATE, "done")
                .set(FOLLOW_UPS.RESULT, result)
                .set(FOLLOW_UPS.DETAIL, cut(detail))
                .set(FOLLOW_UPS.ATTEMPTS, FOLLOW_UPS.ATTEMPTS.plus(1))
                .set(FOLLOW_UPS.ENDED_AT, at)
                .where(FOLLOW_UPS.ID.eq(id)).and(FOLLOW_UPS.STATE.eq("open"))
                .execute() == 1;
    }

    private static String cut(String s) {
        return s == null || s.length() <= 255 ? s : s.substring(0, 255);
    }

    private static FollowUp of(FollowUpsRecord r) {
        return new FollowUp(r.getId(), r.getLinkedid(), r.getCallId(), r.getElderId(), r.getNumber(), r.getAgentId(),
                r.getReason(), r.getCreatedAt(), r.getDueAt(), r.getState(), r.getAttempts(), r.getResult(), r.getDetail(),
                r.getEndedAt());
    }
}
