package onekey.reports;

import static onekey.store.jooq.Tables.AGENT_STATE_LOG;
import static onekey.store.jooq.Tables.BROADCASTS;
import static onekey.store.jooq.Tables.BROADCAST_ATTEMPTS;
import static onekey.store.jooq.Tables.CALLS;
import static onekey.store.jooq.Tables.ELDERS;
import static onekey.store.jooq.Tables.FOLLOW_UPS;
import static onekey.store.jooq.Tables.INCIDENTS;
import static onekey.store.jooq.Tables.INCIDENT_STEPS;

import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.concurrent.atomic.AtomicInteger;
import org.jooq.DSLContext;

/**
 * One known day of stored timelines (2026-06-01 in Shanghai), the same on H2 and MariaDB, whose figures are worked
 * out by hand in the tests: six calls that came in on four lines (answers after 5, 20, 70 and 200 s, two abandoned),
 * a seat's own call and a call of the day before that no report counts, two incidents, three follow-ups, three
 * broadcasts, three elders with their archive, and one agent's wrap-ups.
 */
public final class ReportSeed {
    public static final ZoneId ZONE = ZoneId.of("Asia/Shanghai");
    public static final LocalDate DAY = LocalDate.of(2026, 6, 1);
    /** The reports' clock: that evening. */
    public static final long NOW = at(20, 0);
    public static final long ANN = 3;
    public static final long BOB = 4;

    private static final AtomicInteger SEQ = new AtomicInteger();

    private ReportSeed() {
    }

    public static long at(int h, int m) {
        return DAY.atTime(LocalTime.of(h, m)).atZone(ZONE).toInstant().toEpochMilli();
    }

    public static Period day() {
        return Period.day(DAY, ZONE);
    }

    private static long elder(DSLContext dsl, String name, String category, String care, String sub, String enrolment,
                              LocalDate enrolledOn, boolean alone, LocalDate proxy) {
        return dsl.insertInto(ELDERS)
                .set(ELDERS.NAME, name).set(ELDERS.CATEGORY, category).set(ELDERS.CARE_LEVEL, care)
                .set(ELDERS.SUB_DISTRICT, sub).set(ELDERS.ENROLMENT_STATE, enrolment).set(ELDERS.ENROLLED_ON, enrolledOn)
                .set(ELDERS.LIVING_ALONE, alone).set(ELDERS.PROXY_CALL_SIGNED_ON, proxy)
                .set(ELDERS.CREATED_AT, at(0, 0) - 86_400_000L).set(ELDERS.UPDATED_AT, at(0, 0))
                .returningResult(ELDERS.ID).fetchOne().value1();
    }

    /** A call that arrived at {@code arrived}, answered after {@code waitS} (null: not), ended after {@code talkS}. */
    private static long call(DSLContext dsl, String line, Long elder, long arrived, Integer waitS, int talkS,
                             Long agent, String agentName, String direction) {
        Long answered = waitS == null ? null : arrived + waitS * 1000L;
        long ended = answered == null ? arrived + talkS * 1000L : answered + talkS * 1000L;
        return dsl.insertInto(CALLS)
                .set(CALLS.LINKEDID, "seed." + SEQ.incrementAndGet()).set(CALLS.SERVICE, line).set(CALLS.ELDER_ID, elder)
                .set(CALLS.ARRIVED_AT, arrived).set(CALLS.QUEUED_AT, arrived).set(CALLS.ANSWERED_AT, answered)
                .set(CALLS.ENDED_AT, ended).set(CALLS.AGENT_ID, answered == null ? null : agent)
                .set(CALLS.AGENT_NAME, answered == null ? null : agentName)
                .set(CALLS.OUTCOME, answered == null ? "abandoned" : "completed").set(CALLS.DIRECTION, direction)
                .set(CALLS.WAIT_MS, answered == null ? null : answered - arrived)
                .set(CALLS.TALK_MS, answered == null ? null : ended - answered)
                .returningResult(CALLS.ID).fetchOne().value1();
    }

    private static void state(DSLContext dsl, long agent, String state, long since) {
        dsl.insertInto(AGENT_STATE_LOG).set(AGENT_STATE_LOG.ACCOUNT_ID, agent).set(AGENT_STATE_LOG.USERNAME, "ann")
                .set(AGENT_STATE_LOG.STATE, state).set(AGENT_STATE_LOG.SINCE, since).execute();
    }

    /** Writes the day. */
    public static void seed(DSLContext dsl) {
        long e1 = elder(dsl, "甲", "district-paid", "nursing", "天平路街道", "enrolled", DAY, true, DAY.minusDays(3));
        long e2 = elder(dsl, "乙", "subsidised", "assisted", "湖南路街道", "enrolled", LocalDate.of(2026, 1, 10), false, null);
        elder(dsl, "丙", "market", null, null, "pending", null, false, null);

        long c1 = call(dsl, "sos", e1, at(9, 0), 5, 60, ANN, "ann", null);
        long c2 = call(dsl, "sos", e1, at(9, 10), 20, 120, ANN, "ann", null);
        call(dsl, "general", e2, at(9, 20), 70, 30, BOB, "bob", null);
        call(dsl, "general", e2, at(9, 30), null, 40, null, null, null);
        call(dsl, "consult", null, at(9, 40), 200, 10, BOB, "bob", null);
        call(dsl, "taxi", e2, at(9, 50), null, 8, null, null, null);
        call(dsl, null, e1, at(11, 0), 3, 50, ANN, "ann", "seat");          // a seat's own call: not offered
        call(dsl, "sos", e1, at(9, 0) - 86_400_000L, 1, 10, ANN, "ann", null); // the day before
        // ann's wrap-ups after her two calls: 10 s and 20 s (handle time includes them)
        long c1End = at(9, 0) + 65_000;
        long c2End = at(9, 10) + 140_000;
        state(dsl, ANN, "ready", at(8, 0));
        state(dsl, ANN, "on-call", at(9, 0) + 5_000);
        state(dsl, ANN, "wrap-up", c1End + 200);
        state(dsl, ANN, "ready", c1End + 10_200);
        state(dsl, ANN, "on-call", at(9, 10) + 20_000);
        state(dsl, ANN, "wrap-up", c2End + 300);
        state(dsl, ANN, "ready", c2End + 20_300);

        long i1 = dsl.insertInto(INCIDENTS).set(INCIDENTS.ELDER_ID, e1).set(INCIDENTS.CALL_ID, c2)
                .set(INCIDENTS.AGENT_ID, ANN).set(INCIDENTS.OPENED_AT, at(9, 11)).set(INCIDENTS.REASON, "no-response")
                .set(INCIDENTS.STATE, "resolved").set(INCIDENTS.CLOSED_AT, at(9, 31)).set(INCIDENTS.OUTCOME, "120 arrived")
                .returningResult(INCIDENTS.ID).fetchOne().value1();
        step(dsl, i1, 1, "redial", at(9, 12), at(9, 12), at(9, 12) + 30_000, "no-answer", null);
        step(dsl, i1, 2, "redial", at(9, 13), at(9, 13), at(9, 13) + 30_000, "no-answer", null);
        step(dsl, i1, 3, "contact", at(9, 14), at(9, 14), at(9, 20), "ack", null);
        step(dsl, i1, 4, "follow-up", at(9, 31) + 86_400_000L, null, null, null, null);
        long i1c = c1; // not linked: the second incident
        dsl.insertInto(INCIDENTS).set(INCIDENTS.ELDER_ID, e2).set(INCIDENTS.CALL_ID, i1c)
                .set(INCIDENTS.OPENED_AT, at(9, 51)).set(INCIDENTS.REASON, "abandoned-sos").set(INCIDENTS.STATE, "cancelled")
                .set(INCIDENTS.CLOSED_AT, at(10, 0)).set(INCIDENTS.OUTCOME, "the elder called back (by ann)").execute();

        followUp(dsl, "sos", e1, at(12, 0), "done", at(11, 0), "reached", "condition=好 satisfaction=5 by=ann");
        followUp(dsl, "consult", null, at(10, 0), "done", at(14, 0), "reached", "condition=ok satisfaction=3 by=bob");
        followUp(dsl, "sos", e2, at(15, 0), "open", null, "not-reached", "not reached by ann; to be tried again");

        broadcast(dsl, e1, "booking", null, "confirmed", "confirmed");
        broadcast(dsl, e2, "check-in", 1L, "failed", "no-answer");
        broadcast(dsl, e2, "check-in", 1L, "failed", "no-confirm");
    }

    private static void step(DSLContext dsl, long incident, int seq, String kind, long due, Long started, Long ended,
                             String result, String detail) {
        dsl.insertInto(INCIDENT_STEPS).set(INCIDENT_STEPS.INCIDENT_ID, incident).set(INCIDENT_STEPS.SEQ, seq)
                .set(INCIDENT_STEPS.KIND, kind).set(INCIDENT_STEPS.DUE_AT, due)
                .set(INCIDENT_STEPS.STATE, ended == null ? "planned" : "done").set(INCIDENT_STEPS.STARTED_AT, started)
                .set(INCIDENT_STEPS.ENDED_AT, ended).set(INCIDENT_STEPS.RESULT, result).set(INCIDENT_STEPS.DETAIL, detail)
                .execute();
    }

    private static void followUp(DSLContext dsl, String reason, Long elder, long due, String state, Long ended,
                                 String result, String detail) {
        dsl.insertInto(FOLLOW_UPS).set(FOLLOW_UPS.LINKEDID, "fu." + SEQ.incrementAndGet()).set(FOLLOW_UPS.ELDER_ID, elder)
                .set(FOLLOW_UPS.REASON, reason).set(FOLLOW_UPS.CREATED_AT, due - 3_600_000L).set(FOLLOW_UPS.DUE_AT, due)
                .set(FOLLOW_UPS.STATE, state).set(FOLLOW_UPS.ENDED_AT, ended).set(FOLLOW_UPS.RESULT, result)
                .set(FOLLOW_UPS.DETAIL, detail).execute();
    }

    private static void broadcast(DSLContext dsl, long elder, String kind, Long campaign, String state, String result) {
        long id = dsl.insertInto(BROADCASTS).set(BROADCASTS.ELDER_ID, elder).set(BROADCASTS.TEMPLATE, kind)
                .set(BROADCASTS.KIND, kind).set(BROADCASTS.FIELDS, "{}").set(BROADCASTS.LANGUAGE, "zh")
                .set(BROADCASTS.MESSAGE, "您好").set(BROADCASTS.PROMPT, "p").set(BROADCASTS.PROMPT_MS, 1000L)
                .set(BROADCASTS.URGENT, false).set(BROADCASTS.STATE, state).set(BROADCASTS.CREATED_AT, at(10, 0))
                .set(BROADCASTS.DUE_AT, at(10, 0)).set(BROADCASTS.CAMPAIGN_ID, campaign)
                .returningResult(BROADCASTS.ID).fetchOne().value1();
        dsl.insertInto(BROADCAST_ATTEMPTS).set(BROADCAST_ATTEMPTS.BROADCAST_ID, id).set(BROADCAST_ATTEMPTS.SEQ, 1)
                .set(BROADCAST_ATTEMPTS.PHONE, "13800000000").set(BROADCAST_ATTEMPTS.DUE_AT, at(10, 0))
                .set(BROADCAST_ATTEMPTS.STATE, "done").set(BROADCAST_ATTEMPTS.RESULT, result).execute();
    }
}
