package onekey.recording;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import onekey.auth.AuditEntry;
import onekey.auth.JooqAuditLog;
import onekey.calls.CallRecord;
import onekey.calls.JooqCallRepository;
import onekey.lines.Service;
import onekey.store.Database;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 6, test 6 (first half): the retention policy removes a recording older than the policy and keeps one
 * on hold, on a real (embedded H2) database migrated with V4 and real files; the clock is injected.
 */
class RecordingRetentionTest {

    static final Instant NOW = Instant.parse("2026-11-24T03:00:00Z");
    static final long DAY = Duration.ofDays(1).toMillis();

    @TempDir
    Path dir;
    Database db;
    JooqCallRepository calls;
    JooqRecordingRepository recordings;
    JooqAuditLog audit;
    Path root;
    RecordingRetention retention;

    @BeforeEach
    void setUp() throws Exception {
        db = onekey.testkit.H2Template.open(dir.resolve("db"), "onekey", 2);
        calls = new JooqCallRepository(db);
        recordings = new JooqRecordingRepository(db);
        audit = new JooqAuditLog(db);
        root = Files.createDirectories(dir.resolve("recordings"));
        retention = new RecordingRetention(recordings, audit, root, 180, Clock.fixed(NOW, ZoneOffset.UTC));
    }

    @AfterEach
    void tearDown() {
        retention.close();
        db.close();
    }

    /** A call and its recording file, created {@code daysAgo} before NOW. */
    private Recording recorded(String linkedid, long daysAgo) throws Exception {
        long at = NOW.toEpochMilli() - daysAgo * DAY;
        CallRecord call = calls.insertIfAbsent(new CallRecord(0, linkedid, "PJSIP/trunk-1", "02155550001", "1234901",
                Service.SOS, 10, null, null, null, at, at + 100, at + 1000, at + 5000, 1000L, 4000L, onekey.calls.CallOutcome.COMPLETED, null, null,
                false, null));
        Path f = Files.createDirectories(root.resolve("2026/05/01")).resolve(linkedid + ".wav");
        Files.write(f, WavInfoTest.wav(16000, true));
        Recording r = recordings.save(new Recording(0, call.id(), f.toString(), 1000, Files.size(f), "abc", "ok", at + 6000));
        calls.setRecording(call.id(), r.id());
        return r;
    }

    @Test
    void removesAnOldRecordingKeepsOneOnHoldAndARecentOne() throws Exception {
        Recording old = recorded("1700000000.1", 200);
        Recording held = recorded("1700000000.2", 400);
        Recording recent = recorded("1700000000.3", 30);
        Recording edge = recorded("1700000000.4", 179);
        assertThat(recordings.setHold(held.id(), true, "sup", NOW.toEpochMilli() - 300 * DAY, "complaint 2026-118")).isTrue();

        Map<String, Object> report = retention.run();

        assertThat(report).containsEntry("removed", 1).containsEntry("failed", 0);
        // the old one: file gone from disk, the row kept and marked, still linked to its call
        assertThat(Path.of(old.path())).doesNotExist();
        Recording oldNow = recordings.get(old.id()).orElseThrow();
        assertThat(oldNow.removedAt()).isEqualTo(NOW.toEpochMilli());
        assertThat(oldNow.removedReason()).isEqualTo("retention");
        assertThat(oldNow.status()).isEqualTo("removed");
        assertThat(oldNow.sha256()).isEqualTo("abc");
        assertThat(calls.get(old.callId()).orElseThrow().recordingId()).isEqualTo(old.id());
        // on hold: older still, but kept, with who and why
        assertThat(Path.of(held.path())).exists();
        Recording heldNow = recordings.get(held.id()).orElseThrow();
        assertThat(heldNow.removed()).isFalse();
        assertThat(heldNow.onHold()).isTrue();
        assertThat(heldNow.holdBy()).isEqualTo("sup");
        assertThat(heldNow.holdReason()).isEqualTo("complaint 2026-118");
        // younger than the policy
        assertThat(Path.of(recent.path())).exists();
        assertThat(Path.of(edge.path())).exists();
        assertThat(recordings.get(recent.id()).orElseThrow().removed()).isFalse();

        // audited by the system: one row per removed file and one for the run
        assertThat(audit.recent("recording", Long.toString(old.id()), 10))
                .singleElement()
                .satisfies(a -> {
                    assertThat(a.action()).isEqualTo("recording.remove");
                    assertThat(a.username()).isEqualTo("system");
                    assertThat(a.accountId()).isNull();
                    assertThat(a.detail()).contains("policyDays=180", "file deleted");
                });
        assertThat(audit.recent("recording", Long.toString(held.id()), 10)).isEmpty();
        assertThat(audit.recent("recordings", "retention", 10)).extracting(AuditEntry::detail)
                .singleElement().asString().contains("removed=1");

        // a second run has nothing to do and writes no audit row
        assertThat(retention.run()).containsEntry("removed", 0);
        assertThat(audit.recent("recordings", "retention", 10)).hasSize(1);

        // released from hold, the held one goes at the next run
        recordings.setHold(held.id(), false, "sup", NOW.toEpochMilli(), null);
        assertThat(recordings.get(held.id()).orElseThrow().holdBy()).isNull();
        assertThat(retention.run()).containsEntry("removed", 1);
        assertThat(Path.of(held.path())).doesNotExist();
        assertThat(recordings.get(held.id()).orElseThrow().removed()).isTrue();
    }

    @Test
    void aHoldPlacedAfterTheListWasReadWinsAndARemovedRecordingCannotComeBack() throws Exception {
        Recording r = recorded("1700000000.5", 365);
        assertThat(recordings.expired(NOW.toEpochMilli() - 180 * DAY, 10)).extracting(Recording::id).containsExactly(r.id());
        recordings.setHold(r.id(), true, "sup", NOW.toEpochMilli(), "inquiry");
        // the conditional update refuses: the file must stay
        assertThat(recordings.markRemoved(r.id(), NOW.toEpochMilli(), "retention")).isFalse();
        assertThat(retention.run()).containsEntry("removed", 0);
        assertThat(Path.of(r.path())).exists();
    }

    @Test
    void aFileOutsideTheRecordingsFolderIsNeverDeleted() throws Exception {
        Path outside = Files.write(dir.resolve("not-a-recording.wav"), WavInfoTest.wav(800, true));
        long at = NOW.toEpochMilli() - 365 * DAY;
        Recording r = recordings.save(new Recording(0, null, outside.toString(), 100, Files.size(outside), null, "orphan", at));
        Map<String, Object> report = retention.run();
        assertThat(report).containsEntry("leftOutsideFolder", 1).containsEntry("removed", 0);
        assertThat(outside).exists();
        assertThat(recordings.get(r.id()).orElseThrow().removed()).isTrue();
    }

    @Test
    void aFileAlreadyGoneIsMarkedRemovedToo() throws Exception {
        Recording r = recorded("1700000000.6", 190);
        Files.delete(Path.of(r.path()));
        assertThat(retention.run()).containsEntry("alreadyGone", 1);
        assertThat(recordings.get(r.id()).orElseThrow().removedReason()).isEqualTo("retention");
    }
}
