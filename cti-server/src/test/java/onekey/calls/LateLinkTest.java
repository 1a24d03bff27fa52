package onekey.calls;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import onekey.agents.AgentService;
import onekey.auth.AuditEntry;
import onekey.auth.JooqAccountRepository;
import onekey.auth.JooqAuditLog;
import onekey.elders.Elder;
import onekey.elders.ElderDraft;
import onekey.elders.ElderRepository;
import onekey.elders.JooqElderRepository;
import onekey.events.EventHub;
import onekey.lines.JooqLineRepository;
import onekey.lines.Line;
import onekey.lines.LineCache;
import onekey.lines.Service;
import onekey.store.Database;
import onekey.telephony.PbxEvent;
import onekey.testkit.RecordingPbx;
import onekey.testkit.TestClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 16: a call whose caller lookup gave up (database frozen: the lookup's 300 ms deadline, 50 ms here) is linked to
 * its elder once the database answers again, by the system and audited; so are rows an earlier run left without their
 * elder. Real repositories on H2 and a real journal; only the elder lookup is held, as a frozen database holds it.
 */
class LateLinkTest {
    static final String CALLER = "02155550001";

    @TempDir
    Path tmp;
    final TestClock clock = new TestClock(Instant.parse("2026-06-01T02:00:00Z"));
    Database db;
    JooqCallRepository calls;
    JooqAuditLog audit;
    Frozen elders;
    CallJournal journal;
    CallTracker tracker;
    Elder elder;
    long arrival;
    /** Held: the database takes no write until it is counted down (open by default). */
    volatile CountDownLatch writes = new CountDownLatch(0);

    /** The elder repository as a frozen database serves it: lookups wait until the thaw. */
    static final class Frozen implements ElderRepository {
        final ElderRepository db;
        volatile boolean frozen;
        final CountDownLatch thaw = new CountDownLatch(1);

        Frozen(ElderRepository db) {
            this.db = db;
        }

        void thaw() {
            frozen = false;
            thaw.countDown();
        }

        @Override
        public Optional<Elder> findByPhone(String phone) {
            if (frozen) {
                try {
                    thaw.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return db.findByPhone(phone);
        }

        @Override
        public Elder create(ElderDraft d) {
            return db.create(d);
        }

        @Override
        public Optional<Elder> update(long id, ElderDraft d) {
            return db.update(id, d);
        }

        @Override
        public Optional<Elder> get(long id) {
            return db.get(id);
        }

        @Override
        public List<Elder> list(String nameLike, int offset, int limit) {
            return db.list(nameLike, offset, limit);
        }

        @Override
        public long count() {
            return db.count();
        }

        @Override
        public Optional<onekey.elders.ElderNote> addNote(long elderId, String by, String text) {
            return db.addNote(elderId, by, text);
        }

        @Override
        public List<onekey.elders.ElderNote> notes(long elderId) {
            return db.notes(elderId);
        }
    }

    @BeforeEach
    void up() throws Exception {
        db = onekey.testkit.H2Template.open(tmp.resolve("onekey"), "sa", 4);
        calls = new JooqCallRepository(db);
        audit = new JooqAuditLog(db);
        elders = new Frozen(new JooqElderRepository(db, "21", clock));
        elder = elders.create(new ElderDraft("张桂英", null, "F", List.of(CALLER), "上海市杨浦区控江路1029弄12号", null, "杨浦区",
                "zh", null, null, null, null, null, null, null, List.of()));
        arrival = clock.millis() + 60_000; // the record existed when the calls below arrived
        JooqLineRepository lines = new JooqLineRepository(db);
        lines.save(new Line("1234901", Service.SOS, 10, "SOS"));
        journal = new CallJournal(tmp.resolve("journal"), 1000);
        tracker = tracker();
        journal.start(e -> {
            writes.await();
            tracker.journalAppliers().apply(e);
        }, () -> { });
    }

    private CallTracker tracker() {
        EventHub hub = new EventHub(100);
        return new CallTracker(calls, new CallerLookup(elders, calls, "21", 50),
                new LineCache(new JooqLineRepository(db)),
                new AgentService(new RecordingPbx(), new JooqAccountRepository(db), hub, "onekey", 0), audit, hub, journal);
    }

    @AfterEach
    void down() {
        journal.close();
        db.close();
    }

    private CallRecord row(String linkedid) {
        return calls.byLinkedid(linkedid).orElseThrow();
    }

    private List<AuditEntry> lateLinks(long callId) {
        return audit.recent("call", Long.toString(callId), 10).stream()
                .filter(a -> a.action().equals("call.elder-linked")).toList();
    }

    @Test
    void aCallTakenWhileTheDatabaseWasFrozenIsLinkedToItsElderWhenItAnswersAgainAuditedAsBySystem() {
        elders.frozen = true;
        CallerLookup.Result r = tracker.flowArrived("700.1", "PJSIP/trunk-1", CALLER, "1234901", null, arrival);
        assertThat(r.unavailable()).as("the lookup gave up").isTrue();
        assertThat(tracker.lookupsGaveUp()).isTrue();
        tracker.onEvent(new PbxEvent.ChannelHungUp("700.1", arrival + 30_000, "700.1", true, 16, "Normal Clearing"));
        assertThat(journal.drain(5_000)).isTrue();
        long id = row("700.1").id();
        assertThat(row("700.1").elderId()).isNull();
        assertThat(calls.find(elder.id(), null, 10)).isEmpty();

        // the thaw: looked up again and linked, once
        elders.thaw();
        assertThat(tracker.linkLate(arrival + 120_000)).isEqualTo(1);
        assertThat(tracker.lookupsGaveUp()).isFalse();
        assertThat(journal.drain(5_000)).isTrue();
        assertThat(row("700.1").elderId()).isEqualTo(elder.id());
        assertThat(calls.timeline(id)).anySatisfy(ev -> {
            assertThat(ev.type()).isEqualTo("elder.linked");
            assertThat(ev.detail()).startsWith("elder=" + elder.id()).contains("late by system");
        });
        assertThat(lateLinks(id)).singleElement().satisfies(a -> {
            assertThat(a.username()).isEqualTo("system");
            assertThat(a.accountId()).isNull();
            assertThat(a.detail()).startsWith("elder=" + elder.id()).contains("late");
        });
        // in the elder's history, and among the last calls of the elder's next pop
        assertThat(calls.find(elder.id(), null, 10)).extracting(CallRecord::id).containsExactly(id);
        CallerLookup.Result next = new CallerLookup(elders, calls, "21", 5_000).lookupNow(CALLER, "701.1");
        assertThat(next.lastCalls()).extracting(CallRecord::id).containsExactly(id);
        // nothing more to do: no second link, no second audit row
        assertThat(tracker.linkLate(arrival + 180_000)).isZero();
        assertThat(journal.drain(5_000)).isTrue();
        assertThat(lateLinks(id)).hasSize(1);
    }

    @Test
    void twoSweepsBeforeTheDatabaseTookTheFirstLinkLinkTheCallOnce() {
        elders.frozen = true;
        tracker.flowArrived("705.1", "PJSIP/trunk-1", CALLER, "1234901", null, arrival);
        tracker.onEvent(new PbxEvent.ChannelHungUp("705.1", arrival + 30_000, "705.1", true, 16, "Normal Clearing"));
        assertThat(journal.drain(5_000)).isTrue();
        elders.thaw();
        writes = new CountDownLatch(1); // the first link waits in the journal
        assertThat(tracker.linkLate(arrival + 60_000)).isEqualTo(1);
        assertThat(tracker.linkLate(arrival + 61_000)).as("the link on its way is not made again").isZero();
        writes.countDown();
        assertThat(journal.drain(5_000)).isTrue();
        long id = row("705.1").id();
        assertThat(row("705.1").elderId()).isEqualTo(elder.id());
        assertThat(lateLinks(id)).hasSize(1);
        assertThat(calls.timeline(id)).filteredOn(ev -> ev.type().equals("elder.linked")).hasSize(1);
        assertThat(tracker.linkLate(arrival + 62_000)).isZero();
    }

    @Test
    void aCallStillUnderWayKeepsTheLateLinkThroughItsLaterStates() {
        elders.frozen = true;
        assertThat(tracker.flowArrived("710.1", "PJSIP/trunk-1", CALLER, "1234901", null, arrival).unavailable()).isTrue();
        assertThat(journal.drain(5_000)).isTrue();
        elders.thaw();
        assertThat(tracker.linkLate(arrival + 10_000)).isEqualTo(1);
        // the call goes on and ends: its later state rows must not undo the link
        tracker.onEvent(new PbxEvent.ChannelHungUp("710.1", arrival + 40_000, "710.1", true, 16, "Normal Clearing"));
        assertThat(journal.drain(5_000)).isTrue();
        CallRecord done = row("710.1");
        assertThat(done.endedAt()).isNotNull();
        assertThat(done.elderId()).isEqualTo(elder.id());
        assertThat(lateLinks(done.id())).hasSize(1);
    }

    @Test
    void rowsAnEarlierRunLeftWithoutTheirElderAreLinkedButNotCallsFromBeforeTheRecordExisted() {
        // as a run killed during a freeze left them: one call after the record was made, one from before it
        long after = calls.insertIfAbsent(new CallRecord(0, "720.1", "PJSIP/trunk-1", CALLER, "1234901", Service.SOS, 10,
                null, null, null, arrival, null, null, arrival + 20_000, null, null, onekey.calls.CallOutcome.ABANDONED, null, null, true, null)).id();
        long before = calls.insertIfAbsent(new CallRecord(0, "719.1", "PJSIP/trunk-1", CALLER, "1234901", Service.SOS, 10,
                null, null, null, elder.createdAt() - 3_600_000, null, null, elder.createdAt() - 3_500_000, null, null,
                onekey.calls.CallOutcome.ABANDONED, null, null, true, null)).id();
        long unknown = calls.insertIfAbsent(new CallRecord(0, "721.1", "PJSIP/trunk-1", "02155559999", "1234901", Service.SOS,
                10, null, null, null, arrival, null, null, arrival + 20_000, null, null, onekey.calls.CallOutcome.ABANDONED, null, null, true, null)).id();

        // a new run (the restart) links at its start
        assertThat(tracker().linkLate(arrival + 3_600_000)).isEqualTo(1);
        assertThat(journal.drain(5_000)).isTrue();
        assertThat(calls.get(after).orElseThrow().elderId()).isEqualTo(elder.id());
        assertThat(lateLinks(after)).hasSize(1);
        assertThat(calls.get(before).orElseThrow().elderId()).as("a call from before the record existed").isNull();
        assertThat(calls.get(unknown).orElseThrow().elderId()).as("an unregistered caller").isNull();
        assertThat(lateLinks(before)).isEmpty();
    }
}
