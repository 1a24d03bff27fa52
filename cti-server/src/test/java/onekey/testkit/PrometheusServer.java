package onekey.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;

/**
 * A private Prometheus (Debian's {@code prometheus} package) for a test: its own folder, a free loopback port, one scrape
 * job for a cti-server's {@code /metrics} every second (HTTPS trusting the test's certificate, or plain HTTP), queried
 * through its HTTP API. {@link #close()} stops it and removes its folder.
 */
public final class PrometheusServer implements AutoCloseable {

    public final int port;
    private final Path dir;
    private final Process process;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    /**
     * Starts Prometheus scraping {@code 127.0.0.1:targetPort/metrics}: over HTTPS trusting {@code caFile} when it is
     * given, else plain HTTP; returns once it answers {@code /-/ready}.
     */
    public static PrometheusServer scraping(int targetPort, Path caFile) {
        Proc.require("prometheus");
        return new PrometheusServer(targetPort, caFile);
    }

    private PrometheusServer(int targetPort, Path caFile) {
        this.port = Ports.free();
        try {
            this.dir = Files.createTempDirectory("okprom");
            String tls = caFile == null ? "" : """
                        scheme: https
                        tls_config:
                          ca_file: %s
                    """.formatted(caFile.toAbsolutePath());
            Files.writeString(dir.resolve("prometheus.yml"), """
                    global:
                      scrape_interval: 1s
                      scrape_timeout: 1s
                    scrape_configs:
                      - job_name: onekey
                        metrics_path: /metrics
                    %s    static_configs:
                          - targets: ['127.0.0.1:%d']
                    """.formatted(tls, targetPort));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        this.process = Proc.start(List.of("prometheus", "--config.file=" + dir.resolve("prometheus.yml"),
                "--storage.tsdb.path=" + dir.resolve("data"), "--web.listen-address=127.0.0.1:" + port,
                "--log.level=warn"), dir, Map.of(), dir.resolve("prometheus.log"));
        try {
            Awaitility.await("prometheus ready on port " + port).atMost(Duration.ofSeconds(20))
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> {
                        if (!process.isAlive()) {
                            throw new IllegalStateException("prometheus exited " + process.exitValue() + ":\n" + log());
                        }
                        return get("/-/ready").statusCode() == 200;
                    });
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    private HttpResponse<String> get(String pathAndQuery) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + pathAndQuery))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            return new Unreachable(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The result vector of an instant query ({@code /api/v1/query}); throws when Prometheus reports an error. */
    public JsonNode query(String promql) {
        HttpResponse<String> r = get("/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
        try {
            JsonNode n = Api.JSON.readTree(r.body());
            if (!"success".equals(n.path("status").asText())) {
                throw new IllegalStateException("query " + promql + " failed: " + r.body());
            }
            return n.path("data").path("result");
        } catch (IOException e) {
            throw new IllegalStateException("query " + promql + ": " + r.statusCode() + " " + r.body(), e);
        }
    }

    /** The single value of an instant query; null when the result is empty (no such series scraped yet). */
    public Double value(String promql) {
        JsonNode result = query(promql);
        if (result.isEmpty()) {
            return null;
        }
        if (result.size() > 1) {
            throw new IllegalStateException(promql + " gave " + result.size() + " series: " + result);
        }
        return Double.valueOf(result.get(0).path("value").get(1).asText());
    }

    /** The scrape targets as Prometheus sees them ({@code /api/v1/targets}: health, lastError, scrapeUrl). */
    public JsonNode targets() {
        try {
            return Api.JSON.readTree(get("/api/v1/targets").body()).path("data").path("activeTargets");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public String log() {
        return Proc.tail(dir.resolve("prometheus.log"));
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        http.close();
        AsteriskInstance.deleteTree(dir);
    }

    /** A connection that failed, as a response no test will take for a good one. */
    private record Unreachable(IOException cause) implements HttpResponse<String> {
        @Override
        public int statusCode() {
            return 0;
        }

        @Override
        public HttpRequest request() {
            return null;
        }

        @Override
        public java.util.Optional<HttpResponse<String>> previousResponse() {
            return java.util.Optional.empty();
        }

        @Override
        public java.net.http.HttpHeaders headers() {
            return java.net.http.HttpHeaders.of(Map.of(), (a, b) -> true);
        }

        @Override
        public String body() {
            return "unreachable: " + cause;
        }

        @Override
        public java.util.Optional<javax.net.ssl.SSLSession> sslSession() {
            return java.util.Optional.empty();
        }

        @Override
        public URI uri() {
            return null;
        }

        @Override
        public HttpClient.Version version() {
            return HttpClient.Version.HTTP_1_1;
        }
    }
}
