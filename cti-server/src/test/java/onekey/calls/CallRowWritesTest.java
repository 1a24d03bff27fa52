package onekey.calls;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import onekey.lines.Service;
import onekey.store.Database;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 23: a call's row is inserted and updated through statements rendered once and bound by position
 * ({@link onekey.store.Prepared}). Every column gets its own value, so a value bound to the wrong column shows.
 */
class CallRowWritesTest {

    @Test
    void theParametersComeInTheOrderTheValuesAreGiven() {
        assertThat(JooqCallRepository.INSERT.names()).containsExactly("id", "linkedid", "caller_channel", "caller_number",
                "dnis", "service", "priority", "elder_id", "agent_id", "agent_name", "arrived_at", "queued_at", "answered_at",
                "ended_at", "wait_ms", "talk_ms", "outcome", "fail_open", "disposition", "notes", "recording_id");
        assertThat(JooqCallRepository.UPDATE_STATE.names()).containsExactly("caller_channel", "caller_number", "dnis",
                "service", "priority", "elder_id", "agent_id", "agent_name", "arrived_at", "queued_at", "answered_at",
                "ended_at", "wait_ms", "talk_ms", "outcome", "fail_open", "id");
        assertThat(JooqCallRepository.SET_RECORDING.names()).containsExactly("recording_id", "id");
        assertThat(JooqCallRepository.LAST_OF_ELDER.names()).containsExactly("elderId", "limit");
        assertThat(JooqCallRepository.INSERT_KEYED_EVENTS.names()).containsExactly("callId0", "at0", "type0", "detail0",
                "opKey0");
    }

    @Test
    void timelineRowsAreWrittenOnceInStatementsOfManyRows(@TempDir Path tmp) throws Exception {
        try (Database db = onekey.testkit.H2Template.open(tmp.resolve("onekey"), "sa", 4)) {
            JooqCallRepository repo = new JooqCallRepository(db);
            long id = repo.insertIfAbsent(CallRecord.arrived("1796608998.0", "PJSIP/trunk-00000000", "02155550001",
                    "1234901", Service.SOS, 10, 1_000L, false)).id();
            List<CallRepository.KeyedEvent> first = List.of(
                    new CallRepository.KeyedEvent(1_001L, "queued", "queue=onekey", "op-1"),
                    new CallRepository.KeyedEvent(1_002L, "offered", "agent=1001", "op-2"),
                    new CallRepository.KeyedEvent(1_003L, "answered", null, "op-3"));
            assertThat(repo.addKeyedEvents(id, first)).isEqualTo(3);
            // a replay after a crash: the two written are skipped, the new one is written
            assertThat(repo.addKeyedEvents(id, List.of(first.get(1), first.get(2),
                    new CallRepository.KeyedEvent(1_004L, "hangup", "cause=16", "op-4")))).isEqualTo(1);
            assertThat(repo.timeline(id)).extracting(CallEvent::at, CallEvent::type, CallEvent::detail).containsExactly(
                    org.assertj.core.groups.Tuple.tuple(1_001L, "queued", "queue=onekey"),
                    org.assertj.core.groups.Tuple.tuple(1_002L, "offered", "agent=1001"),
                    org.assertj.core.groups.Tuple.tuple(1_003L, "answered", null),
                    org.assertj.core.groups.Tuple.tuple(1_004L, "hangup", "cause=16"));
            // more rows than one statement takes
            List<CallRepository.KeyedEvent> many = new java.util.ArrayList<>();
            for (int i = 0; i < onekey.store.Prepared.MAX_ROWS * 2 + 7; i++) {
                many.add(new CallRepository.KeyedEvent(2_000L + i, "talking", "n=" + i, "many-" + i));
            }
            assertThat(repo.addKeyedEvents(id, many)).isEqualTo(many.size());
            assertThat(repo.timeline(id)).hasSize(4 + many.size());
            assertThat(repo.timeline(id).getLast().detail()).isEqualTo("n=" + (many.size() - 1));
        }
    }

    @Test
    void everyColumnIsWrittenWhereItBelongs(@TempDir Path tmp) throws Exception {
        try (Database db = onekey.testkit.H2Template.open(tmp.resolve("onekey"), "sa", 4)) {
            JooqCallRepository repo = new JooqCallRepository(db);
            CallRecord first = new CallRecord(0, "1796608998.0", "PJSIP/trunk-00000000", "02155550001", "1234901",
                    Service.SOS, 10, 11L, 12L, "王丽", 1_000L, 1_001L, 1_002L, null, 2L, null, CallOutcome.ANSWERED,
                    "resolved", "已联系女儿", true, null);
            CallRecord stored = repo.insertIfAbsent(first);
            assertThat(stored.id()).isPositive();
            assertThat(repo.get(stored.id()).orElseThrow()).isEqualTo(first.withId(stored.id()));

            CallRecord later = new CallRecord(stored.id(), first.linkedid(), "PJSIP/trunk-00000009", "02155550002", "12349",
                    Service.GENERAL, 3, null, 13L, "李明", 2_000L, 2_001L, 2_002L, 2_003L, 4L, 5L, CallOutcome.COMPLETED,
                    "resolved", "已联系女儿", false, null);
            repo.updateState(stored.id(), later);
            // the elder linked before stays (a state write without one never unlinks it); disposition and notes are
            // not the state's to write
            CallRecord expected = new CallRecord(stored.id(), first.linkedid(), "PJSIP/trunk-00000009", "02155550002",
                    "12349", Service.GENERAL, 3, 11L, 13L, "李明", 2_000L, 2_001L, 2_002L, 2_003L, 4L, 5L,
                    CallOutcome.COMPLETED, "resolved", "已联系女儿", false, null);
            assertThat(repo.get(stored.id()).orElseThrow()).isEqualTo(expected);

            repo.updateState(stored.id(), new CallRecord(stored.id(), first.linkedid(), later.callerChannel(),
                    later.callerNumber(), later.dnis(), later.line(), later.priority(), 14L, later.agentId(),
                    later.agentName(), later.arrivedAt(), later.queuedAt(), later.answeredAt(), later.endedAt(),
                    later.waitMs(), later.talkMs(), later.outcome(), null, null, false, null));
            assertThat(repo.get(stored.id()).orElseThrow().elderId()).as("a state with an elder writes it").isEqualTo(14L);

            // an elder's last calls, newest first, as many as asked for (the screen pop's statement)
            CallRecord second = repo.insertIfAbsent(CallRecord.arrived("1796609100.4", "PJSIP/trunk-00000004",
                    "02155550001", "1234901", Service.SOS, 10, 3_000L, false));
            repo.setElder(second.id(), 14L);
            assertThat(repo.find(14L, null, 5)).extracting(CallRecord::id).containsExactly(second.id(), stored.id());
            assertThat(repo.find(14L, null, 1)).extracting(CallRecord::id).containsExactly(second.id());
            assertThat(repo.find(15L, null, 5)).isEmpty();

            repo.setRecording(stored.id(), 77L);
            assertThat(repo.get(stored.id()).orElseThrow().recordingId()).isEqualTo(77L);
            assertThat(List.of(repo.get(stored.id()).orElseThrow().notes())).containsExactly("已联系女儿");
        }
    }
}
