package onekey.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The database-slowed run's reading of /api/health "journal", against a stand-in health endpoint. */
class HealthPollerTest {

    private final AtomicReference<String> body = new AtomicReference<>("{\"status\":\"ok\"}");
    private HttpServer http;

    private int serve() throws IOException {
        http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 10);
        http.createContext("/api/health", ex -> {
            byte[] b = body.get().getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, b.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(b);
            }
        });
        http.start();
        return http.getAddress().getPort();
    }

    @AfterEach
    void stop() {
        http.stop(0);
    }

    private static String journal(long pending, long oldest, long written) {
        return "{\"status\":\"ok\",\"journal\":{\"pending\":" + pending + ",\"oldestPendingMs\":" + oldest + ",\"written\":" + written
                + ",\"failures\":0}}";
    }

    @Test
    void noJournalFieldIsReportedAsAbsent() throws IOException {
        try (HealthPoller poll = new HealthPoller(serve())) {
            Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> poll.answered() >= 3);
            assertThat(poll.sawJournal()).isFalse();
        }
    }

    @Test
    void keepsTheMaximaAndWhenPendingWentBackToZero() throws IOException {
        try (HealthPoller poll = new HealthPoller(serve())) {
            body.set(journal(40, 900, 10));
            Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> poll.maxPending() == 40);
            body.set(journal(7, 300, 50));
            Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> poll.last("written") == 50);
            long removedAt = System.currentTimeMillis();
            assertThat(poll.lastPendingZeroAfter(removedAt)).isNull();

            body.set(journal(0, 0, 57));
            Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> poll.lastPendingZeroAfter(removedAt) != null);
            assertThat(poll.lastPendingZeroAfter(removedAt)).isGreaterThanOrEqualTo(removedAt);
            assertThat(poll.sawJournal()).isTrue();
            assertThat(poll.maxPending()).isEqualTo(40);
            assertThat(poll.maxOldestPendingMs()).isEqualTo(900);
        }
    }
}
