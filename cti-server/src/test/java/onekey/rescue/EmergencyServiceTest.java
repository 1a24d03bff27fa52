package onekey.rescue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import onekey.auth.Account;
import onekey.auth.AuditEntry;
import onekey.auth.JooqAuditLog;
import onekey.auth.Role;
import onekey.api.EventViews;
import onekey.calls.CallOutcome;
import onekey.calls.CallRecord;
import onekey.elders.Contact;
import onekey.elders.Elder;
import onekey.elders.ElderDraft;
import onekey.elders.JooqElderRepository;
import onekey.events.Event;
import onekey.events.EventHub;
import onekey.lines.Service;
import onekey.store.Database;
import onekey.testkit.TestClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * 紧急救援 (issue 18 item 2) on a real database: the AB seats for an elder who speaks. SoftphoneIT tests 8 and 9 drive
 * the same rule from two windows against a real Asterisk.
 */
class EmergencyServiceTest {
    static final String ELDER = "13800000001";

    @TempDir
    Path tmp;
    final TestClock clock = new TestClock(Instant.parse("2026-06-01T02:00:00Z"));
    final List<Event> events = new CopyOnWriteArrayList<>();
    final List<Long> ready = new ArrayList<>();
    final Account seatA = new Account(7, "ann", Role.AGENT, "1001", "s", "Ann", true);
    final Account other = new Account(8, "bob", Role.AGENT, "1002", "s", "Bob", true);
    Database db;
    JooqAuditLog audit;
    IncidentRepository repo;
    EmergencyService service;
    Elder elder;

    @BeforeEach
    void up() {
        db = onekey.testkit.H2Template.open(tmp.resolve("onekey"), "sa", 4);
        JooqElderRepository elders = new JooqElderRepository(db, "21", clock);
        elder = elders.create(new ElderDraft("张桂英", null, "F", List.of(ELDER), "上海市徐汇区天平路 88 弄 5 号 302 室",
                "近衡山路", "徐汇", "zh", "living-alone", null, null, null, null, null, null,
                List.of(new Contact("李明", "儿子", "13900000002"))));
        EventHub hub = new EventHub(1000);
        hub.subscribe(id -> true, true, -1, events::add);
        audit = new JooqAuditLog(db, clock);
        repo = new IncidentRepository(db);
        service = new EmergencyService(repo, elders, hub, audit, clock, () -> List.copyOf(ready),
                id -> id == 7 ? "1001" : id == 8 ? "1002" : id == 9 ? null : "10" + id, "21");
    }

    @AfterEach
    void down() {
        db.close();
    }

    private CallRecord answeredCall(long id, Long elderId, String number, Long agentId) {
        return new CallRecord(id, "l" + id, "PJSIP/trunk-1", number, "1234901", Service.SOS, 10, elderId, agentId, "ann",
                clock.millis() - 20_000, clock.millis() - 19_000, clock.millis() - 15_000, null, 4000L, null, CallOutcome.ANSWERED, null,
                null, false, null);
    }

    private static Incident.Step task(Incident i, String kind) {
        return i.steps().stream().filter(s -> s.kind().equals(kind)).findFirst().orElseThrow();
    }

    @Test
    void taskAStaysWithTheSeatOnTheCallTaskBGoesToASecondReadySeatWithAPhoneOneAuditRow() {
        ready.addAll(List.of(7L, 9L, 8L)); // 7 is seat A itself, 9 has no phone: 8 is seat B
        EmergencyService.Raised r = service.raise(answeredCall(1, elder.id(), ELDER, 7L), seatA);

        assertThat(r.created()).isTrue();
        assertThat(r.seatB()).isEqualTo(8L);
        assertThat(r.seatBExtension()).isEqualTo("1002");
        Incident inc = repo.get(r.incident().id()).orElseThrow();
        assertThat(inc.reason()).isEqualTo("emergency");
        assertThat(inc.state()).as("the AB phase at once: nothing to redial").isEqualTo("escalating");
        assertThat(inc.agentId()).isEqualTo(7L);
        assertThat(inc.callId()).isEqualTo(1L);
        assertThat(inc.steps()).extracting(Incident.Step::kind).containsExactly("task-a", "task-b");
        assertThat(task(inc, "task-a").target()).isEqualTo("agent:7");
        assertThat(task(inc, "task-a").detail()).startsWith("call-help").contains("天平路");
        assertThat(task(inc, "task-a").state()).isEqualTo("open");
        assertThat(task(inc, "task-b").target()).isEqualTo("agent:8");
        assertThat(task(inc, "task-b").detail()).startsWith("stay-on-line");
        assertThat(inc.involves(8)).as("seat B sees the incident").isTrue();
        assertThat(inc.involves(9)).isFalse();
        assertThat(inc.taskSeats()).containsExactly(8L);

        assertThat(events).anyMatch(e -> EventViews.type(e).equals("incident.opened") && Long.valueOf(7).equals(e.accountId()));
        assertThat(events).anyMatch(e -> EventViews.type(e).equals("incident.task") && Long.valueOf(8).equals(e.accountId())
                && "stay-on-line".equals(EventViews.body(e).get("task")));
        assertThat(events).anyMatch(e -> EventViews.type(e).equals("queue.alert") && e.accountId() == null
                && "incident-emergency".equals(EventViews.body(e).get("kind")));
        List<AuditEntry> rows = audit.find(null, "incident", null, null, null, null, 10);
        assertThat(rows).extracting(AuditEntry::action).containsExactly("incident.emergency");
        assertThat(rows.get(0).detail()).contains("incident=" + inc.id(), "call=1", "seatB=8");
        assertThat(rows.get(0).targetType()).isEqualTo("elder");
        assertThat(rows.get(0).targetId()).isEqualTo(Long.toString(elder.id()));
    }

    @Test
    void noSecondSeatReadyAlertsTheSupervisorsAtOnceAndSeatAKeepsTheElder() {
        ready.add(7L); // only seat A
        EmergencyService.Raised r = service.raise(answeredCall(2, elder.id(), ELDER, 7L), seatA);

        assertThat(r.seatB()).isNull();
        Incident inc = repo.get(r.incident().id()).orElseThrow();
        assertThat(task(inc, "task-b").target()).as("seat A keeps the elder").isEqualTo("agent:7");
        assertThat(task(inc, "task-b").detail()).contains("no second seat was ready");
        assertThat(events).anyMatch(e -> EventViews.type(e).equals("queue.alert") && e.accountId() == null
                && "emergency-no-seat-b".equals(EventViews.body(e).get("kind")));
        assertThat(events).noneMatch(e -> EventViews.type(e).equals("incident.task"));
        assertThat(EmergencyService.shape(r)).containsEntry("seatB", null).containsEntry("reason", "emergency");
    }

    @Test
    void aSecondEmergencyJoinsTheOpenIncidentAndAuditsAJoin() {
        ready.add(8L);
        long first = service.raise(answeredCall(3, elder.id(), ELDER, 7L), seatA).incident().id();
        EmergencyService.Raised again = service.raise(answeredCall(4, elder.id(), ELDER, 7L), seatA);
        assertThat(again.created()).isFalse();
        assertThat(again.incident().id()).isEqualTo(first);
        assertThat(repo.get(first).orElseThrow().steps()).hasSize(2);
        assertThat(audit.find(null, "incident", null, null, null, null, 10)).extracting(AuditEntry::action)
                .containsExactlyInAnyOrder("incident.emergency", "incident.join");
    }

    @Test
    void anUnregisteredCallerGetsTheIncidentOnTheNumber() {
        EmergencyService.Raised r = service.raise(answeredCall(5, null, "02155559999", 7L), seatA);
        Incident inc = repo.get(r.incident().id()).orElseThrow();
        assertThat(inc.elderId()).isNull();
        assertThat(inc.callerNumber()).isEqualTo("2155559999");
        assertThat(task(inc, "task-a").detail()).contains("caller 2155559999");
    }

    @Test
    void refusedOnAnotherAgentsCallOnACallNotAnsweredOrEndedAndForAWithheldNumber() {
        assertThatThrownBy(() -> service.raise(answeredCall(6, elder.id(), ELDER, 7L), other))
                .isInstanceOf(SecurityException.class);
        CallRecord ringing = new CallRecord(7, "l7", null, ELDER, "1234901", Service.SOS, 10, elder.id(), 7L, "ann",
                clock.millis(), null, null, null, null, null, CallOutcome.RINGING, null, null, false, null);
        assertThatThrownBy(() -> service.raise(ringing, seatA)).isInstanceOf(IllegalStateException.class);
        CallRecord ended = new CallRecord(8, "l8", null, ELDER, "1234901", Service.SOS, 10, elder.id(), 7L, "ann",
                clock.millis() - 9000, null, clock.millis() - 8000, clock.millis(), null, 8000L, CallOutcome.COMPLETED, null, null, false, null);
        assertThatThrownBy(() -> service.raise(ended, seatA)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> service.raise(answeredCall(9, null, null, 7L), seatA))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(repo.find(null, "open", 10)).as("nothing opened").isEmpty();
        assertThat(audit.find(null, "incident", null, null, null, null, 10)).isEmpty();
    }
}
