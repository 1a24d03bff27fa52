package onekey.calls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.timeout;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import onekey.agents.AgentService;
import onekey.auth.Account;
import onekey.auth.AuditLog;
import onekey.auth.Role;
import onekey.elders.Elder;
import onekey.elders.ElderRepository;
import onekey.events.Event;
import onekey.events.EventHub;
import onekey.lines.Line;
import onekey.lines.LineRepository;
import onekey.lines.Service;
import org.asteriskjava.manager.event.AgentCalledEvent;
import org.asteriskjava.manager.event.AgentConnectEvent;
import org.asteriskjava.manager.event.HangupEvent;
import org.asteriskjava.manager.event.ManagerEvent;
import org.asteriskjava.manager.event.QueueCallerJoinEvent;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;

class CallTrackerTest {

    CallRepository calls = mock(CallRepository.class);
    ElderRepository elders = mock(ElderRepository.class);
    LineRepository lines = mock(LineRepository.class);
    AgentService agents = mock(AgentService.class);
    AuditLog audit = mock(AuditLog.class);
    EventHub hub = new EventHub(100);
    List<Event> events = new ArrayList<>();
    CallTracker tracker;
    Account agent = new Account(7, "1001", Role.AGENT, "1001", "sip", "Agent", true);
    Elder elder = new Elder(3, "张桂英", null, "F", List.of("2155550001"), "addr", "landmark", "徐汇", "zh", "district-paid",
            "hypertension", "amlodipine", "penicillin", "walks with a cane", "one-key landline", null, List.of(), 0, 0);

    @BeforeEach
    void setUp() {
        AtomicLong ids = new AtomicLong();
        when(calls.insertIfAbsent(any())).thenAnswer(i -> withId(i.getArgument(0), ids.incrementAndGet()));
        when(calls.find(any(), any(), org.mockito.ArgumentMatchers.anyInt())).thenReturn(List.of());
        when(lines.find("1234901")).thenReturn(Optional.of(new Line("1234901", Service.SOS, 10, "SOS")));
        when(elders.findByPhone("2155550001")).thenReturn(Optional.of(elder));
        when(agents.accountForInterface("PJSIP/1001")).thenReturn(Optional.of(agent));
        hub.subscribe(id -> true, true, -1, events::add);
        tracker = new CallTracker(calls, elders, lines, agents, audit, hub, "21");
    }

    static CallRecord withId(CallRecord r, long id) {
        return CallTracker.with(r, b -> b.id = id);
    }

    static <T extends ManagerEvent> T at(T e, double seconds) {
        e.setTimestamp(seconds);
        return e;
    }

    private QueueCallerJoinEvent join(String linkedid, double t) {
        QueueCallerJoinEvent j = at(new QueueCallerJoinEvent(this), t);
        j.setLinkedId(linkedid);
        j.setUniqueId(linkedid);
        j.setQueue("onekey");
        j.setPosition(1);
        j.setCallerIdNum("02155550001");
        j.setExten("1234901");
        j.setChannel("PJSIP/trunk-00000001");
        return j;
    }

    private AgentCalledEvent called(String linkedid, double t) {
        AgentCalledEvent c = at(new AgentCalledEvent(this), t);
        c.setLinkedId(linkedid);
        c.setInterface("PJSIP/1001");
        c.setChannel("PJSIP/trunk-00000001");
        return c;
    }

    private AgentConnectEvent connect(String linkedid, double t) {
        AgentConnectEvent c = at(new AgentConnectEvent(this), t);
        c.setLinkedId(linkedid);
        c.setInterface("PJSIP/1001");
        c.setMemberName("1001");
        return c;
    }

    private HangupEvent hangup(String linkedid, String uniqueid, double t) {
        HangupEvent h = at(new HangupEvent(this), t);
        h.setLinkedId(linkedid);
        h.setUniqueId(uniqueid);
        h.setCause(16);
        return h;
    }

    @Test
    void aCallFromArrivalToHangupPopsTheElderAndDerivesWaitAndTalkTime() {
        tracker.arrived("100.1", "PJSIP/trunk-00000001", "02155550001", "1234901",
                tracker.lineFor("1234901"), tracker.lookupCaller("02155550001").orElse(null), "/rec/100.1.wav", 100_000);
        tracker.onEvent(join("100.1", 100.2));
        tracker.onEvent(called("100.1", 100.3));
        tracker.onEvent(connect("100.1", 102.0));
        tracker.onEvent(hangup("100.1", "100.2", 105.0)); // the agent's leg: the call goes on
        assertThat(events).extracting(Event::type).doesNotContain("call.ended");
        tracker.onEvent(hangup("100.1", "100.1", 106.0)); // the caller's leg ends the call

        assertThat(events).extracting(Event::type)
                .containsSubsequence("call.queued", "call.offered", "call.answered", "call.ended");
        Event offered = events.stream().filter(e -> e.type().equals("call.offered")).findFirst().orElseThrow();
        assertThat(offered.accountId()).isEqualTo(7L);
        assertThat(offered.body().get("registered")).isEqualTo(true);
        assertThat(offered.body().get("amiEventAt")).isEqualTo(100_300L);
        assertThat(offered.body().get("elder").toString()).contains("张桂英", "penicillin");

        ArgumentCaptor<CallRecord> saved = ArgumentCaptor.forClass(CallRecord.class);
        verify(calls, timeout(2000).atLeast(3)).update(saved.capture());
        CallRecord last = saved.getAllValues().get(saved.getAllValues().size() - 1);
        assertThat(last.waitMs()).isEqualTo(2_000);
        assertThat(last.talkMs()).isEqualTo(4_000);
        assertThat(last.outcome()).isEqualTo("completed");
        assertThat(last.agentName()).isEqualTo("1001");
        verify(agents).callConnected(7);
        verify(agents).callEnded(7);
        verify(audit, timeout(2000)).record(any(), org.mockito.ArgumentMatchers.eq("elder.pop"), any(), any(), any());
        assertThat(tracker.liveCount()).isZero();
    }

    @Test
    void aCallOneKeyNeverSawIsDiscoveredAsFailOpenAtSosPriority() {
        tracker.onEvent(join("200.1", 200.0));
        ArgumentCaptor<CallRecord> inserted = ArgumentCaptor.forClass(CallRecord.class);
        verify(calls).insertIfAbsent(inserted.capture());
        CallRecord r = inserted.getValue();
        assertThat(r.failOpen()).isTrue();
        assertThat(r.priority()).isEqualTo(CallTracker.FAIL_OPEN_PRIORITY);
        assertThat(r.line()).isEqualTo(Service.SOS);
        assertThat(r.elderId()).isEqualTo(3L);
        verify(calls, timeout(2000)).addEvent(anyLong(), anyLong(), org.mockito.ArgumentMatchers.eq("discovered"), any());
    }

    @Test
    void anUnknownCallerAndAnUnknownLineStillGetAQueuedCall() {
        when(elders.findByPhone(any())).thenThrow(new IllegalStateException("database down"));
        assertThat(tracker.lookupCaller("02199990000")).isEmpty();
        assertThat(tracker.lineFor("5555").service()).isEqualTo(Service.GENERAL);
    }
}
