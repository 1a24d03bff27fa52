package onekey.recording;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import onekey.auth.AuditLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The retention policy for recordings (issue 6: "a retention policy, default 180 days, removes old files and
 * marks their rows"). Every run deletes the audio file of each recording older than {@code retentionDays}
 * that is not on hold, and marks its row removed; the row itself stays, so the call history keeps its
 * recording's duration, checksum and the date it was removed. Each removal leaves an audit row by the system
 * (action {@code recording.remove}), each run one more ({@code recording.retention}) with its counts.
 *
 * <p>Only files inside the recordings folder are ever deleted: a row whose path points elsewhere is marked
 * removed (it may no longer be played) but its file is left where it is, and that is logged.
 */
public final class RecordingRetention implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RecordingRetention.class);
    private static final int BATCH = 500;
    static final String REASON = "retention";

    private final RecordingRepository recordings;
    private final AuditLog audit;
    private final Path root;
    private final int retentionDays;
    private final Clock clock;
    private final ScheduledExecutorService timer =
            Executors.newSingleThreadScheduledExecutor(Thread.ofVirtual().name("recording-retention").factory());
    private volatile Map<String, Object> lastRun = Map.of("ranAt", 0L);

    public RecordingRetention(RecordingRepository recordings, AuditLog audit, Path root, int retentionDays, Clock clock) {
        if (retentionDays < 1) {
            throw new IllegalArgumentException("retentionDays must be at least 1, was " + retentionDays);
        }
        this.recordings = recordings;
        this.audit = audit;
        this.root = root.toAbsolutePath().normalize();
        this.retentionDays = retentionDays;
        this.clock = clock;
    }

    /** Runs now and then every {@code everyMinutes}. */
    public void start(int everyMinutes) {
        timer.scheduleWithFixedDelay(this::runQuietly, 0, everyMinutes, TimeUnit.MINUTES);
    }

    private void runQuietly() {
        try {
            run();
        } catch (RuntimeException e) {
            log.error("recording retention run failed (retried at the next run): {}", e.toString());
        }
    }

    /** One pass of the policy; returns its counts (also kept for {@link #metrics()}). */
    public synchronized Map<String, Object> run() {
        long now = clock.millis();
        long cutoff = now - retentionDays * 86_400_000L;
        int removed = 0;
        int alreadyGone = 0;
        int leftOutside = 0;
        int failed = 0;
        Set<Long> failedIds = new HashSet<>();
        while (true) {
            List<Recording> batch = recordings.expired(cutoff, BATCH + failedIds.size());
            List<Recording> todo = batch.stream().filter(r -> !failedIds.contains(r.id())).toList();
            if (todo.isEmpty()) {
                break;
            }
            for (Recording r : todo) {
                // the row first, conditionally: a hold placed since the list was read wins, and nothing is deleted
                if (!recordings.markRemoved(r.id(), now, REASON)) {
                    continue;
                }
                Path file = Path.of(r.path()).toAbsolutePath().normalize();
                String outcome;
                if (!file.startsWith(root)) {
                    outcome = "file outside the recordings folder left in place";
                    leftOutside++;
                    log.error("recording={} call={} removed by retention, but its file is outside {}: left in place",
                            r.id(), r.callId(), root);
                } else {
                    try {
                        outcome = Files.deleteIfExists(file) ? "file deleted" : "file was already gone";
                        if (outcome.equals("file deleted")) {
                            removed++;
                        } else {
                            alreadyGone++;
                        }
                    } catch (IOException | SecurityException e) {
                        // the file is still there: the row must not claim otherwise
                        recordings.unmarkRemoved(r.id(), r.status());
                        failedIds.add(r.id());
                        failed++;
                        log.error("recording={} call={} not removed: {}", r.id(), r.callId(), e.toString());
                        continue;
                    }
                }
                audit.recordOnce("retention:" + r.id(), now, null, "system", "recording.remove", "recording",
                        Long.toString(r.id()), "call=" + r.callId() + " createdAt=" + day(r.createdAt())
                                + " policyDays=" + retentionDays + " " + outcome);
            }
            if (batch.size() < BATCH + failedIds.size()) {
                break;
            }
        }
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("ranAt", now);
        report.put("retentionDays", retentionDays);
        report.put("cutoff", cutoff);
        report.put("removed", removed);
        report.put("alreadyGone", alreadyGone);
        report.put("leftOutsideFolder", leftOutside);
        report.put("failed", failed);
        lastRun = report;
        int total = removed + alreadyGone + leftOutside + failed;
        if (total > 0) {
            audit.recordOnce("retention-run:" + now, now, null, "system", "recording.retention", "recordings", "retention",
                    "policyDays=" + retentionDays + " cutoff=" + day(cutoff) + " removed=" + removed + " alreadyGone="
                            + alreadyGone + " leftOutsideFolder=" + leftOutside + " failed=" + failed);
        }
        log.info("recording retention policyDays={} removed={} alreadyGone={} leftOutsideFolder={} failed={}",
                retentionDays, removed, alreadyGone, leftOutside, failed);
        return report;
    }

    static String day(long epochMs) {
        return Instant.ofEpochMilli(epochMs).atZone(ZoneOffset.UTC).toLocalDate().toString();
    }

    public Map<String, Object> metrics() {
        return lastRun;
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
