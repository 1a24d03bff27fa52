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

    /**
     * Test 2: node n1 killed (kill -9) during a stream of SOS calls. New calls go to n2 (Kamailio's failover and
     * probes; the seconds of refused or delayed calls are measured and printed), none is lost after; every SOS call
     * that was live on n1 is called back through n2, and the elder's phone behind the trunk answers and is put through
     * to a seat (the seat that had the call, if one had it), hearing the seat; OneKey's view of n2 never blinked.
     */
    @Test
    @Order(3)
    void aNodeKilledDuringSosCallsLosesNoCallAndItsEldersAreCalledBack() throws Exception {
        ready(ws1, "1001");
        ready(ws2, "1002");
        long n2Connects = stack.api.get("/api/health", null).json().path("asterisk").path("nodes").path("n2").path("ami")
                .path("connects").asLong();
        List<String> n2States = java.util.Collections.synchronizedList(new ArrayList<>());
        var watching = new java.util.concurrent.atomic.AtomicBoolean(true);
        Thread watcher = Thread.ofVirtual().start(() -> {
            while (watching.get()) {
                n2States.add(nodeState("n2"));
                java.util.concurrent.locks.LockSupport.parkNanos(100_000_000L);
            }
        });
        // the elders' phones behind the trunk: answer the call-backs, say nothing (what the recording holds is the seat)
        try (Sipp.TrunkPhone elders = Sipp.TrunkPhone.silent(n1.trunkPort(), 300)) {
            record Placed(String number, long startedAt, Sipp.Caller caller) {}
            List<Placed> before = new ArrayList<>();
            List<Placed> after = new ArrayList<>();
            try {
                // calls before the kill: at least one answered by a seat and one more on n1
                for (int i = 0; i < 4; i++) {
                    String number = "0216660" + (1000 + i);
                    before.add(new Placed(number, System.currentTimeMillis(), new Sipp.Caller(kam.port, number, "1234901", 8_000)));
                    waitQueued(number);
                }
                Awaitility.await("a seat talks on n1").atMost(Duration.ofSeconds(10)).until(() -> desk.frames().stream()
                        .anyMatch(f -> f.json().path("type").asText().equals("call.answered")
                                && f.json().path("call").path("linkedid").asText().startsWith("n1-")
                                && f.json().path("call").path("callerNumber").asText().startsWith("0216660")));
                long killedAt = System.currentTimeMillis();
                n1.kill();
                // the stream goes on: one call every 300 ms for 6 s
                for (int i = 0; i < 20; i++) {
                    String number = "0216661" + (1000 + i);
                    after.add(new Placed(number, System.currentTimeMillis(), new Sipp.Caller(kam.port, number, "1234901", 1000)));
                    java.util.concurrent.locks.LockSupport.parkNanos(300_000_000L);
                }
                // every call placed after the kill reached OneKey on n2, and its elder's phone saw the whole call
                long refusedUntil = killedAt;
                long maxSetupMs = 0;
                int refused = 0;
                for (Placed p : after) {
                    JsonNode q = waitQueued(p.number()).json().path("call");
                    assertThat(q.path("linkedid").asText()).startsWith("n2-");
                    long setup = q.path("arrivedAt").asLong() - p.startedAt();
                    maxSetupMs = Math.max(maxSetupMs, setup);
                    if (p.caller().await(40) != 0) {
                        refused++;
                        refusedUntil = Math.max(refusedUntil, p.startedAt());
                    }
                }
                System.out.printf("NODES kill -9 of n1: %d calls after it, %d refused (last refused %.1f s after the kill),"
                        + " slowest set-up %d ms (Kamailio's failover to n2)%n", after.size(), refused,
                        (refusedUntil - killedAt) / 1000.0, maxSetupMs);
                // issue 25 target: at most 5 s of refused calls; none lost after that
                assertThat(refusedUntil - killedAt).isLessThanOrEqualTo(5_000);
                assertThat(after.stream().filter(p -> p.startedAt() > killedAt + 5_000).map(p -> p.caller().await(1)))
                        .allMatch(code -> code == 0);

                // the SOS calls live on n1 when it died are called back through n2 and reach a seat
                List<JsonNode> cut = new ArrayList<>();
                for (Placed p : before) {
                    JsonNode q = waitQueued(p.number()).json().path("call");
                    if (q.path("linkedid").asText().startsWith("n1-")) {
                        cut.add(q);
                    }
                }
                assertThat(cut).isNotEmpty();
                var seatsBack = new java.util.concurrent.atomic.AtomicInteger();
                Awaitility.await("call-backs planned").atMost(Duration.ofSeconds(10))
                        .until(() -> stack.server.cutOffCallbacks().planned().size() == cut.size());
                for (JsonNode q : cut) {
                    long callId = q.path("id").asLong();
                    assertThat(stack.server.cutOffCallbacks().planned()).containsEntry(callId, "n1");
                    // the seat that had the call when n1 died (none while it was waiting in the queue)
                    String hadSeat = desk.frames().stream().filter(f -> f.json().path("type").asText().equals("call.answered")
                                    && f.json().path("call").path("linkedid").asText().equals(q.path("linkedid").asText()))
                            .map(f -> f.json().path("call").path("agentId").asText()).findFirst().orElse(null);
                    // the call-back: the elder's number, put through to a seat with the pop (same seat if one had it)
                    Ws.Frame back = desk.await("call.answered", j -> j.path("call").path("linkedid").asText()
                            .equals("okcb-" + callId), 30);
                    assertThat(back.json().path("call").path("callerNumber").asText()).isEqualTo(q.path("callerNumber").asText());
                    String seat = back.json().path("call").path("agentId").asText();
                    if (hadSeat != null) {
                        assertThat(seat).as("the call-back rings the seat that had the call first").isEqualTo(hadSeat);
                        seatsBack.incrementAndGet();
                    }
                    Ws seatWs = seat.equals(ws1Account()) ? ws1 : ws2;
                    seatWs.await("call.offered", j -> j.path("call").path("linkedid").asText().equals("okcb-" + callId), 10);
                }
                assertThat(seatsBack.get()).as("an answered call cut off went back to its seat").isPositive();
                // the elder heard the seat: the call-back's recording carries the seat's voice (the elder's phone is silent)
                n2.cli("channel request hangup all");
                // the elders' phones behind the trunk saw each call-back's whole dialogue (INVITE, 200, ACK, BYE)
                Awaitility.await("the elders' phones counted the call-backs").atMost(Duration.ofSeconds(20))
                        .until(() -> elders.successfulCalls() >= cut.size());
                for (JsonNode q : cut) {
                    long callId = q.path("id").asLong();
                    desk.await("call.ended", j -> j.path("call").path("linkedid").asText().equals("okcb-" + callId), 20);
                    Path rec;
                    try (var files = Files.walk(n1.recordings())) {
                        rec = files.filter(f -> f.getFileName().toString().equals("okcb-" + callId + ".wav")).findFirst().orElseThrow();
                    }
                    assertThat(Audio.rms(rec)).as("call-back recording RMS (the seat's voice)").isGreaterThan(0.01);
                }
            } finally {
                n2.cli("channel request hangup all"); // whatever is left: the next test starts with idle seats
                before.forEach(p -> p.caller().close());
                after.forEach(p -> p.caller().close());
                watching.set(false);
                watcher.join(2000);
            }
        }
        // OneKey's view of n2 never blinked: up all along, its AMI never reconnected
        assertThat(n2States).isNotEmpty().containsOnly("up");
        assertThat(stack.api.get("/api/health", null).json().path("asterisk").path("nodes").path("n2").path("ami")
                .path("connects").asLong()).isEqualTo(n2Connects);
    }

    private static String ws1Account() {
        return stack.server.accountList().stream().filter(a -> "1001".equals(a.extension())).findFirst().orElseThrow()
                .id() + "";
    }

    /** The supervisor's call.queued for the elder's number. */
    private static Ws.Frame waitQueued(String number) {
        return desk.await("call.queued", j -> j.path("call").path("callerNumber").asText().equals(number), 20);
    }

    /** Test 3: the node killed in test 2 (n1), restarted, rejoins Kamailio's dispatcher and OneKey's view, with its queue members. */
    @Test
    @Order(4)
    void aRestartedNodeRejoinsWithItsQueueMembers() {
        if (!nodeState("n1").equals("dead")) {
            n1.kill(); // run alone: kill it here
        }
        Awaitility.await("n1 dead in OneKey's view").atMost(Duration.ofSeconds(10)).until(() -> nodeState("n1").equals("dead"));
        assertThat(nodeState("n2")).isEqualTo("up");
        JsonNode health = stack.api.get("/api/health", null).json();
        assertThat(health.path("asterisk").path("connected").asBoolean()).isTrue();
        assertThat(health.path("status").asText()).isEqualTo("degraded");
        assertThat(health.path("alerts").toString()).contains("node-down", "n1");
        // a fresh start: no queue members of its own (the persisted ones are removed with its AstDB), no settings
        try {
            Files.deleteIfExists(n1.rundir.resolve("lib/astdb.sqlite3"));
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
        n1.start();
        Awaitility.await("n1 up again in OneKey's view").atMost(Duration.ofSeconds(20)).until(() -> nodeState("n1").equals("up"));
        // OneKey put its agents back into n1's queue, and the dialplan's settings into its AstDB
        ready(ws1, "1001");
        ready(ws2, "1002");
        assertThat(n1.cli("database show onekey-line")).contains("1234901");
        // Kamailio's probes took n1 back: new calls reach it again
        long mark = System.currentTimeMillis();
        Awaitility.await("a call lands on n1 again").atMost(Duration.ofSeconds(30)).until(() -> {
            try (Sipp.Caller c = new Sipp.Caller(kam.port, "02155550005", "1234901", 500)) {
                assertThat(c.await(30)).as(c.log()).isZero();
            }
            return desk.frames().stream().anyMatch(f -> f.json().path("type").asText().equals("call.queued")
                    && f.json().path("call").path("arrivedAt").asLong() >= mark
                    && f.json().path("call").path("linkedid").asText().startsWith("n1-"));
        });
    }
}
