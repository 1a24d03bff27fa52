package onekey.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import onekey.calls.CallJournal;
import onekey.calls.JournalOp;
import onekey.testkit.Api;
import onekey.testkit.GaleraCluster;
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
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 10, test 5: the cti-server (in its own JVM) on a three-node MariaDB Galera cluster through
 * {@code jdbc:mariadb:sequential://node1,node2,node3/onekey}. A stream of SOS calls is answered by two agents; in
 * the middle of it the node the server is connected to (node 1, the first of the URL) is killed with SIGKILL.
 * Calls keep being answered and popped, and at the end every surviving node (and node 1 once it has rejoined)
 * holds every call row, timeline event and pop audit row exactly once.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class GaleraIT {

    static final int CALLS = 10;
    /** The call during which node 1 dies (1-based). */
    static final int KILL_DURING = 4;

    GaleraCluster galera;

    @BeforeAll
    void up() {
        galera = GaleraCluster.start();
    }

    @AfterAll
    void down() {
        if (galera != null) {
            galera.close();
        }
    }

    /**
     * A real certification conflict: a transaction on node 2 writes a row that node 3 changes and commits
     * meanwhile; Galera aborts the node-2 transaction (deadlock, error 1213, SQLState 40001). The call journal
     * treats it as transient and writes the op again, which then succeeds: nothing rejected, nothing lost.
     */
    @Test
    @Order(1)
    void theJournalRetriesAWriteThatLostACertificationConflict(@TempDir Path dir) throws Exception {
        try (Connection c = DriverManager.getConnection(galera.jdbcUrl(2), galera.user(), galera.password());
             Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE conflict_it"); // not in onekey: the server's migrations want it to themselves
            st.execute("CREATE TABLE conflict_it.galera_conflict (id INT PRIMARY KEY, v INT NOT NULL)");
            st.execute("INSERT INTO conflict_it.galera_conflict VALUES (1, 0)");
        }
        List<String> errors = new ArrayList<>();
        int[] attempts = {0};
        try (CallJournal journal = new CallJournal(dir, 100)) {
            journal.start(e -> {
                attempts[0]++;
                try (Connection a = DriverManager.getConnection(galera.jdbcUrl(2), galera.user(), galera.password())) {
                    a.setAutoCommit(false);
                    try (Statement st = a.createStatement()) {
                        st.executeUpdate("UPDATE conflict_it.galera_conflict SET v = v + 1 WHERE id = 1");
                    }
                    if (attempts[0] == 1) {
                        // another node commits a write to the same row first
                        try (Connection b = DriverManager.getConnection(galera.jdbcUrl(3), galera.user(), galera.password());
                             Statement st = b.createStatement()) {
                            st.executeUpdate("UPDATE conflict_it.galera_conflict SET v = v + 100 WHERE id = 1");
                        }
                    }
                    try {
                        a.commit();
                    } catch (SQLException x) {
                        errors.add(x.getErrorCode() + "/" + x.getSQLState());
                        throw x;
                    }
                }
            }, () -> { });
            journal.append(new JournalOp.Audit(System.currentTimeMillis(), null, "galera-it", "test", "row", "1", "conflict"));
            assertThat(journal.drain(20_000)).as("journal drained: %s", journal.metrics()).isTrue();
            assertThat(journal.metrics().get("rejected")).isEqualTo(0L);
            assertThat(journal.metrics().get("written")).isEqualTo(1L);
        }
        assertThat(errors).as("the first attempt lost certification").containsExactly("1213/40001");
        assertThat(attempts[0]).isEqualTo(2);
        try (Connection c = DriverManager.getConnection(galera.jdbcUrl(3), galera.user(), galera.password());
             Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT v FROM conflict_it.galera_conflict WHERE id = 1")) {
            rs.next();
            assertThat(rs.getInt(1)).as("node 3's write and the retried one, each once").isEqualTo(101);
        }
    }

    @Test
    @Order(2)
    void aNodeKilledDuringAStreamOfSosCallsLosesAndDoublesNothing() throws Exception {
        try (Stack stack = new Stack(galera.jdbcUrl())
                     .with("ONEKEY_DB_USER", galera.user()).with("ONEKEY_DB_PASSWORD", galera.password())
                     .startAsterisk().startServerProcess()) {
            Api api = stack.api;
            Awaitility.await("AMI connected").atMost(Duration.ofSeconds(30))
                    .until(() -> api.get("/api/health", null).json().path("asterisk").path("connected").asBoolean());
            JsonNode health = api.get("/api/health", null).json();
            assertThat(health.path("database").path("dialect").asText()).isEqualTo("mariadb");
            assertThat(health.path("database").path("connected").asBoolean()).isTrue();
            // the sequential URL puts every connection on node 1 while it is up
            assertThat(galera.connections(1, galera.user())).as("server connections on node 1").isPositive();
            assertThat(galera.connections(2, galera.user())).as("server connections on node 2").isZero();
            Awaitility.await("lines in AstDB").atMost(Duration.ofSeconds(20))
                    .until(() -> stack.asterisk.cli("database show onekey-line").contains("1234901"));
            run(stack, api, galera);
        }
    }

    private static void run(Stack stack, Api api, GaleraCluster galera) throws Exception {
        try (Sipp.AgentPhone p1 = new Sipp.AgentPhone(stack.asterisk, "1001", stack.sipSecret("1001"), 300);
             Sipp.AgentPhone p2 = new Sipp.AgentPhone(stack.asterisk, "1002", stack.sipSecret("1002"), 300)) {
            String admin = api.login("admin", Stack.ADMIN_PASSWORD);
            List<Ws> agents = List.of(agent(stack, api, "1001"), agent(stack, api, "1002"));

            List<Sipp.Caller> callers = new ArrayList<>();
            Set<String> offered = new HashSet<>();
            long killedAt = 0;
            for (int i = 1; i <= CALLS; i++) {
                callers.add(new Sipp.Caller(stack.asterisk.sipPort, "02155550001", "1234901", 4_000));
                // each SOS call is popped on an agent's screen, before and after the kill
                int want = i;
                Awaitility.await("call " + i + " offered").atMost(Duration.ofSeconds(30))
                        .until(() -> offeredLinkedids(agents).size() >= want);
                offered.addAll(offeredLinkedids(agents));
                if (i == KILL_DURING) {
                    galera.kill(1); // while call 4 rings an agent and earlier calls are talking
                    killedAt = System.currentTimeMillis();
                    System.out.printf("node 1 killed during call %d; cluster size now %s%n", i, galera.clusterSize(2));
                }
                long next = System.currentTimeMillis() + 1_500;
                Awaitility.await().pollDelay(Duration.ZERO).atMost(Duration.ofSeconds(5))
                        .until(() -> System.currentTimeMillis() >= next); // paced arrivals
            }
            for (Sipp.Caller c : callers) {
                assertThat(c.await(60)).as("every elder's call completes: " + c.log()).isZero();
            }
            assertThat(offered).hasSize(CALLS);
            assertThat(killedAt).isPositive();

            Awaitility.await("journal caught up").atMost(Duration.ofSeconds(60))
                    .until(() -> api.get("/api/health", null).json().path("journal").path("pending").asLong() == 0);
            try {
                Awaitility.await("every call complete with its recording").atMost(Duration.ofSeconds(60)).until(() -> {
                    int done = 0;
                    for (JsonNode c : api.get("/api/calls?limit=100", admin).json()) {
                        if (c.path("endedAt").isNumber() && c.path("recordingId").isNumber()) {
                            done++;
                        }
                    }
                    return done == CALLS;
                });
            } catch (org.awaitility.core.ConditionTimeoutException e) {
                throw new AssertionError(incomplete(stack, api, admin, offered), e);
            }
            JsonNode journal = api.get("/api/health", null).json().path("journal");
            System.out.printf("journal after the kill: %s%n", journal);
            assertThat(journal.path("rejected").asLong()).as("no write refused for good").isZero();
            assertThat(galera.connections(2, galera.user())).as("the server moved to node 2").isPositive();

            // what the agents' screens received: pops (frames carrying an elder) per call, offers per call
            Map<String, Integer> popsPerCall = new TreeMap<>();
            Map<String, Integer> offersPerCall = new TreeMap<>();
            for (Ws w : agents) {
                for (Ws.Frame f : w.frames()) {
                    String linkedid = f.json().path("call").path("linkedid").asText("");
                    if (linkedid.isEmpty()) {
                        continue;
                    }
                    if (f.json().path("elder").path("id").isNumber()) {
                        popsPerCall.merge(linkedid, 1, Integer::sum);
                    }
                    if ("call.offered".equals(f.json().path("type").asText())) {
                        offersPerCall.merge(linkedid, 1, Integer::sum);
                    }
                }
            }
            assertThat(offersPerCall.keySet()).isEqualTo(offered);

            for (int node : List.of(2, 3)) {
                assertStored(galera.jdbcUrl(node), galera, offered, offersPerCall, popsPerCall, "node " + node);
            }
            // node 1 comes back, catches up from the others, and holds the same rows
            galera.start(1);
            assertStored(galera.jdbcUrl(1), galera, offered, offersPerCall, popsPerCall, "node 1 after rejoining");
            for (Ws w : agents) {
                w.close();
            }
        }
    }

    /** Every call once, with its timeline and pop audit rows exactly once, as stored on one node. */
    private static void assertStored(String url, GaleraCluster galera, Set<String> linkedids, Map<String, Integer> offers,
                                     Map<String, Integer> pops, String where) throws SQLException {
        try (Connection c = DriverManager.getConnection(url, galera.user(), galera.password())) {
            assertThat(count(c, "SELECT COUNT(*) FROM calls")).as("call rows on %s", where).isEqualTo(CALLS);
            assertThat(count(c, "SELECT COUNT(*) FROM (SELECT linkedid FROM calls GROUP BY linkedid HAVING COUNT(*) > 1) d"))
                    .as("duplicate linkedids on %s", where).isZero();
            assertThat(count(c, "SELECT COUNT(*) FROM (SELECT op_key FROM call_events WHERE op_key IS NOT NULL"
                    + " GROUP BY op_key HAVING COUNT(*) > 1) d")).as("timeline events written twice on %s", where).isZero();
            assertThat(count(c, "SELECT COUNT(*) FROM (SELECT detail FROM audit_log WHERE audit_action = 'elder.pop'"
                    + " GROUP BY account_id, detail HAVING COUNT(*) > 1) d")).as("pop audit rows written twice on %s", where).isZero();
            for (String linkedid : linkedids) {
                Map<String, Integer> events = new LinkedHashMap<>();
                long callId;
                try (PreparedStatement ps = c.prepareStatement("SELECT id, outcome, service FROM calls WHERE linkedid = ?")) {
                    ps.setString(1, linkedid);
                    try (ResultSet rs = ps.executeQuery()) {
                        assertThat(rs.next()).as("call %s on %s", linkedid, where).isTrue();
                        callId = rs.getLong(1);
                        assertThat(rs.getString(2)).as("outcome of %s on %s", linkedid, where).isEqualTo("completed");
                        assertThat(rs.getString(3)).isEqualTo("sos");
                    }
                }
                try (PreparedStatement ps = c.prepareStatement(
                        "SELECT event_type, COUNT(*) FROM call_events WHERE call_id = ? GROUP BY event_type")) {
                    ps.setLong(1, callId);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            events.put(rs.getString(1), rs.getInt(2));
                        }
                    }
                }
                for (String once : List.of("arrived", "queued", "answered", "hangup", "recorded")) {
                    assertThat(events.get(once)).as("%s events of call %s on %s: %s", once, linkedid, where, events).isEqualTo(1);
                }
                assertThat(events.get("offered")).as("offered events of call %s on %s: %s", linkedid, where, events)
                        .isEqualTo(offers.get(linkedid));
                try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM recordings WHERE call_id = ?")) {
                    ps.setLong(1, callId);
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        assertThat(rs.getInt(1)).as("recordings of call %s on %s", linkedid, where).isEqualTo(1);
                    }
                }
                try (PreparedStatement ps = c.prepareStatement(
                        "SELECT COUNT(*) FROM audit_log WHERE audit_action = 'elder.pop' AND detail LIKE ?")) {
                    ps.setString(1, "call=" + linkedid + " %");
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        assertThat(rs.getInt(1)).as("pop audit rows of call %s on %s", linkedid, where)
                                .isEqualTo(pops.getOrDefault(linkedid, 0)).isPositive();
                    }
                }
            }
        }
    }

    /**
     * What a failed "every call complete" saw: each call row the API lists, with what it lacks, and the server's
     * warnings and errors (its output stays only in the fork's temp folder, gone by the time anyone reads the report).
     */
    private static String incomplete(Stack stack, Api api, String admin, Set<String> offered) {
        StringBuilder out = new StringBuilder("not every call complete with its recording (" + CALLS + " offered: "
                + offered + ")\n");
        try {
            for (JsonNode c : api.get("/api/calls?limit=100", admin).json()) {
                out.append(String.format("  call %s linkedid=%s outcome=%s agent=%s endedAt=%s recordingId=%s%s%n",
                        c.path("id").asText(), c.path("linkedid").asText(), c.path("outcome").asText(),
                        c.path("agent").asText(), c.path("endedAt").asText(), c.path("recordingId").asText(),
                        c.path("endedAt").isNumber() && c.path("recordingId").isNumber() ? "" : "   <-- incomplete"));
            }
        } catch (RuntimeException e) {
            out.append("  (calls not readable: ").append(e).append(")\n");
        }
        out.append("journal: ").append(api.get("/api/health", null).json().path("journal")).append('\n');
        out.append("the server's warnings and errors:\n");
        stack.process.output().lines().filter(l -> l.contains(" WARN ") || l.contains(" ERROR ") || l.contains("Exception"))
                .limit(200).forEach(l -> out.append("  ").append(l).append('\n'));
        return out.toString();
    }

    private static int count(Connection c, String sql) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private static Set<String> offeredLinkedids(List<Ws> agents) {
        Set<String> ids = new HashSet<>();
        for (Ws w : agents) {
            for (Ws.Frame f : w.frames()) {
                if ("call.offered".equals(f.json().path("type").asText())) {
                    ids.add(f.json().path("call").path("linkedid").asText());
                }
            }
        }
        return ids;
    }

    private static Ws agent(Stack stack, Api api, String ext) {
        Ws ws = new Ws(api, api.login(ext, "agent" + ext));
        ws.await("hello", 10);
        ws.send("{\"type\":\"agent.ready\"}");
        ws.await("agent.state", j -> j.path("agent").path("state").asText().equals("ready"), 10);
        return ws;
    }
}
