package onekey.recording;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import onekey.events.EventHub;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the free space of the file system that holds the recordings folder (issue 6: "free disk space is
 * watched, an alert is raised below a threshold"). Space is low when the space usable by the server is below
 * {@code minFreeMb}, or below {@code minFreePercent} of the file system's size (0 turns the percent test off);
 * a folder whose free space cannot be read counts as low. While low, {@link #alert()} is what /api/health
 * lists (kind {@code recordings-disk-low}); on each change supervisors get a {@code system.alert} WebSocket
 * event with {@code state} "raised" or "cleared".
 */
public final class RecordingsDiskWatch implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RecordingsDiskWatch.class);
    public static final String KIND = "recordings-disk-low";
    private static final long MB = 1024L * 1024;

    private final Path dir;
    private final long minFreeMb;
    private final int minFreePercent;
    private final RecordingNotifier notifier;
    private final ScheduledExecutorService timer =
            Executors.newSingleThreadScheduledExecutor(Thread.ofVirtual().name("recordings-disk").factory());
    private volatile Map<String, Object> last = Map.of("checkedAt", 0L);
    private volatile Map<String, Object> alert;

    /** What a file system says of its space: usable by this process, and its size (bytes). */
    interface Probe {
        long[] usableAndTotal(Path dir) throws IOException;
    }

    private final Probe probe;

    public RecordingsDiskWatch(Path dir, long minFreeMb, int minFreePercent, EventHub hub) {
        this(dir, minFreeMb, minFreePercent, hub, d -> {
            FileStore store = Files.getFileStore(d);
            return new long[] {store.getUsableSpace(), store.getTotalSpace()};
        });
    }

    RecordingsDiskWatch(Path dir, long minFreeMb, int minFreePercent, EventHub hub, Probe probe) {
        this.probe = probe;
        this.dir = dir;
        this.minFreeMb = minFreeMb;
        this.minFreePercent = minFreePercent;
        this.notifier = new RecordingNotifier(hub);
    }

    /** Checks now and then every {@code everySeconds}. */
    public void start(int everySeconds) {
        timer.scheduleWithFixedDelay(() -> {
            try {
                check();
            } catch (RuntimeException e) {
                log.error("recordings disk check failed: {}", e.toString());
            }
        }, 0, everySeconds, TimeUnit.SECONDS);
    }

    /** One look at the disk; raises or clears the alert when the state changed. */
    public synchronized void check() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("checkedAt", System.currentTimeMillis());
        m.put("minFreeMb", minFreeMb);
        m.put("minFreePercent", minFreePercent);
        String problem;
        try {
            long[] space = probe.usableAndTotal(dir);
            long usable = space[0];
            long total = space[1];
            m.put("freeMb", usable / MB);
            m.put("totalMb", total / MB);
            m.put("freePercent", total == 0 ? 0 : Math.round(usable * 1000.0 / total) / 10.0);
            if (usable < minFreeMb * MB) {
                problem = "recordings disk has " + usable / MB + " MB free, below the minimum of " + minFreeMb + " MB";
            } else if (minFreePercent > 0 && usable * 100 < total * minFreePercent) {
                problem = "recordings disk has " + m.get("freePercent") + " % free, below the minimum of "
                        + minFreePercent + " %";
            } else {
                problem = null;
            }
        } catch (IOException | RuntimeException e) {
            problem = "free space of the recordings folder cannot be read: " + e.getMessage();
        }
        m.put("low", problem != null);
        last = m;
        Map<String, Object> before = alert;
        if (problem != null) {
            Map<String, Object> a = new LinkedHashMap<>();
            a.put("kind", KIND);
            a.put("freeMb", m.get("freeMb"));
            a.put("totalMb", m.get("totalMb"));
            a.put("minFreeMb", minFreeMb);
            a.put("minFreePercent", minFreePercent);
            a.put("message", problem + "; new recordings may be lost (calls still go through)");
            alert = a;
            if (before == null) {
                log.error("recordings disk low dir={} {}", dir, problem);
                publish("raised", a);
            }
        } else {
            alert = null;
            if (before != null) {
                Map<String, Object> a = new LinkedHashMap<>();
                a.put("kind", KIND);
                a.put("freeMb", m.get("freeMb"));
                a.put("totalMb", m.get("totalMb"));
                a.put("message", "recordings disk has space again (" + m.get("freeMb") + " MB free)");
                log.info("recordings disk space back dir={} freeMb={}", dir, m.get("freeMb"));
                publish("cleared", a);
            }
        }
    }

    private void publish(String state, Map<String, Object> a) {
        boolean raised = "raised".equals(state);
        notifier.alert(new RecordingEvents.DiskLow(raised, a.get("freeMb"), a.get("totalMb"),
                raised ? minFreeMb : null, raised ? minFreePercent : null, (String) a.get("message")));
    }

    /** The health alert while space is low. */
    public Optional<Map<String, Object>> alert() {
        return Optional.ofNullable(alert);
    }

    public Map<String, Object> metrics() {
        return last;
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
