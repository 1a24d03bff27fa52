package onekey.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import onekey.testkit.AsteriskInstance;
import onekey.testkit.KamailioInstance;
import onekey.testkit.Ports;
import onekey.testkit.Sipp;
import onekey.testkit.Stack;
import onekey.testkit.Ws;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Two Asterisk nodes behind Kamailio and one cti-server (issue 25), all real: Kamailio on 127.0.0.1, node n1 on
 * 127.0.0.2 and n2 on 127.0.0.3 (private instances rendered as the demo renders them), sipp as the elders' phones
 * (through Kamailio, as from the trunk) and as the agents' phones (registered once, with Kamailio), WebSocket
 * clients as the agents' screens. One Kamailio, two Asterisks and one cti-server for the whole class.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class NodesIT {

    static Stack stack;
    static AsteriskInstance n1;
    static AsteriskInstance n2;
    static KamailioInstance kam;
    static Path links;
    static Sipp.AgentPhone phone1;
    static Sipp.AgentPhone phone2;
    static Ws ws1;
    static Ws ws2;
    static String token1;
    static String adminToken;
    /** A supervisor's screen: sees every call's events (queued, offered, ended). */
    static Ws desk;

    @BeforeAll
    void up() throws Exception {
        stack = new Stack();
        n1 = stack.asterisk;
        int sipPort = Ports.free(); // the same port on each node's own loopback address
        n1.with("ONEKEY_BIND", "127.0.0.2").with("ONEKEY_SIP_PORT", String.valueOf(sipPort)).with("ONEKEY_SYSTEM_NAME", "n1");
        n2 = new AsteriskInstance(n1.agiPort).with("ONEKEY_BIND", "127.0.0.3").with("ONEKEY_SIP_PORT", String.valueOf(sipPort))
                .with("ONEKEY_SYSTEM_NAME", "n2").with("ONEKEY_AMI_SECRET", n1.amiSecret())
                .with("ONEKEY_TRUNK_PORT", String.valueOf(n1.trunkPort()))
                .with("ONEKEY_RECORDINGS_DIR", n1.recordings().toString());
        kam = new KamailioInstance(List.of("127.0.0.2:" + sipPort, "127.0.0.3:" + sipPort));
        // each node's pjsip.agents.conf by the node's name (asterisk.agentsConf with {node})
        links = Files.createTempDirectory(Path.of("/tmp"), "oknodes");
        Files.createSymbolicLink(links.resolve("n1"), n1.rundir);
        Files.createSymbolicLink(links.resolve("n2"), n2.rundir);
        CompletableFuture<Void> second = CompletableFuture.runAsync(n2::start);
        n1.start();
        second.join();
        kam.start();
        stack.with("ONEKEY_NODES_LIST", "n1=127.0.0.1:" + n1.amiPort + ",n2=127.0.0.1:" + n2.amiPort)
                .with("ONEKEY_ASTERISK_AGENTSCONF", links + "/{node}/etc/asterisk/pjsip.agents.conf")
                .with("ONEKEY_NODES_PROXY", kam.address())
                .with("ONEKEY_NODES_SUBSCRIBERS", kam.subscribers().toString())
                .with("ONEKEY_NODES_DEADAFTERMS", "1500")
                .with("ONEKEY_ASTERISK_SIPPORT", String.valueOf(kam.port))
                .startServer();
        Awaitility.await("both nodes connected").atMost(Duration.ofSeconds(20))
                .until(() -> nodeState("n1").equals("up") && nodeState("n2").equals("up"));
        // the agents' phones register once, with Kamailio (digest checked against the table OneKey wrote)
        phone1 = new Sipp.AgentPhone(kam.port, "1001", stack.sipSecret("1001"), 300);
        phone2 = new Sipp.AgentPhone(kam.port, "1002", stack.sipSecret("1002"), 300);
        token1 = stack.api.login("1001", "agent1001");
        ws1 = new Ws(stack.server.apiPort(), token1);
        ws2 = new Ws(stack.server.apiPort(), stack.api.login("1002", "agent1002"));
        adminToken = stack.api.login("admin", Stack.ADMIN_PASSWORD);
        desk = new Ws(stack.server.apiPort(), adminToken);
        ws1.await("hello", 10);
        ws2.await("hello", 10);
        desk.await("hello", 10);
    }

    @AfterAll
    void down() {
        for (AutoCloseable c : new AutoCloseable[] {ws1, ws2, desk, phone1, phone2}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception ignored) {
                // best effort
            }
        }
        try {
            if (stack != null) {
                stack.close(); // the server, then n1
            }
        } finally {
            if (n2 != null) {
                n2.close();
            }
            if (kam != null) {
                kam.close();
            }
            if (links != null) {
                try {
                    Files.deleteIfExists(links.resolve("n1"));
                    Files.deleteIfExists(links.resolve("n2"));
                    Files.deleteIfExists(links);
                } catch (java.io.IOException ignored) {
                    // a temp folder of two links
                }
            }
        }
    }

    private static String nodeState(String node) {
        return stack.api.get("/api/health", null).json().path("asterisk").path("nodes").path(node).path("state").asText();
    }

    private static void ready(Ws ws, String ext) {
        ws.send("{\"type\":\"agent.ready\"}");
        ws.await("agent.state", j -> j.path("agent").path("extension").asText(ext).equals(ext)
                && j.path("agent").path("state").asText().equals("ready"), 10);
        for (AsteriskInstance n : List.of(n1, n2)) {
            Awaitility.await("member " + ext + " idle on " + n.rundir).atMost(Duration.ofSeconds(10))
                    .until(() -> memberLine(n, ext).contains("Not in use") && !memberLine(n, ext).contains("paused"));
        }
    }

    private static void pause(Ws ws, String ext) {
        ws.send("{\"type\":\"agent.pause\",\"reason\":\"break\"}");
        for (AsteriskInstance n : List.of(n1, n2)) {
            Awaitility.await("member " + ext + " paused on " + n.rundir).atMost(Duration.ofSeconds(10))
                    .until(() -> memberLine(n, ext).contains("paused"));
        }
    }

    /** The line of "queue show onekey" for the agent's phone on that node ("" when it is no member there). */
    static String memberLine(AsteriskInstance n, String ext) {
        return n.cli("queue show onekey").lines().filter(l -> l.contains("PJSIP/" + ext)).findFirst().orElse("");
    }

    private static JsonNode call(long id) {
        return stack.api.get("/api/calls/" + id, adminToken).json();
    }

    /** Test 1: calls from the trunk through Kamailio land on both nodes and reach agents registered once. */
    @Test
    @Order(1)
    void callsLandOnBothNodesAndReachAgentsRegisteredOnce() {
        ready(ws1, "1001");
        ready(ws2, "1002");
        int before1 = phone1.successfulCalls();
        int before2 = phone2.successfulCalls();
        List<Sipp.Caller> callers = new ArrayList<>();
        try {
            callers.add(new Sipp.Caller(kam.port, "02155550001", "1234901", 3000));
            callers.add(new Sipp.Caller(kam.port, "02155550002", "1234901", 3000));
            for (Sipp.Caller c : callers) {
                assertThat(c.await(40)).as(c.log()).isZero();
            }
        } finally {
            callers.forEach(Sipp.Caller::close);
        }
        // a pop for each call, on the screen of the agent whose phone rang; one call on each node
        List<JsonNode> offered = new ArrayList<>();
        Awaitility.await("two pops").atMost(Duration.ofSeconds(10)).until(() -> {
            offered.clear();
            for (Ws ws : List.of(ws1, ws2)) {
                ws.frames().stream().filter(f -> f.json().path("type").asText().equals("call.offered"))
                        .forEach(f -> offered.add(f.json()));
            }
            return offered.size() == 2;
        });
        List<String> nodes = offered.stream().map(j -> j.path("call").path("linkedid").asText().split("-")[0]).sorted().toList();
        assertThat(nodes).containsExactly("n1", "n2");
        assertThat(offered).allSatisfy(j -> {
            assertThat(j.path("registered").asBoolean()).isTrue();
            assertThat(j.path("call").path("line").asText()).isEqualTo("sos");
        });
        assertThat(offered.stream().map(j -> j.path("elder").path("name").asText()).sorted().toList())
                .containsExactlyInAnyOrder("张桂英", "王德明");
        // each call's row: answered by an agent, ended as completed, the linkedid of its node
        for (JsonNode o : offered) {
            long id = o.path("call").path("id").asLong();
            Awaitility.await("call " + id + " completed").atMost(Duration.ofSeconds(20))
                    .until(() -> call(id).path("outcome").asText().equals("completed"));
            JsonNode row = call(id);
            assertThat(row.path("agent").asText()).isIn("1001", "1002");
            assertThat(row.path("answeredAt").asLong()).isPositive();
            assertThat(row.path("linkedid").asText()).isEqualTo(o.path("call").path("linkedid").asText());
        }
        // the agents' phones (registered only with Kamailio) took the two calls
        Awaitility.await("agents' phones answered").atMost(Duration.ofSeconds(10))
                .until(() -> phone1.successfulCalls() - before1 + phone2.successfulCalls() - before2 == 2);
        // Kamailio sent one call to each node
        assertThat(kam.fullLog()).contains("to node sip:127.0.0.2:", "to node sip:127.0.0.3:");
    }

    /** Test 4: an agent talking on a call on one node is not offered a call from the other node. */
    @Test
    @Order(2)
    void anAgentBusyOnOneNodeIsNotOfferedACallFromTheOther() {
        pause(ws2, "1002");
        ready(ws1, "1001");
        long mark = System.currentTimeMillis();
        try (Sipp.Caller first = new Sipp.Caller(kam.port, "02155550003", "1234901", 4000)) {
            JsonNode a = ws1.await("call.answered", j -> j.path("call").path("arrivedAt").asLong() >= mark - 1000, 20).json();
            String nodeA = a.path("call").path("linkedid").asText().split("-")[0];
            AsteriskInstance other = nodeA.equals("n1") ? n2 : n1;
            // the agent's phone is busy on node A: paused on the other node, with the reason saying so
            Awaitility.await("1001 paused on the other node").atMost(Duration.ofSeconds(5))
                    .until(() -> memberLine(other, "1001").contains("paused"));
            assertThat(other.cli("queue show onekey")).contains("busy on " + nodeA);
            // Asterisk answers an elder's call at once: the second elder stays on the line 8 s, waiting in the queue
            try (Sipp.Caller second = new Sipp.Caller(kam.port, "02155550004", "1234901", 8000)) {
                // the second call lands on the other node (round robin) and waits: no pop while 1001 talks
                Ws.Frame queued = desk.await("call.queued", j -> !j.path("call").path("linkedid").asText().startsWith(nodeA)
                        && j.path("call").path("arrivedAt").asLong() >= mark, 20);
                String linkedB = queued.json().path("call").path("linkedid").asText();
                assertThat(first.await(30)).as(first.log()).isZero();
                Ws.Frame endedA = ws1.await("call.ended", j -> j.path("call").path("linkedid").asText()
                        .equals(a.path("call").path("linkedid").asText()), 20);
                // once free on every node, the agent gets the second call: offered only after the first ended
                Ws.Frame offeredB = ws1.await("call.offered", j -> j.path("call").path("linkedid").asText().equals(linkedB), 30);
                assertThat(offeredB.receivedAt()).isGreaterThanOrEqualTo(endedA.receivedAt());
                assertThat(second.await(40)).as(second.log()).isZero();
            }
        }
        Awaitility.await("1001 unpaused on both nodes").atMost(Duration.ofSeconds(10))
                .until(() -> !memberLine(n1, "1001").contains("paused") && !memberLine(n2, "1001").contains("paused"));
    }

    /** Test 3: a node killed and restarted rejoins Kamailio's dispatcher and OneKey's view, with its queue members. */
    @Test
    @Order(4)
    void aRestartedNodeRejoinsWithItsQueueMembers() {
        ready(ws1, "1001");
        ready(ws2, "1002");
        n2.kill();
        Awaitility.await("n2 dead in OneKey's view").atMost(Duration.ofSeconds(10)).until(() -> nodeState("n2").equals("dead"));
        assertThat(nodeState("n1")).isEqualTo("up");
        JsonNode health = stack.api.get("/api/health", null).json();
        assertThat(health.path("asterisk").path("connected").asBoolean()).isTrue();
        assertThat(health.path("status").asText()).isEqualTo("degraded");
        assertThat(health.path("alerts").toString()).contains("node-down", "n2");
        // a fresh start: no queue members of its own (the persisted ones are removed), no AstDB settings
        Path astdb = n2.rundir.resolve("lib/astdb.sqlite3");
        try {
            Files.deleteIfExists(astdb);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
        n2.start();
        Awaitility.await("n2 up again in OneKey's view").atMost(Duration.ofSeconds(20)).until(() -> nodeState("n2").equals("up"));
        // OneKey put its agents back into n2's queue, and the dialplan's settings into its AstDB
        Awaitility.await("members back on n2").atMost(Duration.ofSeconds(10))
                .until(() -> memberLine(n2, "1001").contains("Not in use") && memberLine(n2, "1002").contains("Not in use"));
        assertThat(n2.cli("database show onekey-line")).contains("1234901");
        // Kamailio's probes took n2 back: new calls reach it again
        long mark = System.currentTimeMillis();
        Awaitility.await("a call lands on n2 again").atMost(Duration.ofSeconds(30)).until(() -> {
            try (Sipp.Caller c = new Sipp.Caller(kam.port, "02155550005", "1234901", 500)) {
                assertThat(c.await(30)).as(c.log()).isZero();
            }
            return List.of(ws1, ws2).stream().flatMap(w -> w.frames().stream())
                    .anyMatch(f -> f.json().path("type").asText().equals("call.offered")
                            && f.json().path("call").path("arrivedAt").asLong() >= mark
                            && f.json().path("call").path("linkedid").asText().startsWith("n2-"));
        });
    }

}
