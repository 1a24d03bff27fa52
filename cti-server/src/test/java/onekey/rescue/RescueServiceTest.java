package onekey.rescue;

import onekey.api.EventViews;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import onekey.auth.Account;
import onekey.auth.Role;
import onekey.elders.Contact;
import onekey.elders.Elder;
import onekey.elders.ElderDraft;
import onekey.elders.JooqElderRepository;
import onekey.events.Event;
import onekey.events.EventHub;
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
 * The rescue rule on a real database with the clock injected (issue 8, test 6 and the timing of the rule): the
 * PBX is a recorder of the calls OneKey asks for, and Asterisk's answers are fed back as the events AMI would
 * deliver. RescueIT and RescueEscalationIT run the same flow against a real Asterisk and phones.
 */
class RescueServiceTest {
    static final String ELDER = "13800000001";
    static final String SON = "13900000002";
    static final String DAUGHTER_IN_SINGAPORE = "+6591000004";

    @TempDir
    Path tmp;
    final TestClock clock = new TestClock(Instant.parse("2026-06-01T02:00:00Z"));
    final RecordingPbx pbx = new RecordingPbx();
    final List<String[]> spoken = new CopyOnWriteArrayList<>();
    final List<Event> broadcast = new CopyOnWriteArrayList<>();
    Database db;
    JooqElderRepository elders;
    EventHub hub;
    RescueService rescue;
    Elder elder;
    final Account agent = new Account(7, "ann", Role.AGENT, "1001", "secret", "Ann", true);

    @BeforeEach
    void up() {
        db = onekey.testkit.H2Template.open(tmp.resolve("onekey"), "sa", 4);
        elders = new JooqElderRepository(db, "21", clock);
        elder = elders.create(new ElderDraft("张桂英", null, "F", List.of(ELDER), "上海市徐汇区天平路 88 弄 5 号 302 室",
                "近衡山路", "徐汇", "zh", "living-alone", null, null, null, null, null, null,
                List.of(new Contact("李明", "儿子", SON), new Contact("Mei Li", "女儿", DAUGHTER_IN_SINGAPORE, "en"))));
        hub = new EventHub(1000);
        hub.subscribe(id -> false, true, -1, broadcast::add);
        rescue = start(null, null);
    }

    /** The rescue as the tests use it: Ann's extension known, {@code audit} and {@code followUps} when given. */
    private RescueService start(onekey.auth.AuditLog audit, FollowUpRepository followUps) {
        RescueService r = new RescueService(new IncidentRepository(db), elders, pbx, hub, clock,
                new RescueService.Settings(2, 60, 30, 8, 500, 300, 48, 120),
                (text, lang) -> {
                    spoken.add(new String[] {text, lang});
                    return Optional.of("/var/lib/onekey/prompts/" + lang + "-" + spoken.size());
                }, null, new RescueService.Seats(List::of, id -> id == agent.id() ? agent.extension() : null),
                audit, followUps);
        r.pbxConnected();
        return r;
    }

    /** A test that needs the audit or the call follow-ups: the rescue built with them, in place of the plain one. */
    private void restart(onekey.auth.AuditLog audit, FollowUpRepository followUps) {
        rescue.close();
        rescue = start(audit, followUps);
    }

    @AfterEach
    void down() {
        rescue.close();
        db.close();
    }

    @Test
    void redialsKeepTheirIntervalOnTheInjectedClockThenContactsAreSpokenToInTheirOwnLanguage() {
        long id = rescue.noResponse(elder.id(), null, agent, "no-response").incident().id();
        RecordingPbx.Call redial1 = pbx.await(1);
        assertThat(redial1.channel()).isEqualTo("PJSIP/" + ELDER + "@trunk");
        assertThat(redial1.context()).isEqualTo("onekey-out-answered");

        // answered in silence: redial 2 is planned 60 s later on the injected clock, and not dialled before then
        rescue.onEvent(new PbxEvent.OutResult("r1", clock.millis(), redial1.step(), "silent"));
        Awaitility.await().until(() -> step(id, 2).map(s -> s.state().equals("planned")).orElse(false));
        assertThat(step(id, 2).orElseThrow().dueAt()).isEqualTo(clock.millis() + 60_000);
        clock.advance(Duration.ofSeconds(59));
        rescue.tickNow();
        assertThat(step(id, 2).orElseThrow().state()).as("not before 60 s").isEqualTo("planned");
        assertThat(pbx.calls).hasSize(1);
        clock.advance(Duration.ofSeconds(1));
        RecordingPbx.Call redial2 = pbx.await(2);
        assertThat(redial2.channel()).isEqualTo("PJSIP/" + ELDER + "@trunk");

        // no answer on redial 2: exactly two redials, then the contacts in order, each in their own language
        rescue.onEvent(new PbxEvent.OriginateResult("r2", clock.millis(), redial2.actionId(), false, 3));
        RecordingPbx.Call son = pbx.await(3);
        assertThat(son.channel()).isEqualTo("PJSIP/" + SON + "@trunk");
        assertThat(son.context()).isEqualTo("onekey-out-contact");
        assertThat(son.vars()).containsEntry("ONEKEY_LANG", "zh");
        assertThat(lastSpokenTo("zh")).contains("张桂英", "天平路").contains("请按1");
        rescue.onEvent(new PbxEvent.OriginateResult("c1", clock.millis(), son.actionId(), false, 3));
        RecordingPbx.Call daughter = pbx.await(4);
        assertThat(daughter.channel()).isEqualTo("PJSIP/" + DAUGHTER_IN_SINGAPORE + "@trunk");
        assertThat(daughter.vars()).containsEntry("ONEKEY_LANG", "en");
        assertThat(lastSpokenTo("en")).contains("张桂英", "press 1");
        rescue.onEvent(new PbxEvent.OutResult("c2", clock.millis(), daughter.step(), "ack"));
        Awaitility.await().until(() -> step(id, 4).map(s -> "ack".equals(s.result())).orElse(false));
        assertThat(step(id, 4).orElseThrow().detail()).contains("English");
        assertThat(step(id, 3).orElseThrow().result()).isEqualTo("no-answer");
        assertThat(pbx.calls.stream().filter(c -> c.channel().contains(ELDER)).count()).isEqualTo(2);
    }

    /**
     * Issue 23: confirmations that arrive while the rescue thread is busy are opened together (one transaction) and
     * their first redials placed together (one commit for the legs): each elder gets exactly one incident and one
     * first redial, a second confirmation for the same elder in the same burst joins the incident, and every redial's
     * step says dialing.
     */
    @Test
    void aBurstOfConfirmationsOpensEachIncidentOnceAndDialsEachFirstRedialOnce() throws Exception {
        List<Elder> many = new java.util.ArrayList<>();
        many.add(elder);
        for (int i = 1; i < 12; i++) {
            many.add(elders.create(new ElderDraft("老人" + i, null, "F", List.of(String.format("1380000%04d", 100 + i)),
                    "上海市徐汇区天平路 " + i + " 号", null, "徐汇", "zh", "living-alone", null, null, null, null, null, null,
                    List.of())));
        }
        java.util.concurrent.CountDownLatch hold = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch holding = new java.util.concurrent.CountDownLatch(1);
        rescue.onRescueThread(() -> {
            holding.countDown();
            try {
                hold.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        // the thread is held before the first confirmation comes (confirmations waiting are opened before its next task)
        assertThat(holding.await(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        List<java.util.concurrent.CompletableFuture<RescueService.Opened>> results = new java.util.ArrayList<>();
        for (Elder e : many) {
            results.add(java.util.concurrent.CompletableFuture.supplyAsync(() -> rescue.noResponse(e.id(), null, agent, "no-response"),
                    java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()));
        }
        // the same elder confirmed twice in the burst
        var again = java.util.concurrent.CompletableFuture.supplyAsync(() -> rescue.noResponse(elder.id(), null, agent, "no-response"),
                java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor());
        Awaitility.await("all confirmations queued").until(() -> rescue.pendingOpens() == many.size() + 1);
        hold.countDown();

        List<RescueService.Opened> opened = results.stream().map(java.util.concurrent.CompletableFuture::join).toList();
        RescueService.Opened second = again.join();
        assertThat(opened.subList(1, opened.size())).allMatch(RescueService.Opened::created);
        assertThat(opened.stream().map(o -> o.incident().elderId()).distinct()).hasSize(many.size());
        RescueService.Opened first = opened.get(0);
        assertThat(second.incident().id()).isEqualTo(first.incident().id());
        // the same elder twice: whichever reached the queue first opened the incident, the other joined it (the two
        // requests' threads decide their order, not the order they were started in)
        assertThat(List.of(first.created(), second.created())).as("one opens, the other joins")
                .containsExactlyInAnyOrder(true, false);

        pbx.await(many.size());
        for (Elder e : many) {
            assertThat(pbx.calls.stream().filter(c -> c.channel().equals("PJSIP/" + e.phones().get(0) + "@trunk")).count())
                    .as("first redial of " + e.name()).isEqualTo(1);
        }
        for (RescueService.Opened o : opened) {
            Awaitility.await().until(() -> step(o.incident().id(), 1).map(s -> s.state().equals("dialing")).orElse(false));
        }
        assertThat(rescue.find(null, "open", 100)).hasSize(many.size());
    }

    /**
     * Issue 20: the son replies "到" to the incident's text while the elder is still being redialled: a contact step
     * that is his acknowledgement, seat A's task to confirm the responders; when the redials fail the escalation calls
     * no contact (he is on the way), seat B still calls the elder. The texts' steps are on the timeline with their
     * delivery state.
     */
    @Test
    void aContactsTextAcknowledgementBeforeTheEscalationMeansNoContactIsCalled() {
        long id = rescue.noResponse(elder.id(), null, agent, "no-response").incident().id();
        RecordingPbx.Call redial1 = pbx.await(1);
        long sms = rescue.noteText(id, "sms", SON, "submitted", "【一键通】张桂英按了一键呼叫后无回应…").orElseThrow();
        rescue.textResult(sms, "delivered");
        assertThat(rescue.acknowledgedByText(id, SON, "李明", "到")).isTrue();
        assertThat(rescue.acknowledgedByText(id, SON, "李明", "收到")).as("once").isFalse();
        Incident now = rescue.get(id).orElseThrow();
        assertThat(now.steps()).anyMatch(x -> x.kind().equals("contact") && "ack".equals(x.result())
                && x.detail().contains("李明 replied \"到\" by text"));
        assertThat(now.steps()).anyMatch(x -> x.kind().equals("task-a") && x.detail().startsWith("confirm-responders"));
        Awaitility.await().until(() -> rescue.get(id).orElseThrow().steps().stream()
                .anyMatch(x -> x.kind().equals("sms") && "delivered".equals(x.result())));

        // both redials unanswered: escalating, and nobody else is called — the son is on the way
        rescue.onEvent(new PbxEvent.OriginateResult("r1", clock.millis(), redial1.actionId(), false, 3));
        Awaitility.await().until(() -> step(id, 4).isPresent() || step(id, 5).isPresent());
        clock.advance(Duration.ofSeconds(60));
        RecordingPbx.Call redial2 = pbx.await(2);
        rescue.onEvent(new PbxEvent.OriginateResult("r2", clock.millis(), redial2.actionId(), false, 3));
        Awaitility.await().until(() -> rescue.get(id).orElseThrow().state().equals("escalating"));
        rescue.tickNow();
        assertThat(pbx.calls).hasSize(2);
        assertThat(rescue.get(id).orElseThrow().steps().stream().filter(x -> x.kind().equals("contact")).count()).isEqualTo(1);
        assertThat(rescue.get(id).orElseThrow().steps()).noneMatch(x -> x.kind().equals("task-a")
                && x.detail().startsWith("call-110"));
        assertThat(rescue.acknowledgedByText(id + 1000, SON, null, "1")).as("no such incident").isFalse();
    }

    @Test
    void theFollowUpIsDueWithin48HoursOfTheResolutionIsDialledFromTheWorklistAndIsFlaggedWhenOverdue() {
        long id = rescue.noResponse(elder.id(), null, agent, "no-response").incident().id();
        pbx.await(1);
        clock.advance(Duration.ofMinutes(25));
        long resolvedAt = clock.millis();
        Incident resolved = rescue.arrived(id, agent, "居委 staff found her well");
        assertThat(resolved.state()).isEqualTo("resolved");

        // on the worklist at once, due at most 48 h after the resolution
        List<Incident.Step> worklist = rescue.followUps(resolvedAt + Duration.ofHours(48).toMillis());
        assertThat(worklist).singleElement().satisfies(t -> {
            assertThat(t.incidentId()).isEqualTo(id);
            assertThat(t.kind()).isEqualTo("follow-up");
            assertThat(t.dueAt()).isBetween(resolvedAt, resolvedAt + Duration.ofHours(48).toMillis());
            assertThat(t.target()).isEqualTo(ELDER);
        });

        // a day and a half later it is still there and nobody was told yet
        clock.advance(Duration.ofHours(36));
        assertThat(rescue.followUps(clock.millis() + Duration.ofHours(48).toMillis())).hasSize(1);
        rescue.tickNow();
        assertThat(overdueAlerts(id)).isZero();
        // past the deadline: the supervisors are told, once
        clock.advance(Duration.ofHours(12).plusSeconds(1));
        rescue.tickNow();
        assertThat(overdueAlerts(id)).isEqualTo(1);
        rescue.tickNow();
        assertThat(overdueAlerts(id)).as("told once").isEqualTo(1);

        // dialled from the worklist: the agent's phone rings first, then the elder's number through the trunk
        rescue.followUp(id, agent);
        RecordingPbx.Call call = pbx.await(2);
        assertThat(call.channel()).isEqualTo("PJSIP/1001");
        assertThat(call.context()).isEqualTo("onekey-out-agent-call");
        assertThat(call.vars()).containsEntry("ONEKEY_DIAL", ELDER);
        // dialling completes nothing (issue 18): the attempt is noted, the follow-up stays on the worklist
        assertThat(rescue.followUps(clock.millis() + Duration.ofHours(48).toMillis())).singleElement()
                .satisfies(t -> assertThat(t.result()).isEqualTo("dialled"));
    }

    @Test
    void everyClosedIncidentGetsItsFollowUpWithinTheConfiguredHoursCancelledAndTheElderSpeakingOnARedialToo() {
        // the alarm cancelled by the seat (the elder is well)
        long cancelled = rescue.noResponse(elder.id(), null, agent, "no-response").incident().id();
        pbx.await(1);
        long at = clock.millis();
        rescue.cancel(cancelled, agent, "她只是没听见");
        assertThat(rescue.followUps(at + Duration.ofHours(48).toMillis())).singleElement().satisfies(t -> {
            assertThat(t.incidentId()).isEqualTo(cancelled);
            assertThat(t.dueAt()).isEqualTo(at + Duration.ofHours(48).toMillis());
            assertThat(t.target()).isEqualTo(ELDER);
        });

        // the elder answers redial 1 and speaks: resolved by itself, and followed up all the same
        clock.advance(Duration.ofHours(1));
        long spoke = rescue.noResponse(elder.id(), null, agent, "no-response").incident().id();
        RecordingPbx.Call redial = pbx.await(2);
        rescue.onEvent(new PbxEvent.OutResult("r1", clock.millis(), redial.step(), "spoke"));
        Awaitility.await().until(() -> rescue.get(spoke).orElseThrow().state().equals("resolved"));
        long spokeAt = clock.millis();
        // the follow-up is planned just after the state is written, on the rescue's worker: read it once it is there
        Awaitility.await().untilAsserted(() -> assertThat(rescue.followUps(spokeAt + Duration.ofHours(48).toMillis()))
                .extracting(Incident.Step::incidentId).containsExactly(cancelled, spoke));
        // one follow-up per incident: none due before its time on the injected clock is "overdue" yet
        rescue.tickNow();
        assertThat(overdueAlerts(spoke)).isZero();
    }

    private static onekey.calls.CallRecord call(String linkedid, onekey.lines.Service line, Long elderId, Long answeredAt) {
        return new onekey.calls.CallRecord(0, linkedid, "PJSIP/trunk-1", "02155550001", "1234901", line, 10, elderId, 7L,
                "ann", 1_000L, 1_100L, answeredAt, 90_000L, 500L, answeredAt == null ? null : 60_000L,
                answeredAt == null ? onekey.calls.CallOutcome.ABANDONED : onekey.calls.CallOutcome.COMPLETED, null, null, false, null);
    }

    @Test
    void everyAnsweredSosCallAndConsultationGetsOneFollowUpWithinTheHoursOtherCallsNone() {
        FollowUpRepository repo = new FollowUpRepository(db);
        restart(null, repo);
        long horizon = clock.millis() + Duration.ofHours(48).toMillis();
        // answered on the SOS line: a follow-up to the elder's own number, due within rescue.followUpHours (48 here)
        rescue.callEnded(call("sos-1", onekey.lines.Service.SOS, elder.id(), 2_000L));
        // an answered consultation: a follow-up asking satisfaction
        rescue.callEnded(call("consult-1", onekey.lines.Service.CONSULT, elder.id(), 2_000L));
        // not followed up: a registration call (its booking is confirmed by the broadcast), an SOS call nobody answered
        // (the abandoned-SOS rescue takes it), a call with no line
        rescue.callEnded(call("reg-1", onekey.lines.Service.REGISTRATION, elder.id(), 2_000L));
        rescue.callEnded(call("sos-abandoned", onekey.lines.Service.SOS, elder.id(), null));
        rescue.callEnded(call("no-line", null, elder.id(), 2_000L));
        // the same call told twice (a restart, a repeated hang-up): still one follow-up
        rescue.callEnded(call("sos-1", onekey.lines.Service.SOS, elder.id(), 2_000L));
        Awaitility.await().until(() -> rescue.callFollowUps(horizon).size() == 2);
        assertThat(rescue.planCallFollowUp(call("sos-1", onekey.lines.Service.SOS, elder.id(), 2_000L))).isEmpty();
        rescue.tickNow(); // the rescue thread has done every callEnded handed to it
        List<FollowUp> due = rescue.callFollowUps(horizon);
        assertThat(due).extracting(FollowUp::linkedid).containsExactlyInAnyOrder("sos-1", "consult-1");
        assertThat(due).extracting(FollowUp::reason).containsExactlyInAnyOrder("sos-call", "consult");
        assertThat(due).allSatisfy(f -> {
            assertThat(f.dueAt()).isEqualTo(clock.millis() + Duration.ofHours(48).toMillis());
            assertThat(f.number()).isEqualTo(ELDER);
            assertThat(f.elderId()).isEqualTo(elder.id());
            assertThat(f.state()).isEqualTo("open");
        });
        assertThat(repo.byLinkedid("reg-1")).isEmpty();
        assertThat(repo.byLinkedid("sos-abandoned")).isEmpty();
        // an unregistered caller's answered SOS call is followed up on the calling number
        rescue.callEnded(call("sos-stranger", onekey.lines.Service.SOS, null, 2_000L));
        Awaitility.await().until(() -> repo.byLinkedid("sos-stranger").isPresent());
        assertThat(repo.byLinkedid("sos-stranger").orElseThrow().number()).isEqualTo("02155550001");
    }

    @Test
    void anAnsweredSosCallWhoseEndTheRescueNeverHeardOfIsFollowedUpByTheSweepOnce() {
        FollowUpRepository repo = new FollowUpRepository(db);
        var calls = new onekey.calls.JooqCallRepository(db);
        long ended = clock.millis() - Duration.ofHours(2).toMillis();
        onekey.calls.CallRecord c = new onekey.calls.CallRecord(0, "missed-1", "PJSIP/trunk-1", "02155550001", "1234901",
                onekey.lines.Service.SOS, 10, elder.id(), 7L, "ann", ended - 60_000, ended - 59_000, ended - 58_000, ended,
                2_000L, 58_000L, onekey.calls.CallOutcome.COMPLETED, null, null, false, null);
        long id = calls.insertIfAbsent(c).id();
        // an abandoned one and one on the registration line: not followed up
        calls.insertIfAbsent(new onekey.calls.CallRecord(0, "missed-2", null, "02155550001", "1234901", onekey.lines.Service.SOS,
                10, elder.id(), null, null, ended - 60_000, ended - 59_000, null, ended, 60_000L, null, onekey.calls.CallOutcome.ABANDONED, null,
                null, false, null));
        calls.insertIfAbsent(new onekey.calls.CallRecord(0, "missed-3", null, "02155550001", "1234902",
                onekey.lines.Service.REGISTRATION, 5, elder.id(), 7L, "ann", ended - 60_000, ended - 59_000, ended - 58_000,
                ended, 2_000L, 58_000L, onekey.calls.CallOutcome.COMPLETED, null, null, false, null));
        restart(null, repo);
        rescue.tickNow();
        FollowUp f = repo.byLinkedid("missed-1").orElseThrow();
        assertThat(f.callId()).isEqualTo(id);
        assertThat(f.reason()).isEqualTo("sos-call");
        assertThat(f.dueAt()).as("due from the call's end").isEqualTo(ended + Duration.ofHours(48).toMillis());
        assertThat(repo.byLinkedid("missed-2")).isEmpty();
        assertThat(repo.byLinkedid("missed-3")).isEmpty();
        clock.advance(Duration.ofMinutes(5));
        rescue.tickNow();
        assertThat(rescue.callFollowUps(clock.millis() + Duration.ofHours(48).toMillis())).hasSize(1);
    }

    @Test
    void aCallSavedAsCallbackNeededPutsOneCallBackOnTheWorklist() {
        restart(null, new FollowUpRepository(db));
        onekey.calls.CallRecord c = call("gen-1", onekey.lines.Service.GENERAL, elder.id(), 2_000L);
        assertThat(rescue.dispositionSaved(c)).as("resolved: nothing owed").isEmpty();
        onekey.calls.CallRecord asked = new onekey.calls.CallRecord(c.id(), c.linkedid(), c.callerChannel(), c.callerNumber(),
                c.dnis(), c.line(), c.priority(), c.elderId(), c.agentId(), c.agentName(), c.arrivedAt(), c.queuedAt(),
                c.answeredAt(), c.endedAt(), c.waitMs(), c.talkMs(), c.outcome(), "callback-needed", "她要问问女儿", false, null);
        FollowUp cb = rescue.dispositionSaved(asked).orElseThrow();
        assertThat(cb.reason()).isEqualTo("callback");
        assertThat(cb.number()).isEqualTo(ELDER);
        assertThat(cb.dueAt()).isEqualTo(clock.millis() + Duration.ofHours(48).toMillis());
        assertThat(rescue.dispositionSaved(asked)).as("saved again: still one").isEmpty();
        assertThat(rescue.callFollowUps(clock.millis() + Duration.ofHours(48).toMillis())).singleElement()
                .extracting(FollowUp::reason).isEqualTo("callback");
    }

    @Test
    void aCallsFollowUpIsDoneOnlyWithAReachedOutcomeDiallingAndNotReachedKeepItAudited() {
        onekey.auth.JooqAuditLog audit = new onekey.auth.JooqAuditLog(db, clock);
        restart(audit, new FollowUpRepository(db));
        FollowUp f = rescue.planCallFollowUp(call("consult-2", onekey.lines.Service.CONSULT, elder.id(), 2_000L)).orElseThrow();
        long horizon = clock.millis() + Duration.ofHours(48).toMillis();

        assertThat(rescue.callFollowUpDialled(f.id(), agent).result()).isEqualTo("dialled");
        FollowUp kept = rescue.callFollowUpOutcome(f.id(), agent, new RescueService.FollowUpOutcome(false, null, null));
        assertThat(kept.state()).isEqualTo("open");
        assertThat(kept.result()).isEqualTo("not-reached");
        assertThat(kept.attempts()).isEqualTo(1);
        assertThat(rescue.callFollowUps(horizon)).hasSize(1);

        FollowUp done = rescue.callFollowUpOutcome(f.id(), agent, new RescueService.FollowUpOutcome(true, "医生的建议有用", 4));
        assertThat(done.state()).isEqualTo("done");
        assertThat(done.result()).isEqualTo("reached");
        assertThat(done.detail()).contains("医生的建议有用", "satisfaction=4");
        assertThat(done.attempts()).isEqualTo(2);
        assertThat(rescue.callFollowUps(horizon)).isEmpty();
        assertThatThrownBy(() -> rescue.callFollowUpOutcome(f.id(), agent, new RescueService.FollowUpOutcome(false, null, null)))
                .isInstanceOf(IllegalStateException.class);
        assertThat(audit.find("ann", "follow-up.outcome", "elder", Long.toString(elder.id()), null, null, 10))
                .extracting(onekey.auth.AuditEntry::detail)
                .containsExactly("followUp=" + f.id() + " reason=consult reached=true satisfaction=4",
                        "followUp=" + f.id() + " reason=consult reached=false");
    }

    @Test
    void aFollowUpIsDoneOnlyWhenTheSeatSavesThatTheElderWasReachedNotReachedKeepsItOnTheWorklistBothAudited() {
        onekey.auth.JooqAuditLog audit = new onekey.auth.JooqAuditLog(db, clock);
        restart(audit, null);
        long id = rescue.noResponse(elder.id(), null, agent, "no-response").incident().id();
        pbx.await(1);
        rescue.arrived(id, agent, "居委 staff found her well");
        long horizon = clock.millis() + Duration.ofHours(48).toMillis();
        rescue.followUp(id, agent);
        pbx.await(2);

        // not reached: noted, still on the list to be tried again
        Incident kept = rescue.followUpOutcome(id, agent, new RescueService.FollowUpOutcome(false, null, null));
        assertThat(kept.steps()).filteredOn(s -> s.kind().equals("follow-up")).singleElement()
                .satisfies(s -> {
                    assertThat(s.state()).isEqualTo("open");
                    assertThat(s.result()).isEqualTo("not-reached");
                });
        assertThat(rescue.followUps(horizon)).hasSize(1);

        // a reached outcome needs to say how the elder is; satisfaction is 1 to 5
        assertThatThrownBy(() -> new RescueService.FollowUpOutcome(true, " ", 4)).hasMessageContaining("condition");
        assertThatThrownBy(() -> new RescueService.FollowUpOutcome(true, "好", 6)).hasMessageContaining("1 to 5");

        // reached: done, with how she is and her satisfaction; off the worklist
        Incident done = rescue.followUpOutcome(id, agent, new RescueService.FollowUpOutcome(true, "身体已恢复，能下楼散步", 5));
        assertThat(done.steps()).filteredOn(s -> s.kind().equals("follow-up")).singleElement()
                .satisfies(s -> {
                    assertThat(s.state()).isEqualTo("done");
                    assertThat(s.result()).isEqualTo("reached");
                    assertThat(s.detail()).contains("身体已恢复，能下楼散步", "satisfaction=5", "ann");
                });
        assertThat(rescue.followUps(horizon)).isEmpty();
        assertThatThrownBy(() -> rescue.followUpOutcome(id, agent, new RescueService.FollowUpOutcome(false, null, null)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("no follow-up");

        // both outcomes audited by the service, in the elder's trail
        assertThat(audit.find("ann", "incident.follow-up-outcome", "elder", Long.toString(elder.id()), null, null, 10))
                .extracting(onekey.auth.AuditEntry::detail)
                .containsExactly("incident=" + id + " reached=true satisfaction=5", "incident=" + id + " reached=false");
    }

    @Test
    void anUnregisteredCallersNumberIsRedialledTwiceThenSeatAIsToCall110WithTheNumber() {
        RescueService.Opened o = rescue.noResponseOnCall(null, "021-5555 9999", 42L, agent, "no-response");
        assertThat(o.created()).isTrue();
        long id = o.incident().id();
        assertThat(o.incident().elderId()).isNull();
        assertThat(o.incident().callerNumber()).isEqualTo("2155559999");
        assertThat(RescueService.shape(o.incident())).containsEntry("callerNumber", "******9999");
        // a second confirmation joins the number's open incident
        RescueService.Opened again = rescue.noResponseOnCall(null, "02155559999", 42L, agent, "no-response");
        assertThat(again.created()).isFalse();
        assertThat(again.incident().id()).isEqualTo(id);

        RecordingPbx.Call redial1 = pbx.await(1);
        assertThat(redial1.channel()).isEqualTo("PJSIP/2155559999@trunk");
        rescue.onEvent(new PbxEvent.OutResult("r1", clock.millis(), redial1.step(), "silent"));
        Awaitility.await().until(() -> step(id, 2).map(s -> s.state().equals("planned")).orElse(false));
        clock.advance(Duration.ofSeconds(60));
        RecordingPbx.Call redial2 = pbx.await(2);
        assertThat(redial2.channel()).isEqualTo("PJSIP/2155559999@trunk");
        rescue.onEvent(new PbxEvent.OriginateResult("r2", clock.millis(), redial2.actionId(), false, 3));

        // two redials without a response: nobody to call for seat A, whose task is 110 with the number, at once
        // (the state is set before the tasks are written: wait for the last of them, seat B's)
        Awaitility.await().until(() -> rescue.get(id).orElseThrow().state().equals("escalating")
                && rescue.get(id).orElseThrow().steps().stream().anyMatch(s -> s.kind().equals("task-b")));
        Incident esc = rescue.get(id).orElseThrow();
        assertThat(esc.steps()).filteredOn(s -> s.kind().equals("redial")).extracting(Incident.Step::result)
                .containsExactly("silent", "no-answer");
        assertThat(esc.steps()).noneMatch(s -> s.kind().equals("contact"));
        assertThat(esc.steps()).filteredOn(s -> s.kind().equals("task-a")).singleElement().satisfies(t -> {
            assertThat(t.state()).isEqualTo("open");
            assertThat(t.target()).isEqualTo("agent:" + agent.id());
            assertThat(t.detail()).startsWith("call-110").contains("2155559999");
        });
        // the supervisors are told, as for an elder
        Awaitility.await().until(() -> broadcast.stream().anyMatch(e -> EventViews.type(e).equals("queue.alert")
                && "incident-escalated".equals(EventViews.body(e).get("kind"))));
        // seat B keeps calling the number
        clock.advance(Duration.ofSeconds(300));
        assertThat(pbx.await(3).channel()).isEqualTo("PJSIP/2155559999@trunk");
        // a withheld number cannot be redialled
        org.assertj.core.api.Assertions.assertThatThrownBy(
                () -> rescue.noResponseOnCall(null, "anonymous", 43L, agent, "no-response"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("110");
    }

    @Test
    void aContactsLanguageComesFromTheirRecordAndIsMandarinByDefault() {
        assertThat(RescueService.contactLanguage(elder, SON)).isEqualTo("zh");
        assertThat(RescueService.contactLanguage(elder, DAUGHTER_IN_SINGAPORE)).isEqualTo("en");
        assertThat(RescueService.contactLanguage(elder, "02100000000")).isEqualTo("zh");
        Elder stored = elders.get(elder.id()).orElseThrow();
        assertThat(stored.contacts()).extracting(Contact::language).containsExactly(null, "en");
    }

    private long overdueAlerts(long incident) {
        return broadcast.stream().filter(e -> EventViews.type(e).equals("queue.alert"))
                .filter(e -> "follow-up-overdue".equals(EventViews.body(e).get("kind")))
                .filter(e -> EventViews.body(e).get("incident") instanceof Map<?, ?> m && Long.valueOf(incident).equals(m.get("id")))
                .count();
    }

    /** Issue 18: seat A's task call-110 is done by the call to 110, not by 120; a seat says a task is done (完成). */
    @Test
    void theCallTo110DoesTheTaskCall110AndASeatSaysATaskIsDoneAuditedOnlyByItsPeople() {
        onekey.auth.JooqAuditLog audit = new onekey.auth.JooqAuditLog(db);
        restart(audit, null);
        long id = rescue.noResponseOnCall(null, "02155559999", 42L, agent, "no-response").incident().id();
        rescue.onEvent(new PbxEvent.OutResult("r1", clock.millis(), pbx.await(1).step(), "silent"));
        Awaitility.await().until(() -> step(id, 2).map(s -> s.state().equals("planned")).orElse(false));
        clock.advance(Duration.ofSeconds(60));
        rescue.onEvent(new PbxEvent.OriginateResult("r2", clock.millis(), pbx.await(2).actionId(), false, 3));
        Awaitility.await().until(() -> rescue.get(id).orElseThrow().steps().stream().anyMatch(s -> s.kind().equals("task-a")));
        int seqA = taskA(id).seq();

        // 120 is not the police: the task to call 110 stays open; the call to 110 does it
        rescue.callFromAgent(id, agent, "120");
        assertThat(taskA(id).state()).isEqualTo("open");
        rescue.callFromAgent(id, agent, "110");
        assertThat(taskA(id).state()).isEqualTo("done");
        assertThat(taskA(id).detail()).startsWith("call-110").endsWith("ann called 110");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> rescue.completeTask(id, seqA, agent))
                .isInstanceOf(IllegalStateException.class);

        // seat B's task: another agent may not say it is done; its agent does, audited once
        Awaitility.await().until(() -> rescue.get(id).orElseThrow().steps().stream().anyMatch(s -> s.kind().equals("task-b")));
        int seqB = rescue.get(id).orElseThrow().steps().stream().filter(s -> s.kind().equals("task-b")).findFirst()
                .orElseThrow().seq();
        Account bob = new Account(8, "bob", Role.AGENT, "1002", "secret", "Bob", true);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> rescue.completeTask(id, seqB, bob))
                .isInstanceOf(SecurityException.class);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> rescue.completeTask(id, 999, agent))
                .isInstanceOf(IllegalArgumentException.class);
        Incident after = rescue.completeTask(id, seqB, agent);
        Incident.Step b = after.steps().stream().filter(s -> s.seq() == seqB).findFirst().orElseThrow();
        assertThat(b.state()).isEqualTo("done");
        assertThat(b.result()).isEqualTo("done");
        assertThat(b.detail()).endsWith("done by ann");
        assertThat(audit.find(null, "incident.task-done", "call", "42", null, null, 10)).singleElement().satisfies(r -> {
            assertThat(r.username()).isEqualTo("ann");
            assertThat(r.detail()).isEqualTo("incident=" + id + " task=" + seqB);
        });
        assertThat(RescueService.callDoesTask("confirm-responders: …", "120")).isTrue();
        assertThat(RescueService.callDoesTask("call-110: …", "119")).isFalse();
    }

    private Incident.Step taskA(long id) {
        return rescue.get(id).orElseThrow().steps().stream().filter(s -> s.kind().equals("task-a")).findFirst().orElseThrow();
    }

    private Optional<Incident.Step> step(long incident, int seq) {
        return rescue.get(incident).orElseThrow().steps().stream().filter(s -> s.seq() == seq).findFirst();
    }

    private String lastSpokenTo(String lang) {
        for (int i = spoken.size() - 1; i >= 0; i--) {
            if (spoken.get(i)[1].equals(lang)) {
                return spoken.get(i)[0];
            }
        }
        return "";
    }
}
