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
