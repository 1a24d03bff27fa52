package onekey.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import onekey.auth.AccountDraft;
import onekey.auth.Role;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** GET /api/me: the signed-in account with its own SIP settings, never another account's; audited. */
class MeApiTest {

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

    private static JsonNode json(HttpResponse<String> r) throws Exception {
        return Json.MAPPER.readTree(r.body());
    }

    @Test
    void anAgentGetsItsOwnSipSettingsAndTheReadIsAudited() throws Exception {
        // another agent exists: its secret must not appear anywhere in ann's answer
        f.accounts.create(new AccountDraft("zoe", Role.AGENT, "1077", "zoe-secret-7", "Zoe", true), "x");
        HttpResponse<String> r = f.send("GET", "/api/me", f.token(f.agent), null);
        assertEquals(200, r.statusCode(), r.body());
        JsonNode me = json(r);
        assertEquals("ann", me.path("username").asText());
        assertEquals("agent", me.path("role").asText());
        assertEquals("1001", me.path("extension").asText());
        assertEquals("1001", me.path("sip").path("extension").asText());
        assertEquals("ann-secret-1", me.path("sip").path("secret").asText());
        assertEquals("127.0.0.1", me.path("sip").path("host").asText());
        assertEquals(5060, me.path("sip").path("port").asInt());
        assertEquals("udp", me.path("sip").path("transport").asText());
        assertFalse(r.body().contains("zoe-secret-7"), r.body());
        assertFalse(r.body().contains("sup-secret-1"), r.body());
        assertFalse(me.has("passwordHash"), r.body());
        assertEquals(1, f.audit.count("account.sip-settings", Long.toString(f.agent.id())));
        assertEquals("ann", f.audit.recent("account", Long.toString(f.agent.id()), 1).get(0).username());
    }

    @Test
    void aSupervisorGetsItsOwnAndAnAccountWithoutExtensionHasNoSip() throws Exception {
        JsonNode sup = json(f.send("GET", "/api/me", f.token(f.supervisor), null));
        assertEquals("sup", sup.path("username").asText());
        assertEquals("sup-secret-1", sup.path("sip").path("secret").asText());
        assertFalse(sup.toString().contains("ann-secret-1"));

        HttpResponse<String> admin = f.send("GET", "/api/me", f.token(f.admin), null);
        assertEquals(200, admin.statusCode(), admin.body());
        assertTrue(json(admin).path("sip").isNull(), admin.body());
        assertEquals("admin", json(admin).path("role").asText());
    }

    @Test
    void withoutATokenItIs401() throws Exception {
        HttpResponse<String> r = f.send("GET", "/api/me", null, null);
        assertEquals(401, r.statusCode(), r.body());
        assertEquals("unauthorized", json(r).path("error").asText());
        assertEquals(0, f.audit.count("account.sip-settings", Long.toString(f.agent.id())));
    }
}
