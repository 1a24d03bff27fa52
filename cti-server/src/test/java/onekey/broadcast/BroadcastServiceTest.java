package onekey.broadcast;

import onekey.api.EventViews;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import onekey.auth.Account;
import onekey.auth.Role;
import onekey.broadcast.BroadcastService.RetryPlan;
import onekey.elders.Elder;
import onekey.elders.ElderDraft;
import onekey.elders.JooqElderRepository;
import onekey.events.Event;
import onekey.events.EventHub;
import onekey.lines.Line;
import onekey.lines.Service;
import onekey.store.Database;
import onekey.telephony.PbxEvent;
import onekey.testkit.RecordingPbx;
import onekey.testkit.TestClock;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The broadcast rules on a real H2 database with the clock injected (issue 9, test 5 and the delivery rules): the
 * PBX records the calls OneKey asks for and Asterisk's answers are fed back as the events AMI would deliver.
 * BroadcastIT runs the same flows against a real Asterisk and phones. The centre is in Shanghai (UTC+8): quiet
 * hours 21:00–08:00 local are 13:00–00:00 UTC.
 */
class BroadcastServiceTest {
    static final String PHONE = "13800000001";
    static final String MOBILE = "13900000009";
    static final ZoneId SHANGHAI = ZoneId.of("Asia/Shanghai");

    @TempDir
    Path tmp;
    /** 10:00 in Shanghai. */
    final TestClock clock = new TestClock(Instant.parse("2026-06-01T02:00:00Z"));
    final RecordingPbx pbx = new RecordingPbx();
    final List<String[]> spoken = new CopyOnWriteArrayList<>();
    final List<Event> events = new CopyOnWriteArrayList<>();
    final List<String> handedOn = new CopyOnWriteArrayList<>();
    final Set<String> mute = java.util.concurrent.ConcurrentHashMap.newKeySet();
    Database db;
    JooqElderRepository elders;
    BroadcastService service;
    Elder elder;
    Elder english;
    final Account agent = new Account(7, "ann", Role.AGENT, "1001", "secret", "Ann", true);

    @BeforeEach
    void up() {
        db = onekey.testkit.H2Template.open(tmp.resolve("onekey"), "sa", 4);
        elders = new JooqElderRepository(db, "21", clock);
        elder = elders.create(new ElderDraft("张桂英", null, "F", List.of(PHONE, MOBILE), "上海市杨浦区控江路1029弄12号302室",
                null, "杨浦区", "zh", "living-alone", null, null, null, null, null, null, List.of()));
        english = elders.create(new ElderDraft("Margaret Liu", null, "F", List.of("13524000004"), "Gubei Rd", null, "长宁区",
                "en", "market", null, null, null, null, null, null, List.of()));
        EventHub hub = new EventHub(1000);
        hub.subscribe(id -> true, true, -1, events::add);
        service = start();
    }

    private BroadcastService start() {
        BroadcastService s = new BroadcastService(new BroadcastRepository(db), elders, pbx, new EventHubSink(events).hub, clock,
                new BroadcastService.Settings(Map.of("booking", new RetryPlan(3, 600), "reminder", new RetryPlan(2, 600),
                        "check-in", new RetryPlan(3, 600)), 30, 3, 6, QuietHours.parse("21:00-08:00", SHANGHAI),
                        LocalTime.of(18, 0), 2, 10),
                (text, lang) -> {
                    if (mute.contains(lang)) {
                        return Optional.empty();
                    }
                    spoken.add(new String[] {text, lang});
                    return Optional.of(new BroadcastService.Spoken("prompts/" + lang + "-" + spoken.size(), 9_000));
                }, null, new BroadcastService.Wiring(
                        () -> List.of(new Line("1234902", Service.REGISTRATION, 5, "预约挂号"), new Line("12349", Service.GENERAL, 1, "综合")),
                        null, (elderId, reason) -> {
                            handedOn.add(elderId + ":" + reason);
                            return 42L;
                        }));
        s.pbxConnected();
        return s;
    }

    @AfterEach
    void down() {
        service.close();
        db.close();
    }

    private Broadcast registration(String time) {
        return service.schedule(new BroadcastService.Request(elder.id(), "registration", Map.of("hospital", "瑞金医院",
                "department", "心内科", "doctor", "王建华", "time", time), null, false), agent);
    }

    @Test
    void aRegistrationIsSpokenInTheEldersLanguageWhenScheduledAndPressing1ConfirmsIt() {
        Broadcast b = registration("2026-06-03T09:30");
        assertThat(b.language()).isEqualTo("zh");
        assertThat(b.message()).contains("张桂英", "瑞金医院", "心内科", "王建华", "6月3日9点30分", "请按1");
        // synthesised when scheduled, not when answered
        assertThat(spoken).extracting(s -> s[0]).contains(b.message());
        RecordingPbx.Call call = pbx.await(1);
        assertThat(call.channel()).isEqualTo("PJSIP/" + PHONE + "@trunk");
        assertThat(call.context()).isEqualTo("onekey-bcast");
        assertThat(call.vars()).containsEntry("ONEKEY_PROMPT", b.prompt()).containsEntry("ONEKEY_LANG", "zh")
                .containsEntry("ONEKEY_BCAST_DNIS", "1234902").containsEntry("ONEKEY_BCAST_SERVICE", "registration")
                .containsEntry("ONEKEY_ELDER_NUMBER", PHONE);
        Awaitility.await().until(() -> state(b.id()).equals("calling"));
        service.onEvent(new PbxEvent.OriginateResult("u1", clock.millis(), call.actionId(), true, 4));
        service.onEvent(new PbxEvent.BroadcastResult("u1", clock.millis(), "u1", call.attempt(), "answered", "", "/rec/u1.wav"));
        service.onEvent(new PbxEvent.BroadcastResult("u1", clock.millis(), "u1", call.attempt(), "repeated", "2", "/rec/u1.wav"));
        service.onEvent(new PbxEvent.BroadcastResult("u1", clock.millis(), "u1", call.attempt(), "confirmed", "21", "/rec/u1.wav"));
        Awaitility.await().until(() -> state(b.id()).equals("confirmed"));
        Broadcast.Attempt a = service.get(b.id()).orElseThrow().attempts().get(0);
        assertThat(a.result()).isEqualTo("confirmed");
        assertThat(a.digits()).isEqualTo("21");
        assertThat(a.recording()).isEqualTo("/rec/u1.wav");
        // published on the broadcast thread just after the row is written: read until it is there
        Awaitility.await().until(() -> events.stream().anyMatch(e -> EventViews.type(e).equals("broadcast.confirmed")));
        assertThat(events).extracting(EventViews::type).contains("broadcast.scheduled", "broadcast.confirmed");
        // a late hang-up changes nothing
        service.onEvent(new PbxEvent.ChannelHungUp("u1", clock.millis(), "u1", true, 16, "Normal"));
        assertThat(pbx.calls).hasSize(1);
    }

    @Test
    void aBookingPlansItsRemindersTheDayBeforeAt18AndTwoHoursBeforeAfterTheQuietHours() {
        // 09:30 on 3 June: the evening before at 18:00, and 07:30 — inside the quiet hours, so 08:00
        Broadcast b = registration("2026-06-03T09:30");
        List<Broadcast> reminders = new BroadcastRepository(db).find(elder.id(), null, b.id(), 10);
        assertThat(reminders).extracting(Broadcast::dueAt).containsExactlyInAnyOrder(
                Instant.parse("2026-06-02T10:00:00Z").toEpochMilli(), Instant.parse("2026-06-03T00:00:00Z").toEpochMilli());
        assertThat(reminders).allSatisfy(r -> {
            assertThat(r.template()).isEqualTo("reminder");
            assertThat(r.message()).contains("提醒您", "瑞金医院", "6月3日9点30分");
            assertThat(r.prompt()).isNotBlank();
        });
    }

    /** Answers call {@code c} and presses 1: the attempt is confirmed. */
    private void confirm(RecordingPbx.Call c, String uid) {
        service.onEvent(new PbxEvent.OriginateResult(uid, clock.millis(), c.actionId(), true, 4));
        service.onEvent(new PbxEvent.BroadcastResult(uid, clock.millis(), uid, c.attempt(), "answered", "", null));
        service.onEvent(new PbxEvent.BroadcastResult(uid, clock.millis(), uid, c.attempt(), "confirmed", "1", null));
    }

    @Test
    void aTaxiBookingIsConfirmedThenBothRemindersAreDialledWhenTheInjectedClockReachesThem() {
        // as a taxi order schedules it (issue 21): the trip on 3 June at 09:30, two riding, the car known
        Broadcast b = service.schedule(new BroadcastService.Request(elder.id(), "taxi", Map.of("from", "控江路1029弄",
                "to", "瑞金医院", "time", "2026-06-03T09:30", "passengers", "2", "car", "白色大众朗逸", "plate", "沪A12345",
                "driverPhone", "13912345678", "eta", "10"), null, false), agent);
        assertThat(b.message()).contains("我们为您预约了出租车，6月3日9点30分从控江路1029弄到瑞金医院。乘车人数2人。",
                "车型白色大众朗逸，车牌号沪 A 1 2 3 4 5，司机电话1 3 9 1 2 3 4 5 6 7 8，司机大约10分钟后到。确认请按1");
        RecordingPbx.Call first = pbx.await(1);
        assertThat(first.vars()).containsEntry("ONEKEY_PROMPT", b.prompt()).containsEntry("ONEKEY_BCAST_SERVICE", "taxi");
        confirm(first, "t1");
        Awaitility.await().until(() -> state(b.id()).equals("confirmed"));
        List<Broadcast> reminders = new BroadcastRepository(db).find(elder.id(), null, b.id(), 10).stream()
                .sorted(java.util.Comparator.comparingLong(Broadcast::dueAt)).toList();
        assertThat(reminders).hasSize(2);
        assertThat(reminders).allSatisfy(r -> assertThat(r.message()).contains("提醒您", "出租车沪 A 1 2 3 4 5来控江路1029弄接您去瑞金医院"));
        // the evening before at 18:00 (10:00 UTC): not a second earlier
        clock.set(Instant.parse("2026-06-02T09:59:59Z"));
        service.tickNow();
        assertThat(pbx.calls).hasSize(1);
        clock.set(Instant.parse("2026-06-02T10:00:00Z"));
        service.tickNow();
        RecordingPbx.Call evening = pbx.await(2);
        assertThat(evening.vars()).containsEntry("ONEKEY_PROMPT", reminders.get(0).prompt())
                .containsEntry("ONEKEY_BCAST_SERVICE", "taxi");
        confirm(evening, "t2");
        Awaitility.await().until(() -> state(reminders.get(0).id()).equals("confirmed"));
        // 2 h before is 07:30, inside the quiet hours: at 08:00 (00:00 UTC)
        clock.set(Instant.parse("2026-06-02T23:59:59Z"));
        service.tickNow();
        assertThat(pbx.calls).hasSize(2);
        clock.set(Instant.parse("2026-06-03T00:00:00Z"));
        service.tickNow();
        RecordingPbx.Call before = pbx.await(3);
        assertThat(before.vars()).containsEntry("ONEKEY_PROMPT", reminders.get(1).prompt());
        confirm(before, "t3");
        Awaitility.await().until(() -> state(reminders.get(1).id()).equals("confirmed"));
        assertThat(pbx.calls).hasSize(3);
    }

    @Test
    void aTaxiBookedBeforeItsCarIsKnownIsConfirmedWithoutTheCarAndItsFieldsAreChecked() {
        Broadcast zh = service.schedule(new BroadcastService.Request(elder.id(), "taxi", Map.of("from", "控江路1029弄",
                "to", "瑞金医院", "time", "2026-06-03T09:30"), null, false), agent);
        assertThat(zh.message()).endsWith("我们为您预约了出租车，6月3日9点30分从控江路1029弄到瑞金医院。确认请按1，再听一遍请按2，转人工服务请按0。");
        Broadcast en = service.schedule(new BroadcastService.Request(english.id(), "taxi", Map.of("from", "Gubei Rd",
                "to", "Huashan Hospital", "time", "2026-06-03T09:30", "passengers", "1", "plate", "沪B54321"), null, false), agent);
        assertThat(en.message()).contains("We have booked a taxi for you on Wednesday, June 3, at 9:30, from Gubei Rd to "
                + "Huashan Hospital. Passengers: 1. The plate is 沪 B 5 4 3 2 1. To confirm, press 1.");
        assertThat(new BroadcastRepository(db).find(english.id(), null, en.id(), 10)).hasSize(2);
        assertThatThrownBy(() -> service.schedule(new BroadcastService.Request(elder.id(), "taxi", Map.of("from", "家",
                "to", "医院", "time", "2026-06-03T09:30", "passengers", "两个"), null, false), agent))
                .isInstanceOf(Templates.Invalid.class).hasMessageContaining("passengers");
        assertThatThrownBy(() -> service.schedule(new BroadcastService.Request(elder.id(), "taxi", Map.of("from", "家",
                "time", "2026-06-03T09:30"), null, false), agent))
                .isInstanceOf(Templates.Invalid.class).hasMessageContaining("'to'");
    }

    @Test
    void quietHoldsHold_aNonUrgentCallWaitsForTheirEndAnUrgentOneDoesNot() {
        clock.set(Instant.parse("2026-06-01T13:30:00Z")); // 21:30 in Shanghai
        Broadcast checkIn = service.schedule(new BroadcastService.Request(elder.id(), "check-in", Map.of(), null, false), agent);
        assertThat(checkIn.attempts().get(0).dueAt()).isEqualTo(Instant.parse("2026-06-02T00:00:00Z").toEpochMilli());
        service.tickNow();
        assertThat(attempt(checkIn.id(), 0).state()).as("held by the quiet hours").isEqualTo("planned");
        assertThat(pbx.calls).isEmpty();
        // an urgent broadcast (a weather warning) goes out at once
        Broadcast urgent = service.schedule(new BroadcastService.Request(english.id(), "reminder",
                Map.of("what", "a typhoon warning: stay indoors", "time", "2026-06-01T23:00"), null, true), agent);
        RecordingPbx.Call first = pbx.await(1);
        assertThat(first.channel()).contains("13524000004");
        assertThat(urgent.language()).isEqualTo("en");
        // 07:59:59 local: still waiting; 08:00: the check-in is dialled
        clock.set(Instant.parse("2026-06-01T23:59:59Z"));
        service.tickNow();
        assertThat(attempt(checkIn.id(), 0).state()).isEqualTo("planned");
        assertThat(pbx.calls).hasSize(1);
        clock.set(Instant.parse("2026-06-02T00:00:00Z"));
        assertThat(pbx.await(2).channel()).contains(PHONE);

        // a retry that would fall into the quiet hours waits too: no answer at 20:55, next attempt 08:00 the day after
        clock.set(Instant.parse("2026-06-02T12:55:00Z"));
        service.onEvent(new PbxEvent.OriginateResult(null, clock.millis(), pbx.calls.get(1).actionId(), false, 3));
        Awaitility.await().until(() -> service.get(checkIn.id()).orElseThrow().attempts().size() == 2);
        assertThat(service.get(checkIn.id()).orElseThrow().attempts().get(1).dueAt())
                .isEqualTo(Instant.parse("2026-06-03T00:00:00Z").toEpochMilli());
        // and an attempt that became due inside them (planned before the rule applied) is moved to their end
        assertThat(new QuietHours(LocalTime.of(21, 0), LocalTime.of(8, 0), SHANGHAI)
                .next(Instant.parse("2026-06-02T15:00:00Z"))).isEqualTo(Instant.parse("2026-06-03T00:00:00Z"));
    }

    @Test
    void anUnansweredCheckInIsRetriedPerThePlanThenFailsAndOpensANoResponseIncident() {
        Broadcast b = service.schedule(new BroadcastService.Request(elder.id(), "check-in", Map.of(), null, false), null);
        service.onEvent(new PbxEvent.OriginateResult(null, clock.millis(), pbx.await(1).actionId(), false, 3));
        Awaitility.await().until(() -> service.get(b.id()).orElseThrow().attempts().size() == 2);
        // 600 s apart on the injected clock, on the elder's other phone
        clock.advance(Duration.ofSeconds(599));
        service.tickNow();
        assertThat(attempt(b.id(), 1).state()).as("not before 600 s").isEqualTo("planned");
        assertThat(pbx.calls).hasSize(1);
        clock.advance(Duration.ofSeconds(1));
        RecordingPbx.Call second = pbx.await(2);
        assertThat(second.channel()).contains(MOBILE);
        service.onEvent(new PbxEvent.OriginateResult(null, clock.millis(), second.actionId(), false, 5));
        Awaitility.await().until(() -> service.get(b.id()).orElseThrow().attempts().size() == 3);
        clock.advance(Duration.ofSeconds(600));
        RecordingPbx.Call third = pbx.await(3);
        // answered, heard three times, no key
        service.onEvent(new PbxEvent.OriginateResult("u3", clock.millis(), third.actionId(), true, 4));
        service.onEvent(new PbxEvent.BroadcastResult("u3", clock.millis(), "u3", third.attempt(), "no-confirm", "", null));
        Awaitility.await().until(() -> state(b.id()).equals("failed"));
        Broadcast failed = service.get(b.id()).orElseThrow();
        assertThat(failed.attempts()).extracting(Broadcast.Attempt::result).containsExactly("no-answer", "busy", "no-confirm");
        assertThat(handedOn).containsExactly(elder.id() + ":check-in-unanswered");
        assertThat(failed.outcome()).contains("incident 42");
        assertThat(failed.task()).isNull(); // handed to the rescue, not to the agents' worklist
        assertThat(service.openTasks(10)).isEmpty();
        clock.advance(Duration.ofHours(1));
        service.tickNow();
        assertThat(service.get(b.id()).orElseThrow().attempts()).as("no fourth attempt").hasSize(3);
        assertThat(pbx.calls).hasSize(3);
    }

    @Test
    void aBookingThatIsNeverConfirmedAlertsTheAgentsAndAnEarlyHangUpIsCounted() {
        Broadcast b = registration("2026-06-09T09:30");
        for (int i = 1; i <= 3; i++) {
            RecordingPbx.Call c = pbx.await(i);
            service.onEvent(new PbxEvent.OriginateResult("h" + i, clock.millis(), c.actionId(), true, 4));
            service.onEvent(new PbxEvent.ChannelHungUp("h" + i, clock.millis(), "h" + i, true, 16, "Normal"));
            int n = i;
            Awaitility.await().until(() -> service.get(b.id()).orElseThrow().attempts().stream().filter(Broadcast.Attempt::done)
                    .count() == n);
            clock.advance(Duration.ofSeconds(600));
        }
        Awaitility.await().until(() -> state(b.id()).equals("failed"));
        assertThat(service.get(b.id()).orElseThrow().attempts()).extracting(Broadcast.Attempt::result)
                .containsExactly("hung-up-early", "hung-up-early", "hung-up-early");
        Awaitility.await().until(() -> events.stream().anyMatch(e -> EventViews.type(e).equals("broadcast.failed")));
        assertThat(events).anySatisfy(e -> {
            assertThat(EventViews.type(e)).isEqualTo("queue.alert");
            assertThat(EventViews.body(e).get("kind")).isEqualTo("broadcast-failed");
        });
        assertThat(events).anySatisfy(e -> {
            assertThat(EventViews.type(e)).isEqualTo("broadcast.failed");
            assertThat(e.accountId()).isEqualTo(agent.id());
        });
        assertThat(handedOn).isEmpty();
        // handed on as a stored task, on the worklist until an agent has called the elder
        assertThat(service.get(b.id()).orElseThrow().task()).isEqualTo(new Broadcast.Task("open", null, null, null));
        assertThat(service.openTasks(10)).extracting(Broadcast::id).containsExactly(b.id());
        clock.advance(Duration.ofMinutes(5));
        Broadcast done = service.taskDone(b.id(), agent, "called her: she will go, her son drives her");
        assertThat(done.task()).isEqualTo(new Broadcast.Task("done", "ann", clock.millis(),
                "called her: she will go, her son drives her"));
        assertThat(service.openTasks(10)).isEmpty();
        assertThatThrownBy(() -> service.taskDone(b.id(), agent, "again")).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("done already by ann");
        assertThat(events).anySatisfy(e -> assertThat(EventViews.type(e)).isEqualTo("broadcast.task-done"));
    }

    @Test
    void aRestartNeitherRepeatsTheAttemptThatWasBeingDialledNorLosesThePlan() {
        Broadcast b = service.schedule(new BroadcastService.Request(elder.id(), "check-in", Map.of(), null, false), agent);
        pbx.await(1);
        Awaitility.await().until(() -> service.get(b.id()).orElseThrow().attempts().get(0).state().equals("dialing"));
        // the server dies while attempt 1 rings; Asterisk no longer has the channel when it comes back
        service.close();
        service = start();
        Awaitility.await().until(() -> service.get(b.id()).orElseThrow().attempts().size() == 2);
        Broadcast after = service.get(b.id()).orElseThrow();
        assertThat(after.attempts().get(0).result()).isEqualTo("unknown");
        assertThat(after.attempts().get(1).state()).isEqualTo("planned");
        service.tickNow();
        assertThat(attempt(b.id(), 1).state()).as("attempt 2 keeps its plan: 600 s after attempt 1").isEqualTo("planned");
        assertThat(pbx.calls).hasSize(1);
        clock.advance(Duration.ofSeconds(600));
        assertThat(pbx.await(2).vars().get("ONEKEY_BCAST")).isEqualTo(Long.toString(after.attempts().get(1).id()));
    }

    @Test
    void aMissingVoiceFallsBackToTheOtherLanguageAndWithNeitherSchedulingFailsClearly() {
        mute.add("zh");
        Broadcast b = service.schedule(new BroadcastService.Request(elder.id(), "check-in", Map.of(), null, false), agent);
        assertThat(b.language()).isEqualTo("en");
        assertThat(b.message()).contains("press 1");
        mute.add("en");
        assertThatThrownBy(() -> service.schedule(new BroadcastService.Request(elder.id(), "check-in", Map.of(), null, false),
                agent)).isInstanceOf(BroadcastService.Unspeakable.class).hasMessageContaining("espeak-ng");
    }

    @Test
    void badRequestsNameTheField() {
        assertThatThrownBy(() -> service.schedule(new BroadcastService.Request(elder.id(), "pizza", Map.of(), null, false), agent))
                .isInstanceOfSatisfying(Templates.Invalid.class, e -> assertThat(e.field()).isEqualTo("template"));
        assertThatThrownBy(() -> service.schedule(new BroadcastService.Request(elder.id(), "registration",
                Map.of("hospital", "瑞金医院", "department", "心内科", "time", "2026-06-03T09:30"), null, false), agent))
                .isInstanceOfSatisfying(Templates.Invalid.class, e -> assertThat(e.field()).isEqualTo("fields.doctor"));
        assertThatThrownBy(() -> service.schedule(new BroadcastService.Request(999, "check-in", Map.of(), null, false), agent))
                .isInstanceOfSatisfying(Templates.Invalid.class, e -> assertThat(e.field()).isEqualTo("elderId"));
        assertThatThrownBy(() -> service.schedule(new BroadcastService.Request(elder.id(), "taxi", Map.of("from", "家",
                "to", "医院", "time", "tomorrow", "plate", "沪A12345", "driverPhone", "13000000000", "eta", "10"), null, false), agent))
                .isInstanceOfSatisfying(Templates.Invalid.class, e -> assertThat(e.field()).isEqualTo("fields.time"));
    }

    @Test
    void theStateMachineAllowsOnlyMovesOutOfOpenStates() {
        for (Broadcast.State from : Broadcast.State.values()) {
            for (Broadcast.State to : Broadcast.State.values()) {
                boolean allowed = !from.closed() && from != to;
                assertThat(from.canMoveTo(to)).as(from + " → " + to).isEqualTo(allowed);
            }
        }
    }

    private String state(long id) {
        return service.get(id).orElseThrow().state();
    }

    /** The hub the service publishes to, recording every event. */
    static final class EventHubSink {
        final EventHub hub = new EventHub(1000);

        EventHubSink(List<Event> into) {
            hub.subscribe(id -> true, true, -1, into::add);
        }
    }

    private Broadcast.Attempt attempt(long broadcastId, int index) {
        return service.get(broadcastId).orElseThrow().attempts().get(index);
    }

    // ---- care campaigns by voice, text or both (issue 20) ---------------------------------------------------------

    /** The SMS room as campaigns see it: records each text it is asked to write. */
    static final class RecordingTexts implements CampaignService.Texts {
        final List<String> sent = new CopyOnWriteArrayList<>();
        boolean enabled = true;

        @Override
        public boolean enabled() {
            return enabled;
        }

        @Override
        public boolean send(Elder e, String text, long campaignId, Long broadcastId, Instant at) {
            sent.add(e.name() + "|" + text + "|" + campaignId + "|" + broadcastId);
            return true;
        }

        @Override
        public Map<String, Integer> states(long campaignId) {
            return Map.of("delivered", (int) sent.stream().filter(s -> s.contains("|" + campaignId + "|")).count());
        }
    }

    @Test
    void anSmsCampaignTextsEachElderAndCallsNobodyAndCountsTheTextsDelivered() {
        RecordingTexts texts = new RecordingTexts();
        CampaignService campaigns = new CampaignService(new BroadcastRepository(db), service, elders, clock, SHANGHAI, texts);
        var c = campaigns.create("降温提醒", "check-in", Map.of(), new CampaignService.Selection(null, null, null, null, null),
                null, agent, CampaignService.Channel.SMS, "明天降温8度，请注意保暖。");
        assertThat(c.channel()).isEqualTo("sms");
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> texts.sent.size() == 2);
        assertThat(texts.sent).containsExactlyInAnyOrder("张桂英|明天降温8度，请注意保暖。|" + c.id() + "|null",
                "Margaret Liu|明天降温8度，请注意保暖。|" + c.id() + "|null");
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> "done".equals(campaigns.summary(c).get("state")));
        Map<String, Object> sum = campaigns.summary(campaigns.get(c.id()).orElseThrow());
        assertThat(sum).containsEntry("channel", "sms").containsEntry("scheduled", 0).containsEntry("text", "明天降温8度，请注意保暖。");
        @SuppressWarnings("unchecked")
        Map<String, Object> t = (Map<String, Object>) sum.get("texts");
        assertThat(t).containsEntry("written", 2).containsEntry("delivered", 2)
                .containsEntry("noMobile", 0);
        assertThat(service.find(elder.id(), null, 10)).as("no broadcast, no call").isEmpty();
        assertThat(pbx.calls).isEmpty();
    }

    @Test
    void aCampaignOnBothChannelsCallsAndTextsEachElderTheTextLinkedToItsBroadcast() {
        RecordingTexts texts = new RecordingTexts();
        CampaignService campaigns = new CampaignService(new BroadcastRepository(db), service, elders, clock, SHANGHAI, texts);
        var c = campaigns.create("问候", "check-in", Map.of(), new CampaignService.Selection("杨浦区", null, null, null, null),
                null, agent, CampaignService.Channel.BOTH, "中心问候您");
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> texts.sent.size() == 1);
        List<Broadcast> b = service.find(elder.id(), null, 10);
        assertThat(b).hasSize(1);
        assertThat(b.get(0).campaignId()).isEqualTo(c.id());
        assertThat(texts.sent).containsExactly("张桂英|中心问候您|" + c.id() + "|" + b.get(0).id());
        Map<String, Object> sum = campaigns.summary(campaigns.get(c.id()).orElseThrow());
        assertThat(sum).containsEntry("channel", "both").containsEntry("scheduled", 1);
        assertThat(sum.get("state")).as("the call is still to be made").isEqualTo("running");
    }

    @Test
    void aCampaignsChannelAndTextAreCheckedWithTheFieldNamed() {
        RecordingTexts texts = new RecordingTexts();
        CampaignService campaigns = new CampaignService(new BroadcastRepository(db), service, elders, clock, SHANGHAI, texts);
        var all = new CampaignService.Selection(null, null, null, null, null);
        assertThatThrownBy(() -> CampaignService.Channel.parse("fax")).isInstanceOfSatisfying(Templates.Invalid.class,
                e -> assertThat(e.field()).isEqualTo("channel")).hasMessageContaining("voice, sms, both");
        assertThat(CampaignService.Channel.parse(null)).isEqualTo(CampaignService.Channel.VOICE);
        assertThat(CampaignService.Channel.parse(" Both ")).isEqualTo(CampaignService.Channel.BOTH);
        assertThatThrownBy(() -> campaigns.create("x", "check-in", Map.of(), all, null, agent, CampaignService.Channel.SMS, " "))
                .isInstanceOfSatisfying(Templates.Invalid.class, e -> assertThat(e.field()).isEqualTo("text"));
        assertThatThrownBy(() -> campaigns.create("x", "check-in", Map.of(), all, null, agent, CampaignService.Channel.SMS,
                "长".repeat(301))).isInstanceOfSatisfying(Templates.Invalid.class, e -> assertThat(e.field()).isEqualTo("text"));
        assertThatThrownBy(() -> campaigns.create("x", "check-in", Map.of(), all, null, agent, CampaignService.Channel.VOICE,
                "words")).isInstanceOfSatisfying(Templates.Invalid.class, e -> assertThat(e.field()).isEqualTo("text"));
        texts.enabled = false;
        assertThatThrownBy(() -> campaigns.create("x", "check-in", Map.of(), all, null, agent, CampaignService.Channel.BOTH,
                "words")).isInstanceOfSatisfying(Templates.Invalid.class, e -> assertThat(e.field()).isEqualTo("channel"))
                .hasMessageContaining("sms.host is empty");
        assertThat(texts.sent).isEmpty();
        // voice, as before: no text
        var voice = campaigns.create("x", "check-in", Map.of(), all, null, agent);
        assertThat(voice.channel()).isEqualTo("voice");
        assertThat(campaigns.summary(voice)).doesNotContainKey("texts");
    }
}
