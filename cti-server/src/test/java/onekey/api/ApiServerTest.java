package onekey.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import onekey.calls.CallRecord;
import onekey.lines.Service;
import onekey.recording.Recording;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ApiServerTest {

    @TempDir
    Path dir;
    ApiFixture f;

    @BeforeEach
    void start() {
        f = new ApiFixture(dir);
    }

    @AfterEach
    void stop() {
        f.close();
    }

    static JsonNode json(HttpResponse<String> r) throws Exception {
        return Json.MAPPER.readTree(r.body());
    }

    static final String ELDER = """
            {"name":"王秀英","phones":["021-5555 0001","13800138000"],"address":"长宁路 1 号","district":"长宁",
             "language":"zh","birthDate":"1940-03-05","category":"subsidised",
             "contacts":[{"name":"王强","relation":"son","phone":"13900139000"},
                         {"name":"社区站","relation":"community","phone":"55550099"}]}""";

    private void assertError(HttpResponse<String> r, int status, String code, String field) throws Exception {
        assertEquals(status, r.statusCode(), r.body());
        JsonNode n = json(r);
        assertEquals(code, n.path("error").asText(), r.body());
        assertTrue(n.path("message").isTextual() && !n.path("message").asText().isBlank(), r.body());
        if (field == null) {
            assertTrue(n.path("field").isNull(), r.body());
        } else {
            assertEquals(field, n.path("field").asText(), r.body());
        }
    }

    // ---- auth ----

    @Test
    void loginReturnsATokenThatWorksAndLogoutRevokesIt() throws Exception {
        var r = f.send("POST", "/api/login", null, "{\"username\":\"ann\",\"password\":\"" + ApiFixture.PASSWORD + "\"}");
        assertEquals(200, r.statusCode(), r.body());
        JsonNode n = json(r);
        assertEquals("agent", n.path("role").asText());
        assertEquals(f.agent.id(), n.path("accountId").asLong());
        assertEquals("1001", n.path("extension").asText());
        String token = n.path("token").asText();
        assertEquals(200, f.send("GET", "/api/calls", token, null).statusCode());

        assertEquals(200, f.send("POST", "/api/logout", token, null).statusCode());
        assertError(f.send("GET", "/api/calls", token, null), 401, "unauthorized", null);
    }

    @Test
    void badCredentialsAre401() throws Exception {
        assertError(f.send("POST", "/api/login", null, "{\"username\":\"ann\",\"password\":\"wrong-password\"}"),
                401, "invalid_credentials", null);
        assertError(f.send("POST", "/api/login", null, "{\"username\":\"nobody\",\"password\":\"whatever1\"}"),
                401, "invalid_credentials", null);
    }

    @Test
    void noOrBadTokenIs401WithBearerChallenge() throws Exception {
        var r = f.send("GET", "/api/elders", null, null);
        assertError(r, 401, "unauthorized", null);
        assertTrue(r.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Bearer"));
        var bad = f.send("GET", "/api/elders", "not-a-token", null);
        assertError(bad, 401, "unauthorized", null);
        assertTrue(bad.headers().firstValue("WWW-Authenticate").orElse("").contains("invalid_token"));
    }

    @Test
    void wrongRoleIs403UnknownPathIs404WrongMethodIs405() throws Exception {
        assertError(f.send("POST", "/api/elders", f.token(f.agent), ELDER), 403, "forbidden", null);
        assertError(f.send("GET", "/api/agents", f.token(f.agent), null), 403, "forbidden", null);
        assertError(f.send("GET", "/api/nothing", f.token(f.admin), null), 404, "not_found", null);
        var r = f.send("DELETE", "/api/elders", f.token(f.admin), null);
        assertError(r, 405, "method_not_allowed", null);
        assertTrue(r.headers().firstValue("Allow").orElse("").contains("POST"));
    }

    // ---- body validation ----

    @Test
    void malformedJsonIs400SayingWhere() throws Exception {
        var r = f.send("POST", "/api/elders", f.token(f.supervisor), "{\"name\": \"x\",\n \"phones\": [\"1\",}");
        assertError(r, 400, "malformed_json", null);
        assertTrue(json(r).path("message").asText().contains("line 2"), r.body());
    }

    @Test
    void unknownFieldIs400NamingIt() throws Exception {
        String body = ELDER.replace("\"district\":\"长宁\"", "\"distrcit\":\"长宁\"");
        assertError(f.send("POST", "/api/elders", f.token(f.supervisor), body), 400, "unknown_field", "distrcit");
        String nested = ELDER.replace("\"relation\":\"son\"", "\"relationship\":\"son\"");
        assertError(f.send("POST", "/api/elders", f.token(f.supervisor), nested), 400, "unknown_field",
                "contacts[0].relationship");
    }

    @Test
    void wrongTypeIs400NamingTheField() throws Exception {
        assertError(f.send("POST", "/api/elders", f.token(f.supervisor), ELDER.replace("\"name\":\"王秀英\"", "\"name\":42")),
                400, "invalid_type", "name");
        assertError(f.send("POST", "/api/elders", f.token(f.supervisor),
                ELDER.replace("\"phones\":[\"021-5555 0001\",\"13800138000\"]", "\"phones\":\"13800138000\"")),
                400, "invalid_type", "phones");
        assertError(f.send("POST", "/api/agents", f.token(f.admin),
                "{\"username\":\"carl\",\"password\":\"long-enough\",\"role\":\"agent\",\"extension\":\"1003\","
                        + "\"sipSecret\":\"sip-secret-3\",\"enabled\":\"yes\"}"),
                400, "invalid_type", "enabled");
    }

    @Test
    void missingOrInvalidFieldsAre400NamingTheField() throws Exception {
        assertError(f.send("POST", "/api/elders", f.token(f.supervisor), ELDER.replace("\"name\":\"王秀英\",", "")),
                400, "missing_field", "name");
        assertError(f.send("POST", "/api/elders", f.token(f.supervisor), ELDER.replace("\"language\":\"zh\"", "\"language\":\"fr\"")),
                400, "invalid_field", "language");
        assertError(f.send("POST", "/api/elders", f.token(f.supervisor), ELDER.replace("1940-03-05", "05/03/1940")),
                400, "invalid_field", "birthDate");
        assertError(f.send("POST", "/api/elders", f.token(f.supervisor), ELDER.replace("\"phone\":\"13900139000\"", "\"phone\":\"call me\"")),
                400, "invalid_field", "contacts[0].phone");
        assertError(f.send("POST", "/api/elders", f.token(f.supervisor), ""), 400, "missing_body", null);
    }

    @Test
    void shanghaineseIsALanguageOfElders() throws Exception {
        var created = f.send("POST", "/api/elders", f.token(f.supervisor), ELDER.replace("\"language\":\"zh\"", "\"language\":\"wuu\""));
        assertEquals(201, created.statusCode(), created.body());
        assertEquals("wuu", f.elders.byId.get(json(created).path("id").asLong()).language());
        var refused = f.send("POST", "/api/elders", f.token(f.supervisor), ELDER.replace("\"language\":\"zh\"", "\"language\":\"fr\""));
        assertTrue(refused.body().contains("zh, en, wuu"), refused.body());
    }

    @Test
    void livingAloneIsAFieldOfTheRecordThatAPutWithoutItKeeps() throws Exception {
        String sup = f.token(f.supervisor);
        var created = f.send("POST", "/api/elders", sup, ELDER.replace("\"category\"", "\"livingAlone\":true,\"category\""));
        assertEquals(201, created.statusCode(), created.body());
        long id = json(created).path("id").asLong();
        assertTrue(json(created).path("livingAlone").asBoolean(), created.body());
        assertTrue(f.elders.byId.get(id).livingAlone());
        // the list's summary says it too
        var list = json(f.send("GET", "/api/elders?q=%E7%8E%8B", sup, null));
        assertTrue(list.get(0).path("livingAlone").asBoolean(), list.toString());
        // a client that does not know the field does not clear it; one that says false does
        var kept = f.send("PUT", "/api/elders/" + id, sup, ELDER);
        assertEquals(200, kept.statusCode(), kept.body());
        assertTrue(json(kept).path("livingAlone").asBoolean(), kept.body());
        var cleared = f.send("PUT", "/api/elders/" + id, sup, ELDER.replace("\"category\"", "\"livingAlone\":false,\"category\""));
        assertEquals(200, cleared.statusCode(), cleared.body());
        assertFalse(json(cleared).path("livingAlone").asBoolean(), cleared.body());
        assertFalse(json(f.send("GET", "/api/elders/" + id, sup, null)).path("livingAlone").asBoolean());
        // a new record without it: false
        var other = f.send("POST", "/api/elders", sup, "{\"name\":\"李四\",\"phones\":[\"13700137000\"]}");
        assertFalse(json(other).path("livingAlone").asBoolean(), other.body());
        assertTrue(json(other).path("livingAlone").isBoolean(), other.body());
        var wrong = f.send("POST", "/api/elders", sup, "{\"name\":\"李五\",\"phones\":[\"13700137001\"],\"livingAlone\":\"yes\"}");
        assertEquals(400, wrong.statusCode(), wrong.body());
    }

    @Test
    void anEldersPlaceIsStoredInWgs84AndAPutWithoutItKeepsIt() throws Exception {
        String sup = f.token(f.supervisor);
        // 天平路 given as an AMap (GCJ-02) point: stored converted, a few hundred metres south-west of it
        var created = f.send("POST", "/api/elders", sup, ELDER.replace("\"category\"",
                "\"lat\":31.1999,\"lon\":121.4464,\"coordSystem\":\"gcj02\",\"subDistrict\":\"天平路街道\","
                        + "\"community\":\"天平居委会\",\"category\""));
        assertEquals(201, created.statusCode(), created.body());
        long id = json(created).path("id").asLong();
        var p = f.elders.byId.get(id).place();
        assertEquals("天平路街道", p.subDistrict());
        assertEquals("天平居委会", p.community());
        assertEquals("entered-gcj02", p.coordSource());
        double moved = onekey.elders.Coordinates.distanceKm(31.1999, 121.4464, p.lat(), p.lon());
        assertTrue(moved > 0.3 && moved < 0.8, "GCJ-02 shift in Shanghai is ~0.5 km, was " + moved);
        assertEquals(p.lat(), json(created).path("lat").asDouble(), 1e-9);
        // a client that names none of the place's fields keeps it
        var kept = f.send("PUT", "/api/elders/" + id, sup, ELDER);
        assertEquals(200, kept.statusCode(), kept.body());
        assertEquals("天平居委会", json(kept).path("community").asText(), kept.body());
        assertEquals(p.lon(), json(kept).path("lon").asDouble(), 1e-9);
        // half a position, a latitude off the Earth and an unknown frame are refused with the field named
        var half = f.send("PUT", "/api/elders/" + id, sup, ELDER.replace("\"category\"", "\"lat\":31.2,\"category\""));
        assertEquals(400, half.statusCode(), half.body());
        assertTrue(half.body().contains("lon"), half.body());
        var off = f.send("PUT", "/api/elders/" + id, sup, ELDER.replace("\"category\"", "\"lat\":91,\"lon\":121,\"category\""));
        assertEquals(400, off.statusCode(), off.body());
        var frame = f.send("PUT", "/api/elders/" + id, sup, ELDER.replace("\"category\"",
                "\"lat\":31.2,\"lon\":121.4,\"coordSystem\":\"mars\",\"category\""));
        assertEquals(400, frame.statusCode(), frame.body());
        assertTrue(frame.body().contains("coordSystem"), frame.body());
        assertEquals("天平居委会", f.elders.byId.get(id).place().community(), "a refused PUT changes nothing");
    }

    @Test
    void theArchiveIsKeptTheInsuranceCardSealedShownMaskedAndRevealedOnlyWithAnAuditRow() throws Exception {
        String sup = f.token(f.supervisor);
        var created = f.send("POST", "/api/elders", sup, ELDER.replace("\"category\"",
                "\"economicHardship\":true,\"careLevel\":\"assisted\",\"enrolmentState\":\"enrolled\","
                        + "\"enrolledOn\":\"2026-03-01\",\"noticeSignedOn\":\"2026-02-27\",\"noticeRef\":\"NT-0042\","
                        + "\"registrationFormSignedOn\":\"2026-02-27\",\"registrationFormRef\":\"RF-0042\","
                        + "\"insuranceCardNumber\":\"SH 0123 4567 8901\",\"category\""));
        assertEquals(201, created.statusCode(), created.body());
        var body = json(created);
        long id = body.path("id").asLong();
        assertTrue(body.path("economicHardship").asBoolean());
        assertEquals("assisted", body.path("careLevel").asText());
        assertEquals("enrolled", body.path("enrolmentState").asText());
        assertEquals("2026-03-01", body.path("enrolledOn").asText());
        assertEquals("RF-0042", body.path("registrationFormRef").asText());
        // no 人工代呼 agreement on file: the pop shows it (in red)
        assertFalse(body.path("proxyCallAgreed").asBoolean(), created.body());
        // the card: masked in the record, never in clear, and sealed (AES-GCM) where it is stored
        assertEquals("************8901", body.path("insuranceCard").asText());
        assertFalse(created.body().contains("SH012345678901"), created.body());
        var card = f.elders.byId.get(id).archive().insuranceCard();
        assertFalse(card.sealed().contains("012345678901"));
        assertEquals("SH012345678901", onekey.elders.ArchiveCipher.of(ApiFixture.ARCHIVE_KEY).open(id, card));
        // a PUT that names none of the archive's fields keeps it, card included
        var kept = f.send("PUT", "/api/elders/" + id, sup, ELDER);
        assertEquals("assisted", json(kept).path("careLevel").asText(), kept.body());
        assertEquals("************8901", json(kept).path("insuranceCard").asText(), kept.body());
        // the agreement signed: replaced archive, card kept (not named)
        var signed = f.send("PUT", "/api/elders/" + id, sup, ELDER.replace("\"category\"",
                "\"careLevel\":\"nursing\",\"proxyCallSignedOn\":\"2026-05-20\",\"proxyCallRef\":\"DH-7\",\"category\""));
        assertEquals(200, signed.statusCode(), signed.body());
        assertTrue(json(signed).path("proxyCallAgreed").asBoolean(), signed.body());
        assertEquals("nursing", json(signed).path("careLevel").asText());
        assertFalse(json(signed).path("economicHardship").asBoolean(), "a named archive is replaced whole");
        assertEquals("************8901", json(signed).path("insuranceCard").asText(), signed.body());
        // revealed: the number, and an audit row written; an agent not on a call with the elder needs a reason
        var agentNoReason = f.send("GET", "/api/elders/" + id + "/insurance-card", f.token(f.agent), null);
        assertError(agentNoReason, 403, "reason_required", "reason");
        assertEquals(0, f.audit.count("elder.insurance-card.reveal", Long.toString(id)));
        var revealed = f.send("GET", "/api/elders/" + id + "/insurance-card?reason=booking", sup, null);
        assertEquals(200, revealed.statusCode(), revealed.body());
        assertEquals("SH012345678901", json(revealed).path("insuranceCardNumber").asText());
        assertEquals(1, f.audit.count("elder.insurance-card.reveal", Long.toString(id)));
        // bad values name their field; "" clears the card
        assertError(f.send("PUT", "/api/elders/" + id, sup, ELDER.replace("\"category\"", "\"careLevel\":\"bedridden\",\"category\"")),
                400, "invalid_field", "careLevel");
        assertError(f.send("PUT", "/api/elders/" + id, sup, ELDER.replace("\"category\"", "\"enrolledOn\":\"2026-13-01\",\"category\"")),
                400, "invalid_field", "enrolledOn");
        var cleared = f.send("PUT", "/api/elders/" + id, sup, ELDER.replace("\"category\"", "\"insuranceCardNumber\":\"\",\"category\""));
        assertTrue(json(cleared).path("insuranceCard").isNull(), cleared.body());
        assertEquals(404, f.send("GET", "/api/elders/" + id + "/insurance-card?reason=booking", sup, null).statusCode());
    }

    @Test
    void oversizedBodyIs413() throws Exception {
        String big = "{\"name\":\"" + "x".repeat(5000) + "\",\"phones\":[\"13800138000\"]}";
        var r = f.send("POST", "/api/elders", f.token(f.supervisor), big);
        assertError(r, 413, "body_too_large", null);
        assertTrue(f.elders.byId.isEmpty());
    }

    // ---- elders ----

    @Test
    void createElderThenGetReturnsFullRecordAndWritesAuditRow() throws Exception {
        var created = f.send("POST", "/api/elders", f.token(f.supervisor), ELDER);
        assertEquals(201, created.statusCode(), created.body());
        long id = json(created).path("id").asLong();
        assertEquals(List.of("2155550001", "13800138000"), f.elders.byId.get(id).phones());

        String agentToken = f.token(f.agent);
        // not on a call with this elder: an agent must say why it opens the record
        assertError(f.send("GET", "/api/elders/" + id, agentToken, null), 403, "reason_required", "reason");
        assertEquals(0, f.audit.count("elder.view", Long.toString(id)));
        var got = f.send("GET", "/api/elders/" + id + "?reason=call-back%20after%20SOS", agentToken, null);
        assertEquals(200, got.statusCode(), got.body());
        JsonNode e = json(got);
        assertEquals("王秀英", e.path("name").asText());
        assertEquals(86, e.path("age").asInt());
        assertEquals("1940-03-05", e.path("birthDate").asText());
        assertEquals("王强", e.path("contacts").get(0).path("name").asText());
        assertEquals("2155550099", e.path("contacts").get(1).path("phone").asText());
        assertEquals(1, f.audit.count("elder.view", Long.toString(id)));
        assertEquals("ann", f.audit.recent("elder", Long.toString(id), 1).get(0).username());
        assertEquals("reason=call-back after SOS", f.audit.recent("elder", Long.toString(id), 1).get(0).detail());

        // on a call with the elder (or just after it), no reason is needed; the row names the call
        f.calls.update(new CallRecord(5, "1700000000.5", "PJSIP/trunk-0005", "02155550001", "12349", Service.SOS, 10,
                id, f.agent.id(), "ann", 1_000_000L, 1_000_100L, 1_004_000L, null, 4_000L, null, onekey.calls.CallOutcome.ANSWERED, null, null,
                false, null));
        assertEquals(200, f.send("GET", "/api/elders/" + id, agentToken, null).statusCode());
        assertEquals(2, f.audit.count("elder.view", Long.toString(id)));
        assertEquals("call=5", f.audit.recent("elder", Long.toString(id), 1).get(0).detail());
        // another agent is not on that call
        assertError(f.send("GET", "/api/elders/" + id, f.token(f.agent2), null), 403, "reason_required", "reason");

        // the list is a masked summary; the search itself is audited (one row)
        var list = f.send("GET", "/api/elders?q=%E7%8E%8B", agentToken, null);
        assertEquals(200, list.statusCode(), list.body());
        JsonNode first = json(list).get(0);
        assertEquals("******0001", first.path("phones").get(0).asText());
        assertFalse(first.has("contacts"));
        assertEquals(2, f.audit.count("elder.view", Long.toString(id)));
        assertTrue(f.audit.rows.stream().anyMatch(a -> a.action().equals("elder.list") && a.username().equals("ann")
                && a.detail().equals("q=王 results=1")));

        var audit = f.send("GET", "/api/audit?elderId=" + id + "&actor=ann", f.token(f.supervisor), null);
        assertEquals(200, audit.statusCode(), audit.body());
        assertEquals(2, json(audit).size(), audit.body());
        assertEquals("elder.view", json(audit).get(0).path("action").asText());
        assertEquals(0, json(f.send("GET", "/api/audit?elderId=" + id + "&actor=bob", f.token(f.supervisor), null)).size());
        long now = System.currentTimeMillis();
        assertEquals(0, json(f.send("GET", "/api/audit?elderId=" + id + "&from=" + (now + 60_000), f.token(f.supervisor),
                null)).size());
        assertEquals(2, json(f.send("GET", "/api/audit?elderId=" + id + "&actor=ann&from=" + (now - 600_000) + "&to="
                + java.time.Instant.ofEpochMilli(now + 60_000), f.token(f.supervisor), null)).size());
        assertError(f.send("GET", "/api/audit?from=yesterday", f.token(f.supervisor), null), 400, "invalid_param", "from");
        assertError(f.send("GET", "/api/audit", agentToken, null), 403, "forbidden", null);
    }

    @Test
    void duplicatePhoneIs409NamingTheField() throws Exception {
        assertEquals(201, f.send("POST", "/api/elders", f.token(f.admin), ELDER).statusCode());
        String other = "{\"name\":\"李四\",\"phones\":[\"13700137000\",\"+86 138 0013 8000\"]}";
        assertError(f.send("POST", "/api/elders", f.token(f.admin), other), 409, "conflict", "phones[1]");
    }

    @Test
    void getUnknownElderIs404WithoutAudit() throws Exception {
        assertError(f.send("GET", "/api/elders/99", f.token(f.agent), null), 404, "not_found", null);
        assertTrue(f.audit.rows.isEmpty());
    }

    // ---- agents ----

    @Test
    void adminCreatesAgentWhichIsSyncedToAsteriskAndHashIsNeverReturned() throws Exception {
        var r = f.send("POST", "/api/agents", f.token(f.admin),
                "{\"username\":\"carl\",\"password\":\"long-enough\",\"role\":\"agent\",\"extension\":\"1003\","
                        + "\"sipSecret\":\"sip-secret-3\"}");
        assertEquals(201, r.statusCode(), r.body());
        assertEquals("sip-secret-3", json(r).path("sipSecret").asText());
        assertEquals(1, f.sipSyncs.size());
        assertTrue(f.sipSyncs.get(0).stream().anyMatch(a -> a.username().equals("carl")));

        var sup = f.send("GET", "/api/agents", f.token(f.supervisor), null);
        assertEquals(200, sup.statusCode());
        assertFalse(sup.body().contains("sipSecret"), "supervisors do not see SIP secrets");
        assertFalse(sup.body().contains("pbkdf2"));

        long id = json(r).path("id").asLong();
        var upd = f.send("PUT", "/api/agents/" + id, f.token(f.admin),
                "{\"username\":\"carl\",\"role\":\"supervisor\",\"extension\":\"1003\",\"sipSecret\":\"sip-secret-3\"}");
        assertEquals(200, upd.statusCode(), upd.body());
        assertEquals("supervisor", json(upd).path("role").asText());
        assertEquals(2, f.sipSyncs.size());
    }

    @Test
    void agentValidationAndConflicts() throws Exception {
        String t = f.token(f.admin);
        assertError(f.send("POST", "/api/agents", t, "{\"username\":\"Carl!\",\"password\":\"long-enough\",\"role\":\"agent\",\"extension\":\"1003\",\"sipSecret\":\"sip-secret-3\"}"),
                400, "invalid_field", "username");
        assertError(f.send("POST", "/api/agents", t, "{\"username\":\"carl\",\"password\":\"short\",\"role\":\"agent\",\"extension\":\"1003\",\"sipSecret\":\"sip-secret-3\"}"),
                400, "invalid_field", "password");
        assertError(f.send("POST", "/api/agents", t, "{\"username\":\"carl\",\"password\":\"long-enough\",\"role\":\"boss\",\"extension\":\"1003\",\"sipSecret\":\"sip-secret-3\"}"),
                400, "invalid_field", "role");
        assertError(f.send("POST", "/api/agents", t, "{\"username\":\"carl\",\"password\":\"long-enough\",\"role\":\"agent\",\"extension\":\"10a\",\"sipSecret\":\"sip-secret-3\"}"),
                400, "invalid_field", "extension");
        assertError(f.send("POST", "/api/agents", t, "{\"username\":\"carl\",\"password\":\"long-enough\",\"role\":\"agent\",\"extension\":\"1001\",\"sipSecret\":\"sip-secret-3\"}"),
                409, "conflict", "extension");
        assertTrue(f.sipSyncs.isEmpty());
    }

    // ---- calls ----

    private CallRecord call(long id, long agentId, String agentName, Long recordingId) {
        return new CallRecord(id, "1700000000." + id, "PJSIP/trunk-0001", "02155550001", "12349", Service.SOS, 10,
                7L, agentId, agentName, 1_000_000L + id, 1_000_100L, 1_004_000L + id, 1_064_000L, 4_000L, 60_000L,
                onekey.calls.CallOutcome.COMPLETED, null, null, false, recordingId);
    }

    @Test
    void callsListHasTheFixedShape() throws Exception {
        f.calls.update(call(1, f.agent.id(), "ann", 11L));
        f.calls.update(call(2, f.agent2.id(), "bob", null));
        var r = f.send("GET", "/api/calls?elderId=7&limit=10", f.token(f.supervisor), null);
        assertEquals(200, r.statusCode(), r.body());
        JsonNode list = json(r);
        assertEquals(2, list.size());
        assertEquals("02155550001", list.get(0).path("callerNumber").asText());
        JsonNode c = list.get(1);
        for (String k : List.of("id", "elderId", "line", "agent", "arrivedAt", "answeredAt", "endedAt", "waitMs",
                "talkMs", "recordingId", "callerNumber", "dnis", "outcome", "disposition", "failOpen")) {
            assertTrue(c.has(k), "missing " + k + " in " + c);
        }
        assertEquals(1, c.path("id").asLong());
        assertEquals("sos", c.path("line").asText());
        assertEquals("ann", c.path("agent").asText());
        assertEquals(1_004_001L, c.path("answeredAt").asLong());
        assertEquals(11, c.path("recordingId").asLong());
        assertTrue(list.get(0).path("recordingId").isNull());
        // an agent lists its own calls only, numbers masked; another agent's call is 403; every read is audited
        JsonNode own = json(f.send("GET", "/api/calls?elderId=7&limit=10", f.token(f.agent), null));
        assertEquals(1, own.size(), own.toString());
        assertEquals(1, own.get(0).path("id").asLong());
        assertEquals("*******0001", own.get(0).path("callerNumber").asText());
        assertEquals("*******0001", json(f.send("GET", "/api/calls?limit=10", f.token(f.admin), null)).get(0)
                .path("callerNumber").asText());
        assertError(f.send("GET", "/api/calls/2", f.token(f.agent), null), 403, "forbidden", null);
        var mine = f.send("GET", "/api/calls/1", f.token(f.agent), null);
        assertEquals(200, mine.statusCode(), mine.body());
        assertEquals("02155550001", json(mine).path("callerNumber").asText());
        assertTrue(f.audit.rows.stream().anyMatch(a -> a.action().equals("call.view") && a.username().equals("ann")
                && a.targetId().equals("7") && a.detail().equals("call=1")));
        assertTrue(f.audit.rows.stream().anyMatch(a -> a.action().equals("call.list") && a.username().equals("ann")));
        assertError(f.send("GET", "/api/recordings?callId=2", f.token(f.agent), null), 403, "forbidden", null);
        assertError(f.send("GET", "/api/calls?limit=501", f.token(f.agent), null), 400, "invalid_param", "limit");
        assertError(f.send("GET", "/api/calls?since=yesterday", f.token(f.agent), null), 400, "invalid_param", "since");
    }

    @Test
    void dispositionByTheAgentWhoTookTheCallUpdatesRecordAndTimeline() throws Exception {
        f.calls.update(call(1, f.agent.id(), "ann", null));
        String body = "{\"disposition\":\"resolved\",\"notes\":\"family informed\"}";
        assertError(f.send("PUT", "/api/calls/1/disposition", f.token(f.agent2), body), 403, "forbidden", null);
        var r = f.send("PUT", "/api/calls/1/disposition", f.token(f.agent), body);
        assertEquals(200, r.statusCode(), r.body());
        assertEquals("resolved", f.calls.byId.get(1L).disposition());
        assertEquals("family informed", f.calls.byId.get(1L).notes());
        var got = json(f.send("GET", "/api/calls/1", f.token(f.supervisor), null));
        JsonNode last = got.path("timeline").get(got.path("timeline").size() - 1);
        assertEquals("disposition", last.path("type").asText());
        assertEquals(ApiFixture.CLOCK.millis(), last.path("at").asLong());
        assertError(f.send("PUT", "/api/calls/1/disposition", f.token(f.agent), "{\"notes\":\"x\"}"),
                400, "missing_field", "disposition");
    }

    // ---- recordings ----

    private byte[] recording(long id, Long callId, String file, int size) throws Exception {
        byte[] data = new byte[size];
        for (int i = 0; i < size; i++) {
            data[i] = (byte) i;
        }
        Files.write(dir.resolve(file), data);
        f.recordings.save(new Recording(id, callId, file, 1000, size, "abc", "ok", 1L));
        return data;
    }

    private HttpResponse<byte[]> play(long id, String token, String range) {
        HttpRequest.Builder b = HttpRequest.newBuilder(f.uri("/api/recordings/" + id)).header("Authorization", "Bearer " + token);
        if (range != null) {
            b.header("Range", range);
        }
        try {
            return f.http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void recordingPlaybackSupportsRangesAndIsAudited() throws Exception {
        byte[] data = recording(11, 1L, "r11.wav", 1000);
        f.calls.update(call(1, f.agent.id(), "ann", 11L));
        String ann = f.token(f.agent);

        var full = play(11, ann, null);
        assertEquals(200, full.statusCode());
        assertEquals("audio/wav", full.headers().firstValue("Content-Type").orElse(""));
        assertEquals("bytes", full.headers().firstValue("Accept-Ranges").orElse(""));
        assertArrayEquals(data, full.body());

        var part = play(11, ann, "bytes=100-199");
        assertEquals(206, part.statusCode());
        assertEquals("bytes 100-199/1000", part.headers().firstValue("Content-Range").orElse(""));
        assertArrayEquals(Arrays.copyOfRange(data, 100, 200), part.body());

        var open = play(11, ann, "bytes=990-");
        assertEquals(206, open.statusCode());
        assertArrayEquals(Arrays.copyOfRange(data, 990, 1000), open.body());

        var suffix = play(11, ann, "bytes=-10");
        assertEquals(206, suffix.statusCode());
        assertEquals("bytes 990-999/1000", suffix.headers().firstValue("Content-Range").orElse(""));

        var bad = play(11, ann, "bytes=1000-");
        assertEquals(416, bad.statusCode());
        assertEquals("bytes */1000", bad.headers().firstValue("Content-Range").orElse(""));

        assertEquals(4, f.audit.count("recording.play", "11"), "every playback is audited, a 416 is not");
        assertEquals(403, play(11, f.token(f.agent2), null).statusCode());
        assertEquals(200, play(11, f.token(f.supervisor), null).statusCode());

        var meta = f.send("GET", "/api/recordings?callId=1", ann, null);
        assertEquals(200, meta.statusCode());
        assertEquals(1000, json(meta).get(0).path("sizeBytes").asLong());
        assertFalse(meta.body().contains("r11.wav"), "server paths are not exposed");
    }

    @Test
    void recordingWhoseFileIsGoneIs410() throws Exception {
        recording(12, 1L, "r12.wav", 10);
        Files.delete(dir.resolve("r12.wav"));
        var r = f.send("GET", "/api/recordings/12", f.token(f.supervisor), null);
        assertError(r, 410, "recording_gone", null);
        assertEquals(0, f.audit.count("recording.play", "12"));
    }

    // ---- health ----

    @Test
    void healthNeedsNoTokenAnd503WhenDegraded() throws Exception {
        var ok = f.send("GET", "/api/health", null, null);
        assertEquals(200, ok.statusCode());
        assertEquals("ok", json(ok).path("status").asText());
        f.health.set(Map.of("status", "degraded", "asterisk", Map.of("connected", false)));
        var bad = f.send("GET", "/api/health", null, null);
        assertEquals(503, bad.statusCode());
        assertFalse(json(bad).path("asterisk").path("connected").asBoolean(true));
    }

    @Test
    void closeStopsAllServerThreads() {
        f.close();
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(5)).until(() ->
                Thread.getAllStackTraces().keySet().stream().noneMatch(t -> t.getName().startsWith("api-io")));
        assertNull(null);
    }
}
