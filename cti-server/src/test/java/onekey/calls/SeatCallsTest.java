package onekey.calls;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.sql.SQLTransientConnectionException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import onekey.auth.Account;
import onekey.auth.JooqAuditLog;
import onekey.auth.Role;
import onekey.elders.Contact;
import onekey.elders.Elder;
import onekey.elders.ElderDraft;
import onekey.elders.ElderRepository;
import onekey.elders.JooqElderRepository;
import onekey.lines.Service;
import onekey.store.Database;
import onekey.telephony.PbxEvent;
import onekey.testkit.TestClock;
import org.awaitility.Awaitility;
import org.jooq.exception.DataAccessException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every call a seat's phone places has a call row (issue 18 item 7), from the dialplan's OneKeySeatCall events, on a
 * real database: the elder found from the number (the elder's own or a contact's) or from the incident step, the
 * incident, the times and outcome, and the recording handed to the indexer. SoftphoneIT tests 8 and 9 check the same
 * rows against a real Asterisk, with the seat's voice in the recording.
 */
class SeatCallsTest {
    static final String ELDER = "13800000001";
    static final String SON = "13900000002";

    @TempDir
    Path tmp;
    final TestClock clock = new TestClock(Instant.parse("2026-06-01T02:00:00Z"));
    final Map<String, String> indexed = new ConcurrentHashMap<>();
    Database db;
    JooqCallRepository calls;
    CallJournal journal;
    SeatCalls seatCalls;
    Elder elder;
    /** The database is away: every write and every lookup fails as an unreachable database's does. */
    volatile boolean away;

    private void reachable() {
        if (away) {
            throw new DataAccessException("database away", new SQLTransientConnectionException("connection refused", "08001"));
        }
    }

    @BeforeEach
    void up() throws Exception {
        db = onekey.testkit.H2Template.open(tmp.resolve("onekey"), "sa", 4);
        JooqElderRepository stored = new JooqElderRepository(db, "21", clock);
        ElderRepository elders = (ElderRepository) Proxy.newProxyInstance(ElderRepository.class.getClassLoader(),
                new Class<?>[] {ElderRepository.class}, (proxy, method, args) -> {
                    reachable();
                    try {
                        return method.invoke(stored, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        elder = elders.create(new ElderDraft("张桂英", null, "F", List.of(ELDER), "上海市徐汇区天平路 88 弄 5 号 302 室",
                "近衡山路", "徐汇", "zh", "living-alone", null, null, null, null, null, null,
                List.of(new Contact("李明", "儿子", SON))));
        calls = new JooqCallRepository(db);
        Account ann = new Account(7, "ann", Role.AGENT, "1001", "s", "Ann", true);
        JournalAppliers appliers = new JournalAppliers(calls, new JooqAuditLog(db),
                (call, file) -> indexed.put(call.linkedid(), file), new JournalAppliers.Model() {
            @Override
            public void stored(String linkedid, long id) {
            }

            @Override
            public void linkWritten(String linkedid) {
            }
        });
        journal = new CallJournal(tmp.resolve("journal"), 1000);
        seatCalls = new SeatCalls(journal, appliers, calls, new SeatCallRepository(db),
                ext -> {
                    reachable();
                    return ext.equals("1001") ? Optional.of(ann) : Optional.empty();
                },
                elders, "21", new SeatCalls.Incidents() {
                    @Override
                    public Optional<SeatCalls.IncidentLink> ofStep(long stepId) {
                        reachable();
                        return stepId == 55 ? Optional.of(new SeatCalls.IncidentLink(4, elder.id())) : Optional.empty();
                    }

                    @Override
                    public Optional<Long> openFor(long elderId) {
                        reachable();
                        return elderId == elder.id() ? Optional.of(3L) : Optional.empty();
                    }
                }, 300);
        journal.start(e -> {
            reachable();
            appliers.apply(e);
        }, () -> { });
    }

    @AfterEach
    void down() {
        seatCalls.close();
        journal.close();
        db.close();
    }

    private static PbxEvent.SeatCall start(String linkedid, long at, String number, String step) {
        return new PbxEvent.SeatCall(linkedid, at, linkedid, "start", "1001", number, step, "/rec/" + linkedid + ".wav", null, null);
    }

    private static PbxEvent.SeatCall end(String linkedid, long at, String status, Long answered) {
        return new PbxEvent.SeatCall(linkedid, at, linkedid, "end", "1001", null, null, "/rec/" + linkedid + ".wav", status, answered);
    }

    private CallRecord row(String linkedid, boolean ended) {
        return Awaitility.await(linkedid).until(() -> calls.byLinkedid(linkedid).orElse(null),
                r -> r != null && (!ended || r.endedAt() != null));
    }

    /** The row's seat link once the journal has marked it (the row is written first, its link right after). */
    private Optional<SeatCallRepository.Link> linkOf(long callId) {
        return Awaitility.await("seat link of call " + callId).until(() -> seatCalls.link(callId), Optional::isPresent);
    }

    @Test
    void aClickToCallToAnEldersContactIsLinkedToTheElderAndTheOpenIncidentAndEndsWithItsRecording() {
        long t0 = clock.millis();
        seatCalls.onEvent(start("s1", t0, SON, null));
        CallRecord r = row("s1", false);
        assertThat(r.elderId()).as("the son is the elder's contact").isEqualTo(elder.id());
        assertThat(r.agentId()).isEqualTo(7L);
        assertThat(r.agentName()).isEqualTo("ann");
        assertThat(r.callerNumber()).isEqualTo(SON);
        assertThat(r.line()).isNull();
        assertThat(r.outcome().wire()).isEqualTo("dialling");
        assertThat(linkOf(r.id())).contains(new SeatCallRepository.Link(r.id(), 3L, null));
        assertThat(indexed).isEmpty();

        seatCalls.onEvent(end("s1", t0 + 30_000, "ANSWER", 20L));
        CallRecord done = row("s1", true);
        assertThat(done.answeredAt()).isEqualTo(t0 + 10_000);
        assertThat(done.endedAt()).isEqualTo(t0 + 30_000);
        assertThat(done.talkMs()).isEqualTo(20_000);
        assertThat(done.waitMs()).isEqualTo(10_000);
        assertThat(done.outcome().wire()).isEqualTo("completed");
        Awaitility.await().until(() -> indexed.containsKey("s1"));
        assertThat(indexed).containsEntry("s1", "/rec/s1.wav");
        assertThat(seatCalls.forIncident(3)).extracting(CallRecord::linkedid).containsExactly("s1");
        assertThat(calls.timeline(done.id())).extracting(CallEvent::type).containsExactly("seat-call", "seat-call-ended");
    }

    @Test
    void aCallForAnIncidentStepIsLinkedThroughTheStepAndAnUnansweredOneSaysHow() {
        long t0 = clock.millis();
        seatCalls.onEvent(start("s2", t0, "110", "55"));
        seatCalls.onEvent(end("s2", t0 + 60_000, "NOANSWER", 0L));
        CallRecord done = row("s2", true);
        assertThat(done.elderId()).isEqualTo(elder.id());
        assertThat(linkOf(done.id())).contains(new SeatCallRepository.Link(done.id(), 4L, 55L));
        assertThat(done.answeredAt()).isNull();
        assertThat(done.talkMs()).isNull();
        assertThat(done.outcome().wire()).isEqualTo("noanswer");
        assertThat(seatCalls.forIncident(4)).extracting(CallRecord::linkedid).containsExactly("s2");
    }

    @Test
    void aCallToANumberOfNoElderHasARowWithoutElderOrIncidentAndAMissedStartIsMadeUpFromTheEnd() {
        long t0 = clock.millis();
        seatCalls.onEvent(end("s3", t0, "BUSY", null)); // OneKey missed the start (reconnecting)
        CallRecord r = row("s3", true);
        assertThat(r.elderId()).isNull();
        assertThat(r.outcome().wire()).isEqualTo("busy");
        assertThat(linkOf(r.id())).contains(new SeatCallRepository.Link(r.id(), null, null));
        Awaitility.await().until(() -> indexed.containsKey("s3"));
    }

    @Test
    void anEldersOwnCallIsNeverTakenForASeatsCall() {
        CallRecord inbound = calls.insertIfAbsent(new CallRecord(0, "e1", "PJSIP/trunk-1", ELDER, "1234901", Service.SOS, 10,
                elder.id(), 7L, "ann", clock.millis(), null, null, null, null, null, CallOutcome.ANSWERED, null, null, false, null));
        seatCalls.onEvent(start("e1", clock.millis(), SON, null));
        seatCalls.onEvent(end("e1", clock.millis() + 1000, "ANSWER", 1L));
        seatCalls.onEvent(start("s4", clock.millis(), "120", null)); // a later event: the two before were handled
        row("s4", false);
        assertThat(seatCalls.link(inbound.id())).isEmpty();
        assertThat(calls.get(inbound.id()).orElseThrow().outcome().wire()).isEqualTo("answered");
        assertThat(indexed).doesNotContainKey("e1");
        // the wallboard's figures count the calls that came in, not the seats' own; a seat's call has no caller to
        // look up late
        assertThat(calls.find(null, null, null, 10)).extracting(CallRecord::linkedid).containsExactlyInAnyOrder("e1", "s4");
        assertThat(calls.findInbound(null, null, null, 10)).extracting(CallRecord::linkedid).containsExactly("e1");
        assertThat(calls.unlinked(0, 10)).extracting(CallRecord::linkedid).doesNotContain("s4");
    }

    @Test
    void seatCallsStartedAndEndedWhileTheDatabaseIsAwayGetTheirRowsLinksAndRecordingsOnceItAnswersAgain() {
        long t0 = clock.millis();
        away = true;
        seatCalls.onEvent(start("d1", t0, SON, null));
        seatCalls.onEvent(end("d1", t0 + 45_000, "ANSWER", 30L));
        seatCalls.onEvent(start("d2", t0 + 50_000, "120", "55"));
        seatCalls.onEvent(end("d2", t0 + 80_000, "NOANSWER", 0L));
        seatCalls.onEvent(end("d3", t0 + 90_000, "BUSY", null)); // a missed start, too
        // all six ops (d3: a start made up from its end) are in the journal, the lookups gave up; none reached the database
        Awaitility.await().until(() -> journal.metrics().get("failures") instanceof Long f && f > 0 && journal.pending() == 6);
        away = false;
        assertThat(calls.byLinkedid("d1")).as("nothing is written while the database is away").isEmpty();
        assertThat(indexed).isEmpty();

        CallRecord d1 = row("d1", true);
        assertThat(d1.arrivedAt()).isEqualTo(t0);
        assertThat(d1.answeredAt()).isEqualTo(t0 + 15_000);
        assertThat(d1.endedAt()).isEqualTo(t0 + 45_000);
        assertThat(d1.waitMs()).isEqualTo(15_000);
        assertThat(d1.talkMs()).isEqualTo(30_000);
        assertThat(d1.outcome().wire()).isEqualTo("completed");
        assertThat(d1.callerNumber()).isEqualTo(SON);
        assertThat(d1.elderId()).as("looked up once the database answered: the son is the elder's contact")
                .isEqualTo(elder.id());
        assertThat(d1.agentId()).isEqualTo(7L);
        assertThat(d1.agentName()).isEqualTo("ann");
        assertThat(linkOf(d1.id())).contains(new SeatCallRepository.Link(d1.id(), 3L, null));
        assertThat(calls.timeline(d1.id())).extracting(CallEvent::type).containsExactly("seat-call", "seat-call-ended");

        CallRecord d2 = row("d2", true);
        assertThat(d2.elderId()).isEqualTo(elder.id());
        assertThat(d2.endedAt()).isEqualTo(t0 + 80_000);
        assertThat(d2.answeredAt()).isNull();
        assertThat(d2.outcome().wire()).isEqualTo("noanswer");
        assertThat(linkOf(d2.id())).contains(new SeatCallRepository.Link(d2.id(), 4L, 55L));

        CallRecord d3 = row("d3", true);
        assertThat(d3.outcome().wire()).isEqualTo("busy");
        assertThat(d3.elderId()).isNull();
        assertThat(linkOf(d3.id())).contains(new SeatCallRepository.Link(d3.id(), null, null));

        Awaitility.await().until(() -> indexed.size() == 3);
        assertThat(indexed).containsEntry("d1", "/rec/d1.wav").containsEntry("d2", "/rec/d2.wav")
                .containsEntry("d3", "/rec/d3.wav");
        assertThat(seatCalls.forIncident(3)).extracting(CallRecord::linkedid).containsExactly("d1");
        assertThat(seatCalls.forIncident(4)).extracting(CallRecord::linkedid).containsExactly("d2");
    }
}
