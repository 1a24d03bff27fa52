package onekey.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import onekey.calls.CallRecord;
import onekey.elders.Contact;
import onekey.elders.Elder;
import onekey.elders.ElderDraft;
import onekey.lines.Service;
import onekey.sms.SmsGateway;
import onekey.sms.SmsRepository;
import onekey.sms.SmsService;
import onekey.store.Database;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 20, the seat's SMS pane in the pop: an agent reads and writes the texts of the elder of a call it took
 * ({@code callId}), not of another agent's call nor of another elder; without an incident or a call an agent is
 * refused as before. The texts are rows on H2; no SMSC is needed (the gateway is never started).
 */
class SmsApiTest {

    @TempDir
    Path dir;
    ApiFixture f;
    Database db;
    SmsRepository repo;
    Elder elder;
    Elder other;

    @BeforeEach
    void start() {
        db = onekey.testkit.H2Template.open(dir.resolve("sms"), "sa", 4);
        repo = new SmsRepository(db);
        f = ApiFixture.with(dir, (fx, server) -> server.sms(new SmsService(repo, new Idle(), fx.hub, fx.elders, null,
                fx.audit, ApiFixture.CLOCK, new SmsService.Settings("【一键通】", 10, 8, 5_000)), null));
        elder = f.elders.create(new ElderDraft("张桂英", null, "F", List.of("02155550001"), "杨浦区长白路100号", null, "杨浦区",
                "zh", null, null, null, null, null, null, null, List.of(new Contact("杨建国", "儿子", "13916000001"))));
        other = f.elders.create(new ElderDraft("李大爷", null, "M", List.of("02155550002"), "杨浦区", null, "杨浦区", "zh", null,
                null, null, null, null, null, null, List.of(new Contact("李明", "儿子", "13916000009"))));
        long now = ApiFixture.CLOCK.millis();
        f.calls.update(new CallRecord(42, "l42", "PJSIP/trunk-1", "02155550001", "12349", Service.GENERAL, 1, elder.id(),
                f.agent.id(), f.agent.username(), now - 60_000, now - 59_000, now - 50_000, null, 9000L, null,
                onekey.calls.CallOutcome.ANSWERED, null, null, false, null));
    }

    @AfterEach
    void stop() {
        f.close();
        db.close();
    }

    private static JsonNode json(HttpResponse<String> r) throws Exception {
        return Json.MAPPER.readTree(r.body());
    }

    @Test
    void anAgentUsesTheTextsOfTheElderOfACallItTookAndNoOthers() throws Exception {
        String ann = f.token(f.agent);
        HttpResponse<String> r = f.send("POST", "/api/sms", ann, "{\"elderId\":" + elder.id() + ",\"to\":\"13916000001\","
                + "\"text\":\"请您今天下午回电中心\",\"callId\":42}");
        assertEquals(202, r.statusCode(), r.body());
        assertEquals("queued", json(r).path("state").asText());
        assertEquals("【一键通】请您今天下午回电中心", repo.list(elder.id(), null, 10).get(0).text());
        assertEquals("ann", repo.list(elder.id(), null, 10).get(0).byUser());
        assertEquals(1, f.audit.count("sms.send", Long.toString(elder.id())));

        r = f.send("GET", "/api/sms?elderId=" + elder.id() + "&callId=42", ann, null);
        assertEquals(200, r.statusCode(), r.body());
        assertEquals(1, json(r).path("texts").size());
        assertEquals("13916000001", json(r).path("texts").get(0).path("to").asText());

        // not without the call; not another elder through this call; not another agent's call
        assertEquals(403, f.send("GET", "/api/sms?elderId=" + elder.id(), ann, null).statusCode());
        assertEquals(403, f.send("GET", "/api/sms?elderId=" + other.id() + "&callId=42", ann, null).statusCode());
        assertEquals(403, f.send("POST", "/api/sms", ann, "{\"elderId\":" + other.id() + ",\"to\":\"13916000009\","
                + "\"text\":\"x\",\"callId\":42}").statusCode());
        r = f.send("GET", "/api/sms?elderId=" + elder.id() + "&callId=42", f.token(f.agent2), null);
        assertEquals(403, r.statusCode(), r.body());
        assertTrue(r.body().contains("another agent"), r.body());
        assertEquals(1, repo.list(null, null, 10).size(), "nothing else written");
        // a supervisor needs no call
        assertEquals(200, f.send("GET", "/api/sms?elderId=" + other.id(), f.token(f.supervisor), null).statusCode());
    }

    /** An SMSC link that never comes up: the texts stay queued rows. */
    static final class Idle implements SmsGateway {
        @Override
        public void start(Listener listener) {
        }

        @Override
        public boolean connected() {
            return false;
        }

        @Override
        public Submitted submit(Outgoing text) throws Refused {
            throw new Refused("NO_LINK", true, false, List.of(), "down");
        }

        @Override
        public Map<String, Object> metrics() {
            return Map.of();
        }

        @Override
        public void close() {
        }
    }
}
