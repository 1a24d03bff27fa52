package onekey.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import onekey.testkit.Api;

/**
 * Polls GET /api/health every 200 ms, or as often as it is told (1 s timeout), and keeps what the database-slowed run reports from its
 * {@code "journal": {"pending", "oldestPendingMs", "written", "failures"}} object: the maxima, the last values, and
 * when pending was last seen going back to 0.
 */
final class HealthPoller implements AutoCloseable {

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    private final HttpRequest request;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "health-poller");
        t.setDaemon(true);
        return t;
    });
    private int polls;
    private int answered;
    private boolean sawJournal;
    private long maxPending;
    private long maxOldestPendingMs;
    private JsonNode lastJournal;
    /** Wall-clock time of the latest poll that saw pending == 0 after a poll that saw it above 0 (or the first 0). */
    private Long zeroSince;

    HealthPoller(int httpPort) {
        this(httpPort, 200);
    }

    /**
     * Polling every {@code periodMs}. The surge bench polls once a second (issue 23: at 200 ms its polls were 6 % of the
     * cti-server's samples it measures) and takes the maxima from the journal's own figures.
     */
    HealthPoller(int httpPort, long periodMs) {
        request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/api/health"))
                .timeout(Duration.ofSeconds(1)).GET().build();
        timer.scheduleAtFixedRate(this::poll, 0, periodMs, TimeUnit.MILLISECONDS);
    }

    private void poll() {
        JsonNode journal = null;
        boolean ok = false;
        try {
            HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
            ok = true;
            journal = Api.JSON.readTree(r.body()).get("journal");
        } catch (Exception e) {
            // no answer within the timeout (or not JSON): counted as unanswered
        }
        long now = System.currentTimeMillis();
        synchronized (this) {
            polls++;
            if (ok) {
                answered++;
            }
            if (journal != null && journal.isObject()) {
                sawJournal = true;
                lastJournal = journal;
                long pending = journal.path("pending").asLong();
                maxPending = Math.max(maxPending, pending);
                maxOldestPendingMs = Math.max(maxOldestPendingMs, journal.path("oldestPendingMs").asLong());
                if (pending > 0) {
                    zeroSince = null;
                } else if (zeroSince == null) {
                    zeroSince = now;
                }
            }
        }
    }

    synchronized boolean sawJournal() {
        return sawJournal;
    }

    /** When pending became (and stayed) 0, if that happened at or after {@code since} — else null. */
    synchronized Long lastPendingZeroAfter(long since) {
        if (zeroSince == null) {
            return null;
        }
        return Math.max(zeroSince, since);
    }

    synchronized long maxPending() {
        return maxPending;
    }

    synchronized long maxOldestPendingMs() {
        return maxOldestPendingMs;
    }

    synchronized long last(String field) {
        return lastJournal == null ? -1 : lastJournal.path(field).asLong();
    }

    synchronized int polls() {
        return polls;
    }

    synchronized int answered() {
        return answered;
    }

    @Override
    public void close() {
        timer.shutdownNow();
        try {
            timer.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        http.close();
    }
}
