package onekey.recording;

import onekey.api.EventViews;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import onekey.calls.CallRecord;
import onekey.calls.JooqCallRepository;
import onekey.lines.Service;
import onekey.store.Database;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Indexing on hang-up and the reconciliation pass, on a real (embedded H2) database and real files. */
class RecordingIndexerTest {

    @TempDir
    Path dir;
    Database db;
    JooqCallRepository calls;
    JooqRecordingRepository recordings;
    RecordingIndexer indexer;
    Path root;

    @BeforeEach
    void setUp() throws Exception {
        db = onekey.testkit.H2Template.open(dir.resolve("db"), "onekey", 2);
        calls = new JooqCallRepository(db);
        recordings = new JooqRecordingRepository(db);
        root = Files.createDirectories(dir.resolve("recordings/2026/11/23"));
        indexer = new RecordingIndexer(dir.resolve("recordings"), recordings, calls);
    }

    @AfterEach
    void tearDown() {
        indexer.close();
        db.close();
    }

    private CallRecord endedCall(String linkedid) {
        long now = System.currentTimeMillis();
        return calls.insertIfAbsent(new CallRecord(0, linkedid, "PJSIP/trunk-1", "02155550001", "1234901", Service.SOS, 10,
                null, null, null, now - 5000, now - 4900, now - 4000, now, 1000L, 4000L, onekey.calls.CallOutcome.COMPLETED, null, null, false, null));
    }

    @Test
    void aFinishedCallsRecordingIsIndexedWithDurationSizeAndChecksum() throws Exception {
        CallRecord call = endedCall("1700000000.1");
        Path f = root.resolve("1700000000.1.wav");
        Files.write(f, WavInfoTest.wav(16000 * 4, true));
        indexer.callEnded(call, f.toString());
        // the timeline entry is written just after the recording is linked: wait for both
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> calls.get(call.id()).orElseThrow().recordingId() != null
                && calls.timeline(call.id()).stream().anyMatch(e -> e.type().equals("recorded")));
        Recording r = recordings.get(calls.get(call.id()).orElseThrow().recordingId()).orElseThrow();
        assertThat(r.durationMs()).isEqualTo(4000);
        assertThat(r.sizeBytes()).isEqualTo(Files.size(f));
        assertThat(r.sha256()).hasSize(64).isEqualTo(RecordingIndexer.sha256(f));
        assertThat(r.status()).isEqualTo("ok");
        assertThat(calls.timeline(call.id())).anyMatch(e -> e.type().equals("recorded"));
    }

    /**
     * Issue 10 (Galera): after a database outage the journal's catch-up reconciles the recordings folder while the
     * hang-up's indexing of the same file may still be running, and a journal op written again after a lost
     * acknowledgement indexes the call once more: the call keeps one recording row and one "recorded" event.
     */
    @Test
    void indexingTheSameRecordingAgainAddsNoSecondRecordedEvent() throws Exception {
        CallRecord call = endedCall("1700000000.7");
        Path f = root.resolve("1700000000.7.wav");
        Files.write(f, WavInfoTest.wav(16000 * 2, true));
        indexer.callEnded(call, f.toString());
        indexer.reconcile();
        indexer.callEnded(call, f.toString()); // the same op once more (a replay)
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> indexer.metrics().get("indexed").equals(1L)
                && calls.get(call.id()).orElseThrow().recordingId() != null);
        indexer.reconcile();
        indexer.close(); // waits for the workers
        assertThat(calls.timeline(call.id()).stream().filter(e -> e.type().equals("recorded")).count()).isEqualTo(1);
        assertThat(recordings.all().stream().filter(r -> call.id() == (r.callId() == null ? -1 : r.callId())).count()).isEqualTo(1);
    }

    /**
     * GaleraIT's take-over: the journal hands a call's recording to the indexer and counts it done; the node under the
     * pooled connection dies as the indexer commits. The indexer tries again (the survivor takes it) instead of leaving
     * the call without its recording until a reconcile.
     */
    @Test
    void aRecordingWhoseCommitMeetsADeadDatabaseConnectionIsIndexedOnTheNextTry() throws Exception {
        java.util.concurrent.atomic.AtomicInteger commits = new java.util.concurrent.atomic.AtomicInteger();
        onekey.store.PatientWrites.Batch dyingNode = work -> {
            if (commits.incrementAndGet() == 1) {
                throw new org.jooq.exception.DataAccessException("SQL [insert into recordings ...]",
                        new java.sql.SQLNonTransientConnectionException("socket closed: node 1 is gone", "08000"));
            }
            db.inOneTransaction(work);
        };
        try (RecordingIndexer retrying = new RecordingIndexer(dir.resolve("recordings"), recordings, calls, null, dyingNode)) {
            CallRecord call = endedCall("1700000000.9");
            Path f = root.resolve("1700000000.9.wav");
            Files.write(f, WavInfoTest.wav(16000 * 3, true));
            retrying.callEnded(call, f.toString());
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> retrying.metrics().get("indexed").equals(1L));
            assertThat(calls.get(call.id()).orElseThrow().recordingId()).isNotNull();
            assertThat(calls.timeline(call.id())).extracting(e -> e.type()).contains("recorded").doesNotContain("recording-missing");
            assertThat(commits.get()).isEqualTo(2);
            assertThat(retrying.metrics()).containsEntry("retriedAfterDatabaseFailure", 1L).containsEntry("failed", 0L);
        }
    }

    /** A refused dialplan path, then a commit through a dead connection: the refusal is on the timeline once. */
    @Test
    void aRefusedPathIsNotedOnceHoweverOftenTheIndexingIsTriedAgain() throws Exception {
        java.util.concurrent.atomic.AtomicInteger commits = new java.util.concurrent.atomic.AtomicInteger();
        onekey.store.PatientWrites.Batch dyingNode = work -> {
            if (commits.incrementAndGet() <= 2) {
                throw new org.jooq.exception.DataAccessException("SQL [insert into recordings ...]",
                        new java.sql.SQLNonTransientConnectionException("socket closed: node 1 is gone", "08000"));
            }
            db.inOneTransaction(work);
        };
        try (RecordingIndexer retrying = new RecordingIndexer(dir.resolve("recordings"), recordings, calls, null, dyingNode)) {
            CallRecord call = endedCall("1700000000.11");
            Files.write(root.resolve("1700000000.11.wav"), WavInfoTest.wav(16000, true));
            retrying.callEnded(call, "/etc/passwd");
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> retrying.metrics().get("indexed").equals(1L));
            assertThat(commits.get()).isEqualTo(3);
            assertThat(calls.timeline(call.id()).stream().filter(e -> e.type().equals("recording-path-refused")).count())
                    .isEqualTo(1);
        }
    }

    /** A failure that is not the database being away (a value it refuses) is not tried again: the call says so. */
    @Test
    void aRecordingTheDatabaseRefusesIsReportedMissingNotTriedForever() throws Exception {
        java.util.concurrent.atomic.AtomicInteger commits = new java.util.concurrent.atomic.AtomicInteger();
        onekey.store.PatientWrites.Batch refusing = work -> {
            commits.incrementAndGet();
            throw new org.jooq.exception.DataAccessException("SQL [insert into recordings ...]",
                    new java.sql.SQLIntegrityConstraintViolationException("refused", "23000"));
        };
        try (RecordingIndexer refused = new RecordingIndexer(dir.resolve("recordings"), recordings, calls, null, refusing)) {
            CallRecord call = endedCall("1700000000.10");
            Path f = root.resolve("1700000000.10.wav");
            Files.write(f, WavInfoTest.wav(16000, true));
            refused.callEnded(call, f.toString());
            Awaitility.await().atMost(Duration.ofSeconds(10))
                    .until(() -> calls.timeline(call.id()).stream().anyMatch(e -> e.type().equals("recording-missing")));
            assertThat(commits.get()).isEqualTo(1);
            assertThat(refused.metrics()).containsEntry("retriedAfterDatabaseFailure", 0L).containsEntry("failed", 1L);
        }
    }

    @Test
    void aCallWithoutARecordingFileIsReportedOnItsTimeline() {
        CallRecord call = endedCall("1700000000.2");
        indexer.callEnded(call, null);
        Awaitility.await().atMost(Duration.ofSeconds(10))
                .until(() -> calls.timeline(call.id()).stream().anyMatch(e -> e.type().equals("recording-missing")));
        assertThat(indexer.metrics().get("failed")).isEqualTo(1L);
    }

    @Test
    void reconciliationFindsOrphansLinksLateFilesAndMarksVanishedOnes() throws Exception {
        // a file no call claims
        Files.write(root.resolve("9999.9.wav"), WavInfoTest.wav(8000, true));
        // a file of a known call that was never indexed (the cti-server was down at hang-up)
        CallRecord late = endedCall("1700000000.3");
        Files.write(root.resolve("1700000000.3.wav"), WavInfoTest.wav(16000, true));
        // an indexed file that disappears
        CallRecord gone = endedCall("1700000000.4");
        Path goneFile = root.resolve("1700000000.4.wav");
        Files.write(goneFile, WavInfoTest.wav(16000, true));
        indexer.callEnded(gone, goneFile.toString());
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> recordings.byCall(gone.id()).isPresent());
        Files.delete(goneFile);

        Map<String, Object> report = indexer.reconcile();

        assertThat(report).containsEntry("orphansFound", 1).containsEntry("linkedLate", 1).containsEntry("missingFound", 1);
        assertThat(recordings.byPath(root.resolve("9999.9.wav").toAbsolutePath().toString()).orElseThrow().status()).isEqualTo("orphan");
        assertThat(calls.get(late.id()).orElseThrow().recordingId()).isNotNull();
        assertThat(recordings.byCall(gone.id()).orElseThrow().status()).isEqualTo("missing");
        // a second pass finds nothing new: nothing is reported twice
        assertThat(indexer.reconcile()).containsEntry("orphansFound", 0).containsEntry("linkedLate", 0).containsEntry("missingFound", 0);
    }

    /**
     * Issue 23: the 10-minute pass looks only at the last days' dated folders (and not for vanished files); the full
     * pass (at the start, after an outage, daily) at the whole folder.
     */
    @Test
    void theRecentPassLooksAtTheLastDaysFoldersOnlyTheFullPassAtEverything() throws Exception {
        java.time.LocalDate today = java.time.LocalDate.now();
        Path todays = Files.createDirectories(dir.resolve("recordings").resolve(String.format("%04d/%02d/%02d",
                today.getYear(), today.getMonthValue(), today.getDayOfMonth())));
        CallRecord recent = endedCall("1800000000.1");
        Files.write(todays.resolve("1800000000.1.wav"), WavInfoTest.wav(16000, true));
        CallRecord old = endedCall("1700000000.11"); // root: 2026/11/23
        Files.write(root.resolve("1700000000.11.wav"), WavInfoTest.wav(16000, true));
        CallRecord gone = endedCall("1800000000.2");
        Path goneFile = todays.resolve("1800000000.2.wav");
        Files.write(goneFile, WavInfoTest.wav(16000, true));
        indexer.callEnded(gone, goneFile.toString());
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> recordings.byCall(gone.id()).isPresent());
        Files.delete(goneFile);

        assertThat(indexer.reconcileRecent(today.minusDays(2))).containsEntry("pass", "recent").containsEntry("files", 1)
                .containsEntry("linkedLate", 1).containsEntry("missingFound", 0);
        assertThat(calls.get(recent.id()).orElseThrow().recordingId()).isNotNull();
        assertThat(calls.get(old.id()).orElseThrow().recordingId()).as("a folder older than the pass's days").isNull();
        assertThat(recordings.byCall(gone.id()).orElseThrow().status()).isEqualTo("ok");

        assertThat(indexer.reconcile()).containsEntry("pass", "full").containsEntry("linkedLate", 1).containsEntry("missingFound", 1);
        assertThat(calls.get(old.id()).orElseThrow().recordingId()).isNotNull();
        assertThat(recordings.byCall(gone.id()).orElseThrow().status()).isEqualTo("missing");
    }

    /** The full pass reads the index a page at a time: every vanished file is found across the pages' edge. */
    @Test
    void theFullPassFindsVanishedFilesAcrossPagesOfTheIndex() throws Exception {
        int n = RecordingIndexer.VANISHED_PAGE + 5;
        Path kept = root.resolve("kept.wav");
        Files.write(kept, WavInfoTest.wav(8000, true));
        recordings.saveNew(new Recording(0, null, kept.toAbsolutePath().toString(), 500, Files.size(kept), "00", "ok", 1));
        for (int i = 0; i < n; i++) {
            recordings.saveNew(new Recording(0, null, root.resolve("gone-" + i + ".wav").toAbsolutePath().toString(), 500,
                    1000, "00", "ok", 1));
        }
        assertThat(indexer.reconcile()).containsEntry("missingFound", n);
        assertThat(recordings.all()).filteredOn(r -> "missing".equals(r.status())).hasSize(n);
        assertThat(recordings.byPath(kept.toAbsolutePath().toString()).orElseThrow().status()).isEqualTo("ok");
    }

    @Test
    void aRecordingPathOutsideTheFolderIsRefusedAndNoRowPointsThere() throws Exception {
        Path outside = Files.createDirectories(dir.resolve("outside"));
        Path planted = outside.resolve("1700000000.6.wav");
        Files.write(planted, WavInfoTest.wav(8000, true));
        CallRecord a = endedCall("1700000000.5");
        CallRecord b = endedCall("1700000000.6");
        CallRecord c = endedCall("1700000000.7");
        // c's own file is where the dialplan writes it: found by its linkedid once the given path is refused
        Files.write(root.resolve("1700000000.7.wav"), WavInfoTest.wav(8000, true));
        indexer.callEnded(a, "/etc/passwd");
        indexer.callEnded(b, dir.resolve("recordings") + "/../outside/1700000000.6.wav");
        indexer.callEnded(c, planted.toString());

        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() ->
                calls.timeline(a.id()).stream().anyMatch(e -> e.type().equals("recording-missing"))
                        && calls.timeline(b.id()).stream().anyMatch(e -> e.type().equals("recording-missing"))
                        && calls.get(c.id()).orElseThrow().recordingId() != null);
        for (CallRecord call : java.util.List.of(a, b, c)) {
            assertThat(calls.timeline(call.id())).anyMatch(e -> e.type().equals("recording-path-refused"));
        }
        // a and b: reported missing (a row in the folder, where the file should have been), never the path given
        for (CallRecord call : java.util.List.of(a, b)) {
            Recording r = recordings.byCall(call.id()).orElseThrow();
            assertThat(r.status()).isEqualTo("missing");
            assertThat(Path.of(r.path())).startsWithRaw(dir.resolve("recordings"));
        }
        assertThat(recordings.get(calls.get(c.id()).orElseThrow().recordingId()).orElseThrow().path())
                .isEqualTo(root.resolve("1700000000.7.wav").toAbsolutePath().toString());
        assertThat(recordings.all()).allSatisfy(r -> assertThat(Path.of(r.path())).startsWithRaw(dir.resolve("recordings")));
    }

    /** Issue 6: a full disk leaves no file, an empty one or a bare header; each is reported, never silently absent. */
    @Test
    void aRecordingThatNeverAppearedOrHoldsNoAudioIsReportedOnTheCallAndToSupervisors() throws Exception {
        onekey.events.EventHub hub = new onekey.events.EventHub(100);
        java.util.List<onekey.events.Event> alerts = new java.util.concurrent.CopyOnWriteArrayList<>();
        hub.subscribe(id -> true, true, -1, alerts::add);
        try (RecordingIndexer withAlerts = new RecordingIndexer(dir.resolve("recordings"), recordings, calls, hub)) {
            CallRecord absent = endedCall("1700000000.7");
            withAlerts.index(absent, root.resolve("1700000000.7.wav"), 300);
            CallRecord zero = endedCall("1700000000.8");
            Path zeroFile = Files.write(root.resolve("1700000000.8.wav"), new byte[0]);
            withAlerts.index(zero, zeroFile, 300);
            CallRecord headerOnly = endedCall("1700000000.9");
            Path headerFile = Files.write(root.resolve("1700000000.9.wav"), WavInfoTest.wav(0, true));
            withAlerts.index(headerOnly, headerFile, 300);

            assertThat(recordings.byCall(absent.id()).orElseThrow().status()).isEqualTo("missing");
            assertThat(recordings.byCall(zero.id()).orElseThrow().status()).isEqualTo("empty");
            assertThat(recordings.byCall(headerOnly.id()).orElseThrow().status()).isEqualTo("empty");
            for (CallRecord c : java.util.List.of(absent, zero, headerOnly)) {
                assertThat(calls.get(c.id()).orElseThrow().recordingId()).isEqualTo(recordings.byCall(c.id()).orElseThrow().id());
                assertThat(calls.timeline(c.id())).anyMatch(e -> e.type().equals("recording-missing"))
                        .noneMatch(e -> e.type().equals("recorded"));
            }
            assertThat(alerts).hasSize(3).allSatisfy(e -> {
                assertThat(EventViews.type(e)).isEqualTo("system.alert");
                assertThat(EventViews.body(e)).containsEntry("kind", "recording-missing");
            });
            assertThat(EventViews.body(alerts.get(0))).containsEntry("callId", absent.id()).containsEntry("status", "missing");
            assertThat(withAlerts.metrics()).containsEntry("missingOrEmpty", 3L);
        }
    }
}
