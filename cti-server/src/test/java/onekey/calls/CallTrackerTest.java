package onekey.calls;

import onekey.api.EventViews;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.timeout;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
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
import onekey.lines.LineCache;
import onekey.lines.LineRepository;
import onekey.lines.Service;
import onekey.telephony.PbxEvent;
import onekey.testkit.TestClock;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;

/** The call model on typed PBX events, with a real journal in a temp folder and repositories mocked. */
class CallTrackerTest {

    CallRepository calls = mock(CallRepository.class);
    ElderRepository elders = mock(ElderRepository.class);
    LineRepository lineRepo = mock(LineRepository.class);
    AgentService agents = mock(AgentService.class);
    AuditLog audit = mock(AuditLog.class);
    EventHub hub = new EventHub(100);
    List<Event> events = new CopyOnWriteArrayList<>();
    CallJournal journal;
    CallTracker tracker;
    Path dir;
    Account agent = new Account(7, "1001", Role.AGENT, "1001", "sip", "Agent", true);
    Elder elder = new Elder(3, "张桂英", null, "F", List.of("2155550001"), "addr", "landmark", "徐汇", "zh", "district-paid",
            "hypertension", "amlodipine", "penicillin", "walks with a cane", "one-key landline", null, List.of(), 0, 0);
    CountDownLatch release = new CountDownLatch(1);
    ClockTimer timer = new ClockTimer(new TestClock(1_000_000));

    @BeforeEach
    void setUp() throws Exception {
        AtomicLong ids = new AtomicLong();
        when(calls.insertIfAbsent(any())).thenAnswer(i -> withId(i.getArgument(0), ids.incrementAndGet()));
        when(calls.find(any(), any(), org.mockito.ArgumentMatchers.anyInt())).thenReturn(List.of());
        when(lineRepo.all()).thenReturn(List.of(new Line("1234901", Service.SOS, 10, "SOS"),
                new Line("1234902", Service.REGISTRATION, 5, "registration")));
        when(elders.findByPhone("2155550001")).thenReturn(Optional.of(elder));
        when(agents.accountForInterface("PJSIP/1001")).thenReturn(Optional.of(agent));
        when(agents.readyCount()).thenReturn(1L);
        hub.subscribe(id -> true, true, -1, events::add);
        dir = Files.createTempDirectory("okjournal");
        journal = new CallJournal(dir, 1000);
        tracker = new CallTracker(calls, new CallerLookup(elders, calls, "21", 300, timer), new LineCache(lineRepo), agents, audit, hub,
                journal);
        journal.start(tracker.journalAppliers()::apply, () -> { });
    }

    @AfterEach
    void tearDown() {
        release.countDown();
        journal.close();
    }

    static CallRecord withId(CallRecord r, long id) {
        return r.withId(id);
    }

    static PbxEvent.QueueEntry entry(String linkedid, long at, String dnis, String service, String path) {
        return new PbxEvent.QueueEntry(linkedid, at, "PJSIP/trunk-1", "02155550001", dnis, service, path, "/rec/" + linkedid + ".wav",
                at - 100);
    }

    static PbxEvent.CallerQueued join(String linkedid, long at) {
        return new PbxEvent.CallerQueued(linkedid, at, "PJSIP/trunk-1", "02155550001", "onekey", 1, "s");
    }

    static PbxEvent.ChannelHungUp hangup(String linkedid, String uniqueid, long at) {
        return new PbxEvent.ChannelHungUp(linkedid, at, uniqueid, linkedid.equals(uniqueid), 16, "Normal Clearing");
    }

    Event first(String type) {
        Awaitility.await(type).atMost(Duration.ofSeconds(5)).until(() -> events.stream().anyMatch(e -> EventViews.type(e).equals(type)));
        return events.stream().filter(e -> EventViews.type(e).equals(type)).findFirst().orElseThrow();
    }

    /**
     * Issue 17: the live model changes on its own thread only. Calls from many threads at once (PBX events, AGI
     * sessions) each leave their call complete and consistent, and the model's collaborators are called on that thread.
     */
    @Test
    void manyCallsFromManyThreadsAreChangedOnTheModelsThreadOnly() throws Exception {
        java.util.Set<String> threads = java.util.concurrent.ConcurrentHashMap.newKeySet();
        org.mockito.Mockito.doAnswer(i -> threads.add(Thread.currentThread().getName())).when(agents).callConnected(7);
        org.mockito.Mockito.doAnswer(i -> threads.add(Thread.currentThread().getName())).when(agents).callEnded(7);
        int n = 40;
        List<Thread> workers = new java.util.ArrayList<>();
        for (int k = 0; k < n; k++) {
            String id = "300." + k;
            long t0 = 300_000 + k * 10_000L;
            workers.add(Thread.ofVirtual().start(() -> {
                tracker.onEvent(entry(id, t0, "1234901", "sos", "direct"));
                tracker.onEvent(join(id, t0 + 100));
                tracker.onEvent(new PbxEvent.MemberRinging(id, t0 + 200, "PJSIP/1001", "1001"));
                tracker.onEvent(new PbxEvent.MemberConnected(id, t0 + 1_000, "PJSIP/1001", "1001", 1));
                tracker.onEvent(hangup(id, id, t0 + 4_000));
            }));
        }
        for (Thread w : workers) {
            w.join(10_000);
        }
        assertThat(tracker.liveCount()).isZero();
        assertThat(threads).containsExactly("calls-model");
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> events.stream()
                .filter(e -> EventViews.type(e).equals("call.finished")).count() == n);
        // every call ended complete: answered 1.1 s after it arrived, 3 s of talk
        assertThat(events).filteredOn(e -> EventViews.type(e).equals("call.finished"))
                .extracting(e -> (Map<?, ?>) EventViews.body(e).get("call"))
                .allSatisfy(c -> {
                    assertThat(c.get("outcome")).isEqualTo("completed");
                    assertThat(((Number) c.get("waitMs")).longValue()).isEqualTo(1_100L); // arrived 100 ms before queueing
                    assertThat(((Number) c.get("talkMs")).longValue()).isEqualTo(3_000L);
                });
        // per call, its events in order
        for (int k = 0; k < n; k++) {
            String id = "300." + k;
            assertThat(events).filteredOn(e -> id.equals(linkedid(e))).extracting(EventViews::type)
                    .containsSubsequence("call.queued", "call.offered", "call.answered", "call.ended", "call.finished");
        }
    }

    static String linkedid(Event e) {
        return EventViews.body(e).get("call") instanceof Map<?, ?> c ? (String) c.get("linkedid") : null;
    }

    @Test
    void aFlowCallFromArrivalToHangupPopsTheElderAndDerivesWaitAndTalkTime() {
        CallerLookup.Result r = tracker.flowArrived("100.1", "PJSIP/trunk-1", "02155550001", "1234902", "/rec/100.1.wav", 100_000);
        assertThat(r.elder()).isEqualTo(elder);
        tracker.onEvent(entry("100.1", 100_150, "1234902", "registration", "flow"));
        tracker.onEvent(join("100.1", 100_200));
        tracker.onEvent(new PbxEvent.MemberRinging("100.1", 100_300, "PJSIP/1001", "1001"));
        tracker.onEvent(new PbxEvent.MemberConnected("100.1", 102_000, "PJSIP/1001", "1001", 2));
        tracker.onEvent(hangup("100.1", "100.2", 105_000)); // the agent's leg: the call goes on
        tracker.onEvent(hangup("100.1", "100.1", 106_000)); // the caller's leg ends the call

        first("call.ended");
        assertThat(events).extracting(EventViews::type).containsSubsequence("call.queued", "call.offered", "call.answered", "call.ended");
        Event offered = first("call.offered");
        assertThat(offered.accountId()).isEqualTo(7L);
        assertThat(EventViews.body(offered).get("registered")).isEqualTo(true);
        assertThat(EventViews.body(offered).get("recordUnavailable")).isEqualTo(false);
        assertThat(EventViews.body(offered).get("amiEventAt")).isEqualTo(100_300L);
        assertThat(EventViews.body(offered).get("elder").toString()).contains("张桂英", "penicillin");
        assertThat(EventViews.body(offered).get("call").toString()).contains("id=1");

        assertThat(journal.drain(5_000)).isTrue();
        ArgumentCaptor<CallRecord> saved = ArgumentCaptor.forClass(CallRecord.class);
        verify(calls, org.mockito.Mockito.atLeast(3)).updateState(eq(1L), saved.capture());
        CallRecord last = saved.getAllValues().getLast();
        assertThat(last.waitMs()).isEqualTo(2_000);
        assertThat(last.talkMs()).isEqualTo(4_000);
        assertThat(last.outcome()).isEqualTo(CallOutcome.COMPLETED);
        assertThat(last.agentName()).isEqualTo("1001");
        assertThat(last.priority()).isEqualTo(5);
        assertThat(last.elderId()).isEqualTo(3L);
        verify(agents).callConnected(7);
        verify(agents).callEnded(7);
        // the pop's audit rows are written per delivery by the WebSocket sessions, not here (ApiWebSocketTest)
        verify(audit, org.mockito.Mockito.never()).recordOnce(any(), anyLong(), any(), any(), eq("elder.pop"), any(),
                any(), any());
        assertThat(tracker.liveCount()).isZero();
    }

    @Test
    void anSosCallQueuedByAsteriskWithoutTheFlowIsFollowedAtSosPriorityNotAsFailOpen() {
        tracker.onEvent(entry("200.1", 200_000, "1234901", "sos", "direct"));
        tracker.onEvent(join("200.1", 200_010));
        assertThat(journal.drain(5_000)).isTrue();
        ArgumentCaptor<CallRecord> inserted = ArgumentCaptor.forClass(CallRecord.class);
        verify(calls).insertIfAbsent(inserted.capture());
        CallRecord r = inserted.getValue();
        assertThat(r.failOpen()).isFalse();
        assertThat(r.priority()).isEqualTo(10);
        assertThat(r.line()).isEqualTo(Service.SOS);
        assertThat(r.arrivedAt()).isEqualTo(199_900L);
        // the lookup ends on its own thread: a state with the elder and the queue time is written in the end
        verify(calls, timeout(5_000).atLeastOnce()).updateState(eq(1L), org.mockito.ArgumentMatchers.argThat(c ->
                Long.valueOf(3L).equals(c.elderId()) && Long.valueOf(200_010L).equals(c.queuedAt())));
    }

    @Test
    void callsLearnedFromAsteriskAfterARestartKeepThePriorityAsteriskQueuedThemWith() {
        onekey.telephony.Pbx pbx = mock(onekey.telephony.Pbx.class);
        when(pbx.liveChannels(CallTracker.CALLER_VARIABLES)).thenReturn(List.of(
                // a registration call that failed open while the server was frozen: queued at its line's priority
                new onekey.telephony.LiveChannel("300.1", "300.1", "PJSIP/trunk-3", "02155550002", "onekey-queue", "s",
                        "Queue", 20_000, java.util.Map.of("ONEKEY_DNIS", "1234902", "ONEKEY_FAILOPEN", "1", "QUEUE_PRIO", "5")),
                // an SOS call queued directly
                new onekey.telephony.LiveChannel("301.1", "301.1", "PJSIP/trunk-4", "02155550001", "onekey-queue", "s",
                        "Queue", 10_000, java.util.Map.of("ONEKEY_DNIS", "1234901", "ONEKEY_DIRECT", "1", "QUEUE_PRIO", "10")),
                // an unknown number that failed open, from an Asterisk that did not say its priority: SOS
                new onekey.telephony.LiveChannel("302.1", "302.1", "PJSIP/trunk-5", "02155550009", "onekey-queue", "s",
                        "Queue", 5_000, java.util.Map.of("ONEKEY_DNIS", "7777", "ONEKEY_FAILOPEN", "1"))));
        tracker.resync(pbx);
        assertThat(journal.drain(5_000)).isTrue();
        ArgumentCaptor<CallRecord> inserted = ArgumentCaptor.forClass(CallRecord.class);
        verify(calls, org.mockito.Mockito.times(3)).insertIfAbsent(inserted.capture());
        java.util.Map<String, Integer> priorities = new java.util.HashMap<>();
        inserted.getAllValues().forEach(r -> priorities.put(r.linkedid(), r.priority()));
        assertThat(priorities).containsEntry("300.1", 5).containsEntry("301.1", 10).containsEntry("302.1", 10);
        // the supervisors' "SOS waiting" figure agrees with Asterisk's queue: the registration call is not SOS
        assertThat(tracker.sosWaiting()).isEqualTo(2);
    }

    /**
     * OneKey killed ms after a call was answered: the row says answered but not yet by whom (the journal writes the
     * agent just after the answer). After the restart the agent's leg in Asterisk says whose call it is, and the agent
     * is on-call, not ready.
     */
    @Test
    void aCallAnsweredJustBeforeARestartWhoseAgentWasNotYetWrittenIsTheLiveAgentLegs() {
        CallRecord row = CallRecord.arrived("310.1", "PJSIP/trunk-6", "02155550001", "1234901", Service.SOS, 10, 50_000, false)
                .withId(310).withQueuedAt(50_100L).withAnsweredAt(52_000L).withOutcome(CallOutcome.ANSWERED);
        when(calls.byLinkedid("310.1")).thenReturn(Optional.of(row));
        onekey.telephony.Pbx pbx = mock(onekey.telephony.Pbx.class);
        when(pbx.liveChannels(CallTracker.CALLER_VARIABLES)).thenReturn(List.of(
                new onekey.telephony.LiveChannel("310.1", "310.1", "PJSIP/trunk-6", "02155550001", "onekey-queue", "s",
                        "Queue", 30_000, java.util.Map.of("ONEKEY_DNIS", "1234901", "QUEUE_PRIO", "10")),
                new onekey.telephony.LiveChannel("310.1", "310.2", "PJSIP/1001-00000002", "1001", "onekey-agents", "1001",
                        "AppQueue", 25_000, java.util.Map.of())));
        tracker.resync(pbx);
        verify(agents, org.mockito.Mockito.timeout(5_000)).callConnected(7);
        Awaitility.await("the call's agent learned").atMost(Duration.ofSeconds(5))
                .until(() -> tracker.snapshot().stream().map(CallTracker.LiveView::record).anyMatch(c -> "310.1".equals(c.linkedid())
                        && Long.valueOf(7L).equals(c.agentId()) && "1001".equals(c.agentName())));
    }

    @Test
    void aFailOpenEntryOfAnUnknownLineIsMarkedAndKeepsSosPriority() {
        tracker.onEvent(entry("250.1", 250_000, "7777", "unknown", "failopen"));
        assertThat(journal.drain(5_000)).isTrue();
        ArgumentCaptor<CallRecord> inserted = ArgumentCaptor.forClass(CallRecord.class);
        verify(calls).insertIfAbsent(inserted.capture());
        assertThat(inserted.getValue().failOpen()).isTrue();
        assertThat(inserted.getValue().priority()).isEqualTo(CallTracker.FAIL_OPEN_PRIORITY);
    }

    @Test
    void aSlowDatabasePopsTheCallerAsUnknownWhenTheDeadlineIsReachedAndSaysWhy() {
        when(elders.findByPhone(any())).thenAnswer(i -> {
            release.await(); // the database never answers during this test
            return Optional.of(elder);
        });
        // the lookup's deadline runs on the test clock (timer): nothing but advancing it can end this lookup
        tracker.onEvent(entry("300.1", 300_000, "1234901", "sos", "direct"));
        tracker.onEvent(join("300.1", 300_010));
        tracker.onEvent(new PbxEvent.MemberRinging("300.1", 300_020, "PJSIP/1001", "1001"));
        Awaitility.await("the lookup's deadline is set").atMost(Duration.ofSeconds(5)).until(() -> timer.pending() == 1);
        timer.advance(299);
        assertThat(timer.pending()).as("1 ms before the deadline the lookup still waits for the database").isEqualTo(1);
        assertThat(events).extracting(EventViews::type).as("no pop before the lookup is done or its deadline passed")
                .doesNotContain("call.offered");

        timer.advance(1);
        Event offered = first("call.offered");
        assertThat(EventViews.body(offered).get("registered")).isEqualTo(false);
        assertThat(EventViews.body(offered).get("recordUnavailable")).isEqualTo(true);
        assertThat(EventViews.body(offered).get("callerNumber")).isEqualTo("02155550001");
    }

    /** A {@link CallerLookup.Timer} on a {@link TestClock}: a task runs when the test advances the clock past it. */
    static final class ClockTimer implements CallerLookup.Timer {
        private record Due(long at, Runnable task) {}

        private final TestClock clock;
        private final List<Due> due = new CopyOnWriteArrayList<>();

        ClockTimer(TestClock clock) {
            this.clock = clock;
        }

        @Override
        public void after(long delayMs, Runnable task) {
            due.add(new Due(clock.millis() + delayMs, task));
        }

        int pending() {
            return due.size();
        }

        void advance(long ms) {
            clock.advance(ms);
            for (Due d : due) {
                if (d.at() <= clock.millis() && due.remove(d)) {
                    d.task().run();
                }
            }
        }
    }

    @Test
    void anSosCallWithNobodyReadyAlertsSupervisorsAtOnce() {
        when(agents.readyCount()).thenReturn(0L);
        tracker.onEvent(entry("400.1", 400_000, "1234901", "sos", "direct"));
        tracker.onEvent(join("400.1", 400_010));
        Event alert = first("queue.alert");
        assertThat(alert.accountId()).as("a broadcast: supervisors see it").isNull();
        assertThat(EventViews.body(alert).get("kind")).isEqualTo("no-agent-ready");
        assertThat(tracker.sosWaiting()).isEqualTo(1);
    }

    @Test
    void anOverflowIsInTheTimelineAndAlertsAndAnAnsweredOverflowEndsAsOverflowed() {
        when(agents.readyCount()).thenReturn(0L);
        tracker.onEvent(entry("500.1", 500_000, "1234901", "sos", "direct"));
        tracker.onEvent(join("500.1", 500_010));
        tracker.onEvent(new PbxEvent.Overflow("500.1", 530_010, "88880000", "30", "sos"));
        tracker.onEvent(new PbxEvent.OverflowEnded("500.1", 560_010, "88880000", "ANSWER"));
        tracker.onEvent(hangup("500.1", "500.1", 560_020));
        assertThat(journal.drain(5_000)).isTrue();
        assertThat(events).filteredOn(e -> EventViews.type(e).equals("queue.alert")).extracting(e -> EventViews.body(e).get("kind"))
                .contains("no-agent-ready", "overflow");
        @SuppressWarnings("unchecked")
        ArgumentCaptor<List<CallRepository.KeyedEvent>> rows = ArgumentCaptor.forClass(List.class);
        verify(calls, org.mockito.Mockito.atLeastOnce()).addKeyedEvents(eq(1L), rows.capture());
        assertThat(rows.getAllValues().stream().flatMap(List::stream).map(CallRepository.KeyedEvent::type))
                .contains("overflow", "overflow-ended");
        ArgumentCaptor<CallRecord> states = ArgumentCaptor.forClass(CallRecord.class);
        verify(calls, org.mockito.Mockito.atLeastOnce()).updateState(eq(1L), states.capture());
        assertThat(states.getAllValues().getLast().outcome()).isEqualTo(CallOutcome.OVERFLOWED);
    }

    @Test
    void anUnknownLineIsGeneralHelp() {
        assertThat(tracker.lineFor("5555").service()).isEqualTo(Service.GENERAL);
        assertThat(tracker.lineFor("1234901").service()).isEqualTo(Service.SOS);
    }
}
