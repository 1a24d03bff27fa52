package onekey.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import onekey.testkit.Api;
import onekey.testkit.Engines;
import onekey.testkit.MariaDbServer;
import onekey.testkit.Pstn;
import onekey.testkit.ServerProcess;
import onekey.testkit.Sipp;
import onekey.testkit.Stack;
import onekey.testkit.Ws;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * Two cti-server instances on one database (issue 10, test 5, second part): one is active, the other a hot standby
 * that waits for the active one's lease. The active one is killed (kill -9) between redial 1 and redial 2 of a
 * rescue; the standby takes over by itself within seconds, redial 2 happens exactly once, the incident goes on,
 * and calls are popped by the new active instance with no second pop and no duplicate row.
 */
class HaStandbyIT {
    static final String ELDER_1 = "2155550001";
    static final String ELDER_2 = "13917000001";

    @Test
    void theStandbyTakesOverWhenTheActiveServerIsKilledWithoutADoubleRedialOrASecondPop() throws Exception {
        MariaDbServer maria = Engines.maria();
        try (Stack stack = Engines.stack("mariadb")
                .with("ONEKEY_HA_INSTANCEID", "cti-a")
                .with("ONEKEY_HA_LEASESECONDS", "5")
                .with("ONEKEY_RESCUE_REDIALINTERVALSECONDS", "10")
                .with("ONEKEY_RESCUE_RINGSECONDS", "10")
                .with("ONEKEY_RESCUE_LISTENSECONDS", "3")
                .startAsterisk().startServerProcess();
             Pstn pstn = new Pstn(stack.asterisk.trunkPort()).otherwise(Pstn.Behaviour.noAnswer())
                     .number(ELDER_1, Pstn.Behaviour.silent()).number(ELDER_2, Pstn.Behaviour.silent())) {
            Api api = stack.api;
            Awaitility.await("AMI connected").atMost(Duration.ofSeconds(20))
                    .until(() -> api.get("/api/health", null).json().path("asterisk").path("connected").asBoolean());

            // the standby: the same configuration on another "machine" (its own instance id), same database
            Map<String, String> envB = new HashMap<>(stack.process.env());
            envB.put("ONEKEY_HA_INSTANCEID", "cti-b");
            try (ServerProcess standby = new ServerProcess(envB).launch()) {
                Awaitility.await("the second instance waits as a standby").atMost(Duration.ofSeconds(60))
                        .until(() -> standby.output().contains("ha.standby owner=cti-b"));
                assertThat(standby.output()).contains("holder=\"cti-a until ");
                assertThat(standby.output()).doesNotContain("FastAGI listening", "ami connected");

                // an SOS call nobody answers, and "no response": redial 1 from the active instance
                String sup = api.login("super", "super1234");
                try (Sipp.Caller caller = new Sipp.Caller(stack.asterisk.sipPort, "02155550001", "1234901", 1500)) {
                    assertThat(caller.await(30)).as(caller.log()).isZero();
                }
                long callId = Awaitility.await("the SOS call stored").atMost(Duration.ofSeconds(15)).until(() -> {
                    JsonNode c = api.get("/api/calls?limit=1", sup).json().path(0);
                    return c.path("elderId").isNumber() && c.path("endedAt").isNumber() ? c.path("id").asLong() : null;
                }, id -> id != null);
                var opened = api.send("POST", "/api/calls/" + callId + "/no-response", sup, null);
                assertThat(opened.status()).as(opened.body()).isEqualTo(201);
                long incidentId = opened.json().path("id").asLong();
                Awaitility.await("redial 1 done, redial 2 planned").atMost(Duration.ofSeconds(30)).until(() -> {
                    JsonNode steps = api.get("/api/incidents/" + incidentId, sup).json().path("steps");
                    return steps.size() == 2 && steps.path(0).path("result").asText().equals("silent")
                            && steps.path(1).path("state").asText().equals("planned");
                });

                // the active instance dies; the standby takes over by itself (lease 5 s) and answers on the same port
                long killedAt = System.nanoTime();
                stack.process.kill9();
                standby.awaitAnswering(Duration.ofSeconds(60));
                long tookOverMs = (System.nanoTime() - killedAt) / 1_000_000;
                System.out.printf("the standby answered %d ms after the active instance was killed (lease 5 s)%n", tookOverMs);
                assertThat(standby.output()).contains("ha.active owner=cti-b");
                Api apiB = standby.api();
                String supB = apiB.login("super", "super1234");

                // redial 2 exactly once, from the new active instance, and the escalation goes on
                Awaitility.await("redial 2 done, incident escalating").atMost(Duration.ofSeconds(60))
                        .until(() -> apiB.get("/api/incidents/" + incidentId, supB).json().path("state").asText()
                                .equals("escalating"));
                List<String> redials = new ArrayList<>();
                for (JsonNode st : apiB.get("/api/incidents/" + incidentId, supB).json().path("steps")) {
                    if (st.path("kind").asText().equals("redial")) {
                        redials.add(st.path("result").asText());
                    }
                }
                assertThat(redials).as("exactly two redials").containsExactly("silent", "silent");
                assertThat(pstn.callsTo(ELDER_1)).hasSize(1);
                assertThat(pstn.callsTo(ELDER_2)).hasSize(1);

                // a new SOS call is popped once, by the new active instance
                try (Sipp.AgentPhone phone = new Sipp.AgentPhone(stack.asterisk, "1001", stack.sipSecret("1001"), 300);
                     Ws ws = new Ws(apiB, apiB.login("1001", "agent1001"))) {
                    ws.await("hello", 10);
                    ws.send("{\"type\":\"agent.ready\"}");
                    Awaitility.await("1001 idle in the queue").atMost(Duration.ofSeconds(15)).until(() -> stack.asterisk
                            .cli("queue show onekey").lines().anyMatch(l -> l.contains("PJSIP/1001") && l.contains("Not in use")));
                    try (Sipp.Caller caller = new Sipp.Caller(stack.asterisk.sipPort, "02155550001", "1234901", 2_000)) {
                        JsonNode pop = ws.await("call.offered", 30).json();
                        assertThat(pop.path("elder").path("name").asText()).isEqualTo("张桂英");
                        assertThat(caller.await(30)).as(caller.log()).isZero();
                    }
                    ws.await("call.ended", 20);
                    assertThat(ws.frames().stream().filter(f -> f.json().path("type").asText().equals("call.offered")).count())
                            .as("one pop").isEqualTo(1);
                }
                // no row twice: every call once by its linkedid, the incident's redials once by their step number
                String live = stack.env().get("ONEKEY_DB_URL");
                String database = live.substring(live.lastIndexOf('/') + 1).replaceAll("\\?.*", "");
                try (Connection c = DriverManager.getConnection(maria.jdbcUrl(database), maria.user(), maria.password());
                     Statement st = c.createStatement()) {
                    try (ResultSet rs = st.executeQuery("SELECT COUNT(*), COUNT(DISTINCT linkedid) FROM calls")) {
                        rs.next();
                        long rows = rs.getLong(1);
                        assertThat(rows).as("call rows, each linkedid once").isEqualTo(rs.getLong(2)).isGreaterThanOrEqualTo(2);
                    }
                    try (ResultSet rs = st.executeQuery("SELECT owner FROM instance_lease WHERE name = 'cti'")) {
                        rs.next();
                        assertThat(rs.getString(1)).isEqualTo("cti-b");
                    }
                }
            }
        }
    }
}
