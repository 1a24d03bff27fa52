package onekey.alerts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import onekey.auth.Account;
import onekey.auth.AuditEntry;
import onekey.auth.JooqAuditLog;
import onekey.auth.Role;
import onekey.api.EventViews;
import onekey.events.DomainEvent;
import onekey.events.Event;
import onekey.events.EventHub;
import onekey.store.Database;
import onekey.testkit.TestClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 19 item 1: every queue.alert / system.alert stored with an id, listed, acknowledged once, audited. */
class AlertServiceTest {

    @TempDir
    Path tmp;
    final TestClock clock = new TestClock(Instant.parse("2026-06-01T02:00:00Z"));
    final List<Event> seen = new CopyOnWriteArrayList<>();
    final Account zhou = new Account(5, "super", Role.SUPERVISOR, "1099", "secret", "周班长", true);
    final Account wang = new Account(6, "super2", Role.SUPERVISOR, null, null, "王班长", true);
    Database db;
    EventHub hub;
    JooqAuditLog audit;
    AlertService alerts;

    @BeforeEach
    void up() {
        db = onekey.testkit.H2Template.open(tmp.resolve("onekey"), "sa", 4);
        hub = new EventHub(100);
        audit = new JooqAuditLog(db, clock);
        alerts = new AlertService(new AlertRepository(db), hub, READER, audit, clock, Runnable::run).start();
        hub.subscribe(id -> false, true, -1, seen::add);
    }

    @AfterEach
    void down() {
        alerts.close();
        db.close();
    }

    /** An alert as a raiser publishes it (the test stands in for the features' records with their wire form). */
    record Raw(String type, Map<String, Object> body) implements DomainEvent {}

    static final AlertService.Reader READER = new AlertService.Reader() {
        @Override
        public String type(DomainEvent e) {
            return e instanceof Raw r ? r.type() : EventViews.TYPES.get(e.getClass());
        }

        @Override
        public Map<String, Object> body(DomainEvent e) {
            return e instanceof Raw r ? r.body() : EventViews.body(e);
        }
    };

    static String type(Event e) {
        return READER.type(e.event());
    }

    static Map<String, Object> body(Event e) {
        return READER.body(e.event());
    }

    private Event last(String type) {
        return seen.stream().filter(e -> type(e).equals(type)).reduce((a, b) -> b).orElseThrow();
    }

    @Test
    void raisedAlertsAreStoredNewestFirstWithTheirCallOrIncidentAndTheUrgentKindsMarked() {
        Map<String, Object> noAgent = new LinkedHashMap<>();
        noAgent.put("kind", "no-agent-ready");
        noAgent.put("call", Map.of("id", 41, "linkedid", "1700000000.7", "callerNumber", "02155550001"));
        noAgent.put("message", "SOS call waiting and no agent is ready");
        hub.broadcast(new Raw("queue.alert", noAgent));
        hub.broadcast(new Raw("call.queued", Map.of("kind", "not an alert")));
        hub.broadcast(new Raw("system.alert", Map.of("kind", "recording-missing", "state", "raised", "callId", 42,
                "linkedid", "1700000000.9", "message", "no usable recording")));
        hub.broadcast(new Raw("queue.alert", Map.of("kind", "task-not-taken", "seq", 3,
                "incident", Map.of("id", 9, "state", "escalating"))));

        List<Alert> open = alerts.list(true, 10);
        assertThat(open).extracting(Alert::kind).containsExactly("task-not-taken", "recording-missing", "no-agent-ready");
        assertThat(open).extracting(Alert::urgent).containsExactly(true, false, true);
        Alert sos = open.get(2);
        assertThat(sos.callId()).isEqualTo(41L);
        assertThat(sos.linkedid()).isEqualTo("1700000000.7");
        assertThat(sos.message()).isEqualTo("SOS call waiting and no agent is ready");
        assertThat(sos.type()).isEqualTo("queue.alert");
        assertThat(((Map<?, ?>) sos.body().get("call")).get("callerNumber")).as("stored masked").isEqualTo("*******0001");
        assertThat(open.get(1).callId()).isEqualTo(42L);
        assertThat(open.get(0).incidentId()).isEqualTo(9L);
        assertThat(open.get(0).body()).containsEntry("seq", 3);
        // each stored alert is published again with its id, for the supervisors' windows
        List<Event> raised = seen.stream().filter(e -> type(e).equals("alert.raised")).toList();
        assertThat(raised).hasSize(3);
        assertThat(((Map<?, ?>) body(raised.get(0)).get("alert")).get("id")).isEqualTo(sos.id());
        assertThat(raised.get(0).accountId()).as("to the supervisors, not one agent").isNull();
    }

    @Test
    void anAlertIsAcknowledgedOnceWithItsNoteAuditedAndTheOtherSupervisorsTold() {
        hub.broadcast(new Raw("queue.alert", Map.of("kind", "overflow", "call", Map.of("id", 7, "linkedid", "L7"),
                "message", "call unanswered for 30 s")));
        long id = alerts.list(true, 10).get(0).id();
        clock.advance(java.time.Duration.ofSeconds(20));

        Alert done = alerts.ack(id, zhou, "已电话联系家属").orElseThrow();
        assertThat(done.open()).isFalse();
        assertThat(done.ackedBy()).isEqualTo("super");
        assertThat(done.ackNote()).isEqualTo("已电话联系家属");
        assertThat(done.ackedAt()).isEqualTo(clock.millis());
        assertThat(alerts.list(true, 10)).isEmpty();
        assertThat(alerts.list(false, 10)).extracting(Alert::id).containsExactly(id);
        Map<?, ?> ack = (Map<?, ?>) body(last("alert.ack")).get("alert");
        assertThat(ack.get("id")).isEqualTo(id);
        Map<?, ?> by = (Map<?, ?>) ack.get("ack");
        assertThat(by.get("by")).isEqualTo("super");
        assertThat(by.get("note")).isEqualTo("已电话联系家属");
        List<AuditEntry> rows = audit.recent("alert", Long.toString(id), 10);
        assertThat(rows).hasSize(1);
        assertThat(rows.get(0).action()).isEqualTo("alert.ack");
        assertThat(rows.get(0).username()).isEqualTo("super");
        assertThat(rows.get(0).detail()).contains("kind=overflow", "call=L7", "note=已电话联系家属");

        // the second supervisor is too late: the alert stays as the first one left it
        assertThatThrownBy(() -> alerts.ack(id, wang, "我来"))
                .isInstanceOf(AlertService.AlreadyHandled.class).hasMessageContaining("super");
        assertThat(alerts.get(id).orElseThrow().ackNote()).isEqualTo("已电话联系家属");
        assertThat(audit.recent("alert", Long.toString(id), 10)).hasSize(1);
        assertThat(alerts.ack(999, zhou, null)).isEmpty();
    }

    @Test
    void aClearedSystemAlertClosesTheOpenAlertsOfItsKind() {
        hub.broadcast(new Raw("system.alert", Map.of("kind", "recordings-disk-low", "state", "raised", "freeMb", 4,
                "message", "recordings disk low")));
        hub.broadcast(new Raw("system.alert", Map.of("kind", "recording-missing", "state", "raised", "callId", 3)));
        assertThat(alerts.list(true, 10)).hasSize(2);
        hub.broadcast(new Raw("system.alert", Map.of("kind", "recordings-disk-low", "state", "cleared",
                "message", "recordings disk has space again (40 MB free)")));
        assertThat(alerts.list(true, 10)).extracting(Alert::kind).containsExactly("recording-missing");
        Alert closed = alerts.list(false, 10).get(1);
        assertThat(closed.ackedBy()).isEqualTo("system");
        assertThat(closed.ackNote()).contains("space again");
        assertThat(((Map<?, ?>) body(last("alert.ack")).get("alert")).get("id")).isEqualTo(closed.id());
    }

    @Test
    void aFeaturesTypedAlertIsStoredThroughTheWireViewsTheServerReadsItWith() {
        hub.broadcast(new onekey.recording.RecordingEvents.RecordingMissing(42L, "1700000000.9", null, "missing",
                "no usable recording"));
        hub.broadcast(new onekey.recording.RecordingEvents.RecordingMissing(43L, "1700000001.1", null, "missing",
                "no usable recording"));
        List<Alert> open = alerts.list(true, 10);
        assertThat(open).extracting(Alert::kind).containsExactly("recording-missing", "recording-missing");
        assertThat(open).extracting(Alert::callId).containsExactly(43L, 42L);
        assertThat(open.get(1).type()).isEqualTo("system.alert");
        assertThat(open.get(1).linkedid()).isEqualTo("1700000000.9");
        assertThat(seen.stream().filter(e -> e.event() instanceof AlertEvents.Raised)).hasSize(2);
    }

    @Test
    void anAlertRaisedWhileTheDatabaseIsAwayIsStoredOnceItAnswersInTheOrderRaised() {
        alerts.close();
        onekey.testkit.ManualScheduler store = new onekey.testkit.ManualScheduler(clock);
        alerts = new AlertService(new AlertRepository(db), hub, READER, audit, clock, store).start();
        db.dsl().execute("ALTER TABLE alerts RENAME TO alerts_away"); // every write to the store fails from here
        hub.broadcast(new Raw("queue.alert", Map.of("kind", "no-agent-ready", "message", "SOS call waiting")));
        hub.broadcast(new Raw("queue.alert", Map.of("kind", "overflow", "message", "call overflowed")));
        store.runDue();
        assertThat(alerts.pending()).as("kept, not dropped").isEqualTo(2);
        store.advance(5_000);
        assertThat(alerts.pending()).as("still away: still kept").isEqualTo(2);

        db.dsl().execute("ALTER TABLE alerts_away RENAME TO alerts"); // the database answers again
        store.advance(10_000);
        assertThat(alerts.pending()).isZero();
        assertThat(alerts.list(true, 10)).extracting(Alert::kind).containsExactly("overflow", "no-agent-ready");
        assertThat(seen.stream().filter(e -> e.event() instanceof AlertEvents.Raised)).hasSize(2);
    }
}
