package onekey.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import onekey.testkit.Sipp;
import onekey.testkit.Stack;
import onekey.testkit.Ws;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The API of a running server: provisioning agents into Asterisk, bad input, tokens and roles, audit. */
class ApiIT {

    static Stack stack;
    static String admin;

    @BeforeAll
    static void up() {
        stack = new Stack().startAsterisk().startServer();
        admin = stack.api.login("admin", Stack.ADMIN_PASSWORD);
        Awaitility.await("AMI connected").atMost(Duration.ofSeconds(20))
                .until(() -> stack.api.get("/api/health", null).json().path("asterisk").path("connected").asBoolean());
    }

    @AfterAll
    static void down() {
        stack.close();
    }

    @Test
    void adminCreatesAnAgentWhosePhoneRegistersWithoutRestartingAsterisk() {
        var r = stack.api.send("POST", "/api/agents", admin,
                "{\"username\":\"2001\",\"password\":\"agent-2001-pw\",\"role\":\"agent\",\"extension\":\"2001\",\"sipSecret\":\"sip-2001-secret\"}");
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        assertThat(r.json().path("id").isNumber()).isTrue();
        assertThat(stack.asterisk.cli("pjsip show endpoint 2001")).contains("2001");
        // the new agent's phone registers with the secret set over the API, then takes a call
        try (Sipp.AgentPhone phone = new Sipp.AgentPhone(stack.asterisk, "2001", "sip-2001-secret", 300)) {
            Ws ws = new Ws(stack.server.apiPort(), stack.api.login("2001", "agent-2001-pw"));
            ws.await("hello", 10);
            ws.send("{\"type\":\"agent.ready\"}");
            Awaitility.await("member idle").atMost(Duration.ofSeconds(10)).until(() -> stack.asterisk.cli("queue show onekey")
                    .lines().anyMatch(l -> l.contains("PJSIP/2001") && l.contains("Not in use")));
            Ws supervisor = new Ws(stack.server.apiPort(), stack.api.login("super", "super1234"));
            supervisor.await("hello", 10);
            supervisor.send("{\"type\":\"ping\"}");
            supervisor.await("pong", 10);
            long elderId;
            try (Sipp.Caller caller = new Sipp.Caller(stack.asterisk.sipPort, "02155550002", "1234901", 3000)) {
                JsonNode pop = ws.await("call.offered", 20).json();
                assertThat(pop.path("agent").asText()).isEqualTo("2001");
                elderId = pop.path("elder").path("id").asLong();
                assertThat(supervisor.await("call.offered", 20).json().path("elder").path("id").asLong()).isEqualTo(elderId);
                assertThat(caller.await(30)).as(caller.log()).isZero();
            }
            // both deliveries of the record are in the audit log (written through the journal), the supervisor's too
            String sup = stack.api.login("super", "super1234");
            Awaitility.await("pop audit rows").atMost(Duration.ofSeconds(10)).until(() ->
                    stack.api.get("/api/audit?elderId=" + elderId + "&actor=2001", sup).json().toString().contains("elder.pop")
                            && stack.api.get("/api/audit?elderId=" + elderId + "&actor=super", sup).json().toString()
                            .contains("watching=supervisor"));
            supervisor.close();
            ws.send("{\"type\":\"agent.logout\"}");
            ws.await("agent.state", j -> j.path("agent").path("state").asText().equals("logged-out"), 10);
            ws.close();
        }
        // a wrong SIP secret is refused by Asterisk
        var bad = stack.api.send("PUT", "/api/agents/" + r.json().path("id").asLong(), admin,
                "{\"username\":\"2001\",\"role\":\"agent\",\"extension\":\"2001\",\"sipSecret\":\"another-secret-9\"}");
        assertThat(bad.status()).as(bad.body()).isEqualTo(200);
        org.assertj.core.api.Assertions.assertThatThrownBy(
                () -> new Sipp.AgentPhone(stack.asterisk, "2001", "sip-2001-secret", 300).close())
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void badInputIsRefusedNamingTheField() {
        var malformed = stack.api.send("POST", "/api/elders", admin, "{\"name\": \"王\", ");
        assertThat(malformed.status()).isEqualTo(400);
        assertThat(malformed.json().path("error").asText()).isNotBlank();

        var unknown = stack.api.send("POST", "/api/elders", admin, "{\"name\":\"王\",\"phones\":[\"02155559999\"],\"shoeSize\":42}");
        assertThat(unknown.status()).isEqualTo(400);
        assertThat(unknown.json().path("field").asText()).isEqualTo("shoeSize");

        var missing = stack.api.send("POST", "/api/elders", admin, "{\"phones\":[\"02155559999\"]}");
        assertThat(missing.status()).isEqualTo(400);
        assertThat(missing.json().path("field").asText()).isEqualTo("name");

        var wrongType = stack.api.send("POST", "/api/elders", admin, "{\"name\":\"王\",\"phones\":\"02155559999\"}");
        assertThat(wrongType.status()).isEqualTo(400);
        assertThat(wrongType.json().path("field").asText()).startsWith("phones");

        var huge = stack.api.send("POST", "/api/elders", admin, "{\"name\":\"" + "x".repeat(200_000) + "\"}");
        assertThat(huge.status()).isEqualTo(413);

        // nothing half-stored: the elders list has no record of these attempts
        assertThat(stack.api.get("/api/elders?q=02155559999", admin).json().size()).isZero();
    }

    @Test
    void tokensAndRolesAreEnforcedAndProfileViewsAudited() {
        assertThat(stack.api.get("/api/calls", null).status()).isEqualTo(401);
        assertThat(stack.api.get("/api/calls", "not-a-token").status()).isEqualTo(401);
        String agent = stack.api.login("1004", "agent1004");
        assertThat(stack.api.send("POST", "/api/agents", agent,
                "{\"username\":\"x9\",\"password\":\"long-enough\",\"role\":\"admin\",\"extension\":\"9009\",\"sipSecret\":\"sip-secret-99\"}").status())
                .isEqualTo(403);
        assertThat(stack.api.send("POST", "/api/login", null, "{\"username\":\"1004\",\"password\":\"wrong\"}").status())
                .isEqualTo(401);

        JsonNode elders = stack.api.get("/api/elders", agent).json();
        long id = elders.get(0).path("id").asLong();
        // not on a call with this elder: the agent must give a reason, which the audit row keeps
        assertThat(stack.api.get("/api/elders/" + id, agent).status()).isEqualTo(403);
        var view = stack.api.get("/api/elders/" + id + "?reason=call-back", agent);
        assertThat(view.status()).isEqualTo(200);
        assertThat(view.json().path("healthConditions").isMissingNode()).isFalse();
        String sup = stack.api.login("super", "super1234");
        JsonNode audit = stack.api.get("/api/audit?targetType=elder&targetId=" + id, sup).json();
        assertThat(audit.toString()).contains("elder.view", "1004", "reason=call-back");
        // another agent's call is 403 for an agent (the list shows its own calls only)
        assertThat(stack.api.get("/api/calls", agent).json().toString()).doesNotContain("\"agentId\":1,");
    }
}
