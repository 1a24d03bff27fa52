package onekey.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import onekey.calls.CallRecord;
import onekey.elders.Contact;
import onekey.elders.Elder;
import onekey.elders.ElderDraft;
import onekey.lines.Service;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 18: POST /api/elders/{id}/notes — a seat appends a rescue note to the elder's record (service rules, Emergency
 * help 2: "record the rescue in the system and update the elder's record"); it may not rewrite the record.
 */
class ElderNoteApiTest {

    @TempDir
    Path dir;
    ApiFixture f;
    Elder elder;

    @BeforeEach
    void start() {
        f = new ApiFixture(dir);
        elder = f.elders.create(new ElderDraft("张桂英", null, "female", List.of("2155550001"), "控江路1029弄12号302室",
                null, "杨浦区", "zh", "district-paid", null, null, null, null, null, null,
                List.of(new Contact("李建国", "儿子", "13816000001"))));
        long now = ApiFixture.CLOCK.millis();
        // ann took the elder's call a minute ago
        f.calls.update(new CallRecord(42, "l42", "PJSIP/trunk-1", "2155550001", "1234901", Service.SOS, 10, elder.id(),
                f.agent.id(), f.agent.username(), now - 60_000, now - 59_000, now - 50_000, null, 9000L, null, onekey.calls.CallOutcome.ANSWERED,
                null, null, false, null));
    }

    @AfterEach
    void stop() {
        f.close();
    }

    private static JsonNode json(HttpResponse<String> r) throws Exception {
        return Json.MAPPER.readTree(r.body());
    }

    @Test
    void theAgentOfTheCallAppendsANoteAuditedAndTheRecordShowsItWithWhoAndWhen() throws Exception {
        HttpResponse<String> r = f.send("POST", "/api/elders/" + elder.id() + "/notes", f.token(f.agent),
                "{\"text\":\"居委会人员到达，老人摔倒，已送医\"}");
        assertEquals(201, r.statusCode(), r.body());
        assertEquals("ann", json(r).path("by").asText());
        assertEquals(ApiFixture.CLOCK.millis(), json(r).path("at").asLong());
        assertEquals(1, f.audit.count("elder.note", Long.toString(elder.id())));

        JsonNode record = json(f.send("GET", "/api/elders/" + elder.id(), f.token(f.agent), null));
        JsonNode notes = record.path("addedNotes");
        assertEquals(1, notes.size(), record.toString());
        assertEquals("居委会人员到达，老人摔倒，已送医", notes.get(0).path("text").asText());
        assertEquals("ann", notes.get(0).path("by").asText());
        assertTrue(notes.get(0).path("at").asLong() > 0);
        // appended, not rewritten: a second note comes after the first
        assertEquals(201, f.send("POST", "/api/elders/" + elder.id() + "/notes", f.token(f.supervisor),
                "{\"text\":\"回访：老人已出院\"}").statusCode());
        notes = json(f.send("GET", "/api/elders/" + elder.id(), f.token(f.supervisor), null)).path("addedNotes");
        assertEquals(2, notes.size());
        assertEquals("sup", notes.get(1).path("by").asText());
        assertEquals("居委会人员到达，老人摔倒，已送医", notes.get(0).path("text").asText());
    }

    @Test
    void anEmptyNoteIs400AnAgentWithoutTheEldersCallIs403AnUnknownElder404() throws Exception {
        HttpResponse<String> empty = f.send("POST", "/api/elders/" + elder.id() + "/notes", f.token(f.agent), "{\"text\":\"  \"}");
        assertEquals(400, empty.statusCode(), empty.body());
        assertEquals("text", json(empty).path("field").asText());
        assertEquals(400, f.send("POST", "/api/elders/" + elder.id() + "/notes", f.token(f.agent), "{}").statusCode());
        assertEquals(400, f.send("POST", "/api/elders/" + elder.id() + "/notes", f.token(f.agent),
                "{\"text\":\"" + "x".repeat(2001) + "\"}").statusCode());
        // bob never had the elder on a call, nor an incident of hers
        assertEquals(403, f.send("POST", "/api/elders/" + elder.id() + "/notes", f.token(f.agent2),
                "{\"text\":\"不是我的老人\"}").statusCode());
        assertEquals(404, f.send("POST", "/api/elders/999/notes", f.token(f.supervisor), "{\"text\":\"x\"}").statusCode());
        assertEquals(0, f.audit.count("elder.note", Long.toString(elder.id())));
        assertEquals(0, json(f.send("GET", "/api/elders/" + elder.id(), f.token(f.supervisor), null)).path("addedNotes").size());
    }
}
