package onekey.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import onekey.store.Database;
import onekey.testkit.Api;
import onekey.testkit.Ports;
import onekey.testkit.PrometheusServer;
import onekey.testkit.Proc;
import onekey.testkit.ServerProcess;
import onekey.testkit.Sipp;
import onekey.testkit.Stack;
import onekey.testkit.TlsTrust;
import onekey.testkit.Ws;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 6, test 4: with a certificate made as {@code ./onekey demo} makes it, login, REST, the WebSocket (wss)
 * and a screen pop of a real call all work over TLS; clear text to the TLS port gets nothing; plain HTTP on a
 * network address is refused at start unless explicitly allowed.
 */
class TlsApiIT {

    static Path certDir;
    static TlsTrust.Pem pem;
    static Stack stack;

    @BeforeAll
    static void up() throws Exception {
        certDir = Files.createTempDirectory("oktls");
        pem = TlsTrust.demoCertificate(certDir);
        stack = new Stack().withTls(pem.cert(), pem.key()).startAsterisk().startServer();
        Awaitility.await("AMI connected").atMost(Duration.ofSeconds(20))
                .until(() -> stack.api.get("/api/health", null).json().path("asterisk").path("connected").asBoolean());
    }

    @AfterAll
    static void down() {
        if (stack != null) {
            stack.close();
        }
        if (certDir != null) {
            try (var files = Files.walk(certDir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            } catch (java.io.IOException e) {
                // best effort: a temporary folder
            }
        }
    }

    @Test
    void theDemoCertificateIsPrivateAndPkcs8() throws Exception {
        assertThat(Files.readString(pem.key())).startsWith("-----BEGIN PRIVATE KEY-----");
        assertThat(Files.getPosixFilePermissions(pem.key()).toString()).isEqualTo("[OWNER_READ, OWNER_WRITE]");
        assertThat(Files.getPosixFilePermissions(certDir).toString()).doesNotContain("GROUP", "OTHERS");
    }

    @Test
    void loginRestWebSocketAndScreenPopOverTls() {
        assertThat(stack.api.base).startsWith("https://");
        assertThat(stack.server.apiSecure()).isTrue();
        try (Sipp.AgentPhone phone = new Sipp.AgentPhone(stack.asterisk, "1004", stack.sipSecret("1004"), 500)) {
            String token = stack.api.login("1004", "agent1004");
            Api.Reply me = stack.api.get("/api/calls?limit=5", token);
            assertThat(me.status()).as(me.body()).isEqualTo(200);
            assertThat(me.raw().uri().getScheme()).isEqualTo("https");
            assertThat(me.raw().sslSession()).isPresent();
            assertThat(me.raw().sslSession().get().getProtocol()).isIn("TLSv1.3", "TLSv1.2");

            try (Ws ws = new Ws(stack.api, token)) {
                ws.await("hello", 10);
                ws.send("{\"type\":\"agent.ready\"}");
                ws.await("agent.state", j -> j.path("agent").path("state").asText().equals("ready"), 10);
                Awaitility.await("member 1004 idle in queue").atMost(Duration.ofSeconds(10))
                        .until(() -> stack.asterisk.cli("queue show onekey").lines()
                                .anyMatch(l -> l.contains("PJSIP/1004") && l.contains("Not in use")));
                try (Sipp.Caller caller = new Sipp.Caller(stack.asterisk.sipPort, "02155550001", "1234901", 3000)) {
                    Ws.Frame offered = ws.await("call.offered", 30);
                    JsonNode elder = offered.json().path("elder");
                    assertThat(offered.json().path("registered").asBoolean()).isTrue();
                    assertThat(elder.path("phones").toString()).contains("2155550001");
                    assertThat(elder.path("name").asText()).isNotBlank();
                    ws.await("call.answered", 20);
                    assertThat(caller.await(40)).as(caller.log()).isZero();
                    long callId = ws.await("call.ended", 20).json().path("call").path("id").asLong();
                    Api.Reply call = stack.api.get("/api/calls/" + callId, token);
                    assertThat(call.status()).as(call.body()).isEqualTo(200);
                    assertThat(call.json().path("agent").asText()).isEqualTo("1004");
                }
                ws.send("{\"type\":\"agent.logout\"}");
                ws.await("agent.state", j -> j.path("agent").path("state").asText().equals("logged-out"), 10);
            }
        }
    }

    /**
     * Issue 22, test 4: a real Prometheus scrapes /metrics over HTTPS, trusting the demo's certificate as a CA (as
     * docs/operations.md configures it), and its query for the calls answered on the SOS line gives the calls this test
     * made (counted from what Prometheus had before: another test of this class may have called that line first; the
     * SOS line because it queues at once, without a greeting); {@code promtool check metrics} accepts the text.
     */
    @Test
    void aRealPrometheusScrapesMetricsOverTlsAndCountsTheCallsAnswered() throws Exception {
        int calls = 2;
        String answered = "onekey_calls_answered_total{job=\"onekey\",line=\"sos\"}";
        String offered = "onekey_calls_offered_total{line=\"sos\"}";
        String abandoned = "onekey_calls_abandoned_total{line=\"sos\"}";
        try (PrometheusServer prom = PrometheusServer.scraping(stack.server.apiPort(), pem.cert());
             Sipp.AgentPhone phone = new Sipp.AgentPhone(stack.asterisk, "1003", stack.sipSecret("1003"), 300)) {
            Awaitility.await("prometheus scrapes /metrics over https").atMost(Duration.ofSeconds(15))
                    .until(() -> Double.valueOf(1).equals(prom.value("up{job=\"onekey\"}")));
            JsonNode target = prom.targets().get(0);
            assertThat(target.path("scrapeUrl").asText()).startsWith("https://127.0.0.1:" + stack.server.apiPort());
            assertThat(target.path("health").asText()).as(target.toString()).isEqualTo("up");
            // the figures before this test's calls, as Prometheus scraped them after every earlier call had ended
            double answeredBefore = prom.value(answered);
            double offeredBefore = prom.value(offered);
            double abandonedBefore = prom.value(abandoned);

            String token = stack.api.login("1003", "agent1003");
            try (Ws ws = new Ws(stack.api, token)) {
                ws.await("hello", 10);
                ws.send("{\"type\":\"agent.ready\"}");
                ws.await("agent.state", j -> j.path("agent").path("state").asText().equals("ready"), 10);
                Awaitility.await("member 1003 idle in queue").atMost(Duration.ofSeconds(10))
                        .until(() -> stack.asterisk.cli("queue show onekey").lines()
                                .anyMatch(l -> l.contains("PJSIP/1003") && l.contains("Not in use")));
                for (int i = 1; i <= calls; i++) {
                    int n = i;
                    // back from the last call's wrap-up: idle and unpaused in the queue before the next elder calls
                    Awaitility.await("member 1003 ready again").atMost(Duration.ofSeconds(15))
                            .until(() -> stack.asterisk.cli("queue show onekey").lines()
                                    .anyMatch(l -> l.contains("PJSIP/1003") && l.contains("Not in use") && !l.contains("paused")));
                    try (Sipp.Caller caller = new Sipp.Caller(stack.asterisk.sipPort, "0215555000" + (4 + i), "1234901", 2000)) {
                        Awaitility.await("call " + i + " answered at the seat").atMost(Duration.ofSeconds(20))
                                .until(() -> ws.frames().stream()
                                        .filter(f -> f.json().path("type").asText().equals("call.answered")).count() >= n);
                        assertThat(caller.await(40)).as(caller.log()).isZero();
                    }
                    Awaitility.await("call " + i + " ended at the seat").atMost(Duration.ofSeconds(20))
                            .until(() -> ws.frames().stream().filter(f -> f.json().path("type").asText().equals("call.ended"))
                                    .count() >= n);
                }
                // and one elder who gives up: the seat is not ready, the caller hangs up in the queue
                ws.send("{\"type\":\"agent.pause\",\"reason\":\"briefing\"}");
                ws.await("agent.state", j -> j.path("agent").path("state").asText().equals("not-ready"), 10);
                try (Sipp.Caller caller = new Sipp.Caller(stack.asterisk.sipPort, "02155550009", "1234901", 1500)) {
                    assertThat(caller.await(40)).as(caller.log()).isZero();
                }
                ws.send("{\"type\":\"agent.logout\"}");
                ws.await("agent.state", j -> j.path("agent").path("state").asText().equals("logged-out"), 10);
            }
            assertThat(phone.successfulCalls()).isEqualTo(calls);
            Awaitility.await("prometheus counted the answered calls").atMost(Duration.ofSeconds(15))
                    .until(() -> Double.valueOf(answeredBefore + calls).equals(prom.value(answered)));
            Awaitility.await("prometheus counted the abandoned call").atMost(Duration.ofSeconds(15))
                    .until(() -> Double.valueOf(abandonedBefore + 1).equals(prom.value(abandoned)));
            assertThat(prom.value(answered)).isEqualTo(answeredBefore + calls);
            assertThat(prom.value(offered)).isEqualTo(offeredBefore + calls + 1);
            assertThat(prom.value("onekey_pop_latency_seconds_count")).isGreaterThanOrEqualTo(calls);
            assertThat(prom.value("onekey_ami_connected")).isEqualTo(1);
            assertThat(prom.value("count(onekey_agents)")).isEqualTo(onekey.agents.AgentState.values().length);
            assertThat(prom.value("hikaricp_connections{pool=\"onekey-db\"}")).isPositive();
            assertThat(prom.value("sum(jvm_memory_used_bytes{area=\"heap\"})")).isPositive();
        }
        // the text itself passes Prometheus' own lint
        Api.Reply text = stack.api.get("/metrics", null);
        assertThat(text.status()).isEqualTo(200);
        Path scraped = Files.createTempFile(certDir, "metrics", ".txt");
        Files.writeString(scraped, text.body());
        Proc.require("promtool");
        Proc.run(java.util.List.of("bash", "-c", "promtool check metrics < '" + scraped + "'"), certDir, Map.of(), 30);
        // and the alert rules docs/operations.md gives pass promtool's check
        String ops = Files.readString(onekey.testkit.Repo.root().resolve("docs/operations.md"));
        int block = ops.indexOf("```yaml", ops.indexOf("<!-- onekey-rules.yml -->"));
        assertThat(block).isPositive();
        String rules = ops.substring(ops.indexOf('\n', block) + 1, ops.indexOf("```", block + 7));
        assertThat(rules).contains("alert: OneKeyNobodyReady", "alert: OneKeyJournalFailing", "alert: OneKeyRecordingsDiskLow",
                "alert: OneKeyAmiDown");
        Path rulesFile = Files.writeString(certDir.resolve("onekey-rules.yml"), rules);
        assertThat(Proc.run(java.util.List.of("promtool", "check", "rules", rulesFile.toString()), certDir, Map.of(), 30))
                .contains("SUCCESS: 12 rules found");
    }

    @Test
    void clearTextToTheTlsPortGetsNothing() {
        Api plain = new Api(stack.server.apiPort());
        assertThatThrownBy(() -> plain.get("/api/health", null)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> plain.send("POST", "/api/login", null, "{\"username\":\"1004\",\"password\":\"agent1004\"}"))
                .isInstanceOf(IllegalStateException.class);
        String token = stack.api.login("1004", "agent1004");
        assertThatThrownBy(() -> new Ws(stack.server.apiPort(), token)).isInstanceOf(IllegalStateException.class);
        // an https client that does not trust the certificate is refused as well
        Api untrusting = new Api("https://127.0.0.1:" + stack.server.apiPort(), null);
        assertThatThrownBy(() -> untrusting.get("/api/health", null)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void plainHttpOnANetworkAddressIsRefusedAtStart() {
        Map<String, String> env = soloServerEnv();
        env.put("ONEKEY_HTTP_BIND", "0.0.0.0");
        try (ServerProcess server = new ServerProcess(env)) {
            assertThatThrownBy(server::start).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("exited with status 2")
                    .hasMessageContaining("http.bind (ONEKEY_HTTP_BIND) is '0.0.0.0', not a loopback address")
                    .hasMessageContaining("http.tlsCert").hasMessageContaining("http.allowPlaintext=true");
            assertThat(server.alive()).isFalse();
        }
    }

    @Test
    void plainHttpOnANetworkAddressStartsWhenExplicitlyAllowed() {
        Map<String, String> env = soloServerEnv();
        env.put("ONEKEY_HTTP_BIND", "0.0.0.0");
        env.put("ONEKEY_HTTP_ALLOWPLAINTEXT", "true");
        try (ServerProcess server = new ServerProcess(env)) {
            server.start();
            assertThat(server.healthStatus(Duration.ofSeconds(5))).isIn(200, 503);
            assertThat(server.output()).contains("api.started host=0.0.0.0").contains("scheme=http")
                    .contains("PLAIN HTTP on a network address");
        }
    }

    /** A cti-server of its own (H2, folders, ports) with no Asterisk behind it: only the API's start matters. */
    private static Map<String, String> soloServerEnv() {
        Path dir;
        try {
            dir = Files.createTempDirectory(certDir, "solo");
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
        Map<String, String> env = new HashMap<>();
        env.put("ONEKEY_HTTP_PORT", String.valueOf(Ports.free()));
        env.put("ONEKEY_AMI_PORT", String.valueOf(Ports.free()));
        env.put("ONEKEY_AGI_PORT", String.valueOf(Ports.free()));
        env.put("ONEKEY_DB_URL", Database.h2FileUrl(dir.resolve("onekey")));
        env.put("ONEKEY_PATHS_RECORDINGS", dir.resolve("recordings").toString());
        env.put("ONEKEY_PATHS_PROMPTS", dir.resolve("prompts").toString());
        env.put("ONEKEY_PATHS_JOURNAL", dir.resolve("journal").toString());
        env.put("ONEKEY_ADMIN_PASSWORD", Stack.ADMIN_PASSWORD);
        return env;
    }
}
