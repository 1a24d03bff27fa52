package onekey.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import onekey.agents.AgentState;
import onekey.agents.AgentStatus;
import onekey.auth.Account;
import onekey.calls.CallRecord;
import onekey.lines.Service;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 7: POST /api/elders with callId (the unregistered caller's form) and GET /api/wallboard's roles. */
class ElderForCallApiTest {

    static final String BODY = "{\"name\":\"顾桂芳\",\"phones\":[\"02155558888\"],\"district\":\"徐汇区\","
            + "\"contacts\":[{\"name\":\"顾明\",\"relation\":\"儿子\",\"phone\":\"13900001234\"}]";

    @TempDir
    Path dir;
    ApiFixture f;

    @BeforeEach
    void start() {
        f = new ApiFixture(dir);
        long now = ApiFixture.CLOCK.millis();
        f.calls.update(new CallRecord(42, "l42", "PJSIP/trunk-1", "02155558888", "1234901", Service.SOS, 10, null,
                f.agent.id(), f.agent.username(), now - 60_000, now - 59_000, now - 50_000, null, 9000L, null, onekey.calls.CallOutcome.ANSWERED,
                null, null, false, null));
        onCall(f.agent, AgentState.ON_CALL);
    }

    @AfterEach
    void stop() {
        f.close();
    }

    private void onCall(Account a, AgentState s) {
        f.agents.states.put(a.id(), new AgentStatus(a.id(), a.username(), a.extension(), s, null, 1L));
    }

    private static JsonNode json(HttpResponse<String> r) throws Exception {
        return Json.MAPPER.readTree(r.body());
    }

    @Test
    void theAgentOnTheCallCreatesTheRecordLinkedToItAudited() throws Exception {
        HttpResponse<String> r = f.send("POST", "/api/elders", f.token(f.agent), BODY + ",\"callId\":42}");
        assertEquals(201, r.statusCode(), r.body());
        JsonNode e = json(r);
        long id = e.path("id").asLong();
        assertEquals("顾桂芳", e.path("name").asText());
        assertEquals(42, e.path("callId").asLong());
        assertTrue(e.path("linked").asBoolean());
        assertEquals(id, f.calls.get(42).orElseThrow().elderId());
        assertTrue(f.calls.timeline(42).stream().anyMatch(ev -> ev.type().equals("elder.linked")
                && ev.detail().equals("elder=" + id + " by ann")), f.calls.timeline(42).toString());
        assertEquals(1, f.audit.count("call.elder-linked", "42"));
        assertEquals(1, f.audit.count("elder.create", Long.toString(id)));

        // the call has its elder now: a second record for it is refused
        r = f.send("POST", "/api/elders", f.token(f.supervisor), BODY.replace("02155558888", "02155557777") + ",\"callId\":42}");
        assertEquals(409, r.statusCode(), r.body());
        assertEquals("callId", json(r).path("field").asText());
    }

    @Test
    void inWrapUpStillAllowedButNotWithoutACallNorForAnotherAgentsCall() throws Exception {
        onCall(f.agent, AgentState.WRAP_UP);
        assertEquals(403, f.send("POST", "/api/elders", f.token(f.agent), BODY + "}").statusCode());
        onCall(f.agent2, AgentState.ON_CALL);
        assertEquals(403, f.send("POST", "/api/elders", f.token(f.agent2), BODY + ",\"callId\":42}").statusCode());
        // once ann is ready again the call is no longer hers to register from
        onCall(f.agent, AgentState.READY);
        assertEquals(403, f.send("POST", "/api/elders", f.token(f.agent), BODY + ",\"callId\":42}").statusCode());
        onCall(f.agent, AgentState.WRAP_UP);
        assertEquals(201, f.send("POST", "/api/elders", f.token(f.agent), BODY + ",\"callId\":42}").statusCode());
        HttpResponse<String> unknown = f.send("POST", "/api/elders", f.token(f.supervisor),
                BODY.replace("02155558888", "02155556666") + ",\"callId\":999}");
        assertEquals(400, unknown.statusCode(), unknown.body());
        assertEquals("callId", json(unknown).path("field").asText());
        // supervisors may still create records with no call at all
        assertEquals(201, f.send("POST", "/api/elders", f.token(f.supervisor),
                BODY.replace("02155558888", "02155555555") + "}").statusCode());
    }

    @Test
    void theWallboardIsForSupervisorsAndAdmins() throws Exception {
        assertEquals(403, f.send("GET", "/api/wallboard", f.token(f.agent), null).statusCode());
        HttpResponse<String> r = f.send("GET", "/api/wallboard", f.token(f.supervisor), null);
        assertEquals(200, r.statusCode(), r.body());
        JsonNode w = json(r);
        assertEquals(1, w.path("today").path("offered").asLong(), r.body());
        assertEquals(1, w.path("today").path("answeredWithin15s").asLong(), r.body());
        assertEquals("sos", w.path("queues").get(0).path("line").asText());
        assertEquals("on-call", w.path("agents").get(0).path("state").asText());
        assertEquals(200, f.send("GET", "/api/wallboard", f.token(f.admin), null).statusCode());
    }
}
