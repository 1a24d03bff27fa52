package onekey.calls;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import onekey.auth.JooqAuditLog;
import onekey.lines.Service;
import onekey.store.Database;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 23: the call-state write skips its UPDATE only when the row holds that state already; a batch writes the same
 * rows as its ops one at a time.
 */
class JournalAppliersTest {

    private static final CallRecord ARRIVED = CallRecord.arrived("L1", "PJSIP/trunk-1", "13800000001", "1234901",
            Service.SOS, 10, 1_000L, false);

    private static CallRecord with(CallRecord c, Long elderId, Long answeredAt) {
        return new CallRecord(7, c.linkedid(), c.callerChannel(), c.callerNumber(), c.dnis(), c.line(), c.priority(),
                elderId, c.agentId(), c.agentName(), c.arrivedAt(), c.queuedAt(), answeredAt, c.endedAt(), c.waitMs(),
                c.talkMs(), c.outcome(), c.disposition(), c.notes(), c.failOpen(), c.recordingId());
    }

    @Test
    void aRowInsertedWithTheStateNeedsNoUpdate() {
        assertThat(JournalAppliers.sameState(with(ARRIVED, null, null), ARRIVED)).isTrue();
        // a stored elder is kept by the update when the state has none: nothing to write either
        assertThat(JournalAppliers.sameState(with(ARRIVED, 5L, null), ARRIVED)).isTrue();
    }

    @Test
    void aRowWithAnOlderOrOtherStateIsUpdated() {
        CallRecord answered = with(ARRIVED, null, 2_000L);
        assertThat(JournalAppliers.sameState(with(ARRIVED, null, null), answered)).isFalse();
        assertThat(JournalAppliers.sameState(with(ARRIVED, 5L, null), with(ARRIVED, 6L, null))).isFalse();
        assertThat(JournalAppliers.sameState(with(ARRIVED, null, null), with(ARRIVED, 6L, null))).isFalse();
        CallRecord otherLine = new CallRecord(0, "L1", "PJSIP/trunk-1", "13800000001", "1234902", Service.REGISTRATION, 5,
                null, null, null, 1_000L, null, null, null, null, null, CallOutcome.ARRIVED, null, null, false, null);
        assertThat(JournalAppliers.sameState(with(ARRIVED, null, null), otherLine)).isFalse();
    }

    private static JournalAppliers appliers(Database db, List<String> stored) {
        return new JournalAppliers(new JooqCallRepository(db), new JooqAuditLog(db), (call, file) -> { },
                new JournalAppliers.Model() {
                    @Override
                    public void stored(String linkedid, long id) {
                        stored.add(linkedid + "=" + id);
                    }

                    @Override
                    public void linkWritten(String linkedid) {
                    }
                });
    }

    /** Two calls' states, timelines and an audit row interleaved, as a surge's batch holds them. */
    private static List<CallJournal.Entry> ops() {
        CallRecord a = CallRecord.arrived("L1", "PJSIP/trunk-1", "13800000001", "1234901", Service.SOS, 10, 1_000L, false);
        CallRecord b = CallRecord.arrived("L2", "PJSIP/trunk-2", "13800000002", "12349", Service.GENERAL, 1, 1_050L, false);
        List<JournalOp> ops = List.of(
                new JournalOp.CallState(a),
                new JournalOp.Events("L1", List.of(new JournalOp.Ev(1_000L, "arrived", "line=sos"))),
                new JournalOp.CallState(a.withElderId(5L).withQueuedAt(1_200L)),
                new JournalOp.CallState(b),
                new JournalOp.Events("L1", List.of(new JournalOp.Ev(1_200L, "queued", "pos=1"),
                        new JournalOp.Ev(1_300L, "offered", "agent=1001"))),
                new JournalOp.Audit(1_300L, 7L, "ann", "elder.pop", "elder", "5", "call L1"),
                new JournalOp.Events("L2", List.of(new JournalOp.Ev(1_050L, "arrived", "line=general"))),
                // a later state without the elder: the row keeps the elder, one at a time and in a batch
                new JournalOp.CallState(a.withQueuedAt(1_200L).withAnsweredAt(1_400L).withAgent(7L, "Ann")),
                new JournalOp.CallState(b.withQueuedAt(1_100L)));
        List<CallJournal.Entry> out = new ArrayList<>();
        for (int i = 0; i < ops.size(); i++) {
            out.add(new CallJournal.Entry(i + 1, "run-" + (i + 1), 1_000L + i, ops.get(i)));
        }
        return out;
    }

    private static List<String> rows(Database db) {
        List<String> out = new ArrayList<>();
        db.dsl().resultQuery("select id, linkedid, elder_id, agent_id, agent_name, queued_at, answered_at, outcome, service"
                + " from calls order by id").fetch().forEach(r -> out.add("call " + r.formatCSV(false).trim()));
        db.dsl().resultQuery("select call_id, at_ms, event_type, detail, op_key from call_events order by call_id, at_ms, id")
                .fetch().forEach(r -> out.add("event " + r.formatCSV(false).trim()));
        db.dsl().resultQuery("select account_id, username, audit_action, target_id, detail, op_key from audit_log"
                + " where op_key is not null order by id").fetch().forEach(r -> out.add("audit " + r.formatCSV(false).trim()));
        return out;
    }

    @Test
    void aBatchWritesTheRowsItsOpsWriteOneAtATime(@TempDir Path tmp) throws Exception {
        List<String> oneStored = new ArrayList<>();
        List<String> batchStored = new ArrayList<>();
        try (Database one = onekey.testkit.H2Template.open(tmp.resolve("one"), "sa", 2);
                Database batch = onekey.testkit.H2Template.open(tmp.resolve("batch"), "sa", 2)) {
            JournalAppliers single = appliers(one, oneStored);
            for (CallJournal.Entry e : ops()) {
                single.apply(e);
            }
            appliers(batch, batchStored).applyAll(ops(), batch::inOneTransaction);

            List<String> expected = rows(one);
            assertThat(expected).anyMatch(r -> r.startsWith("call 1,L1,5,7,Ann,1200,1400,"))
                    .anyMatch(r -> r.startsWith("event 1,1300,offered,agent=1001,run-5#1"))
                    .anyMatch(r -> r.startsWith("audit 7,ann,elder.pop,5"));
            assertThat(rows(batch)).containsExactlyElementsOf(expected);
            // the model hears of each call's row (once a batch is committed)
            assertThat(batchStored).contains("L1=1", "L2=2");
        }
    }
}
