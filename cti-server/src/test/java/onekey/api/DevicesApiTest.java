package onekey.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import onekey.auth.JooqAuditLog;
import onekey.devices.AlarmService;
import onekey.devices.AlarmSignature;
import onekey.devices.DeviceRepository;
import onekey.devices.DeviceService;
import onekey.elders.Elder;
import onekey.elders.ElderDraft;
import onekey.elders.JooqElderRepository;
import onekey.events.EventHub;
import onekey.store.Database;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 24 over HTTP: POST/GET /api/devices with roles, PUT test-mode, and POST /api/alarms — HMAC-signed with the
 * platform's key, replayed twice → one alarm and one incident, a bad or missing signature → 401.
 */
class DevicesApiTest {
    static final String KEY = "acme-platform-key-0123456789";

    @TempDir
    Path tmp;
    Database db;
    ApiFixture f;
    Elder li;
    final List<String> incidents = new ArrayList<>();

    @BeforeEach
    void up() {
        db = Database.open(Database.h2FileUrl(tmp.resolve("onekey")), "sa", "", 4);
        var elders = new JooqElderRepository(db, "21", ApiFixture.CLOCK);
        li = elders.create(new ElderDraft("李阿婆", null, null, List.of("13800001234"), "延安西路 1 号", null, null, "zh",
                null, null, null, null, null, null, null, List.of(), true));
        var audit = new JooqAuditLog(db, ApiFixture.CLOCK);
        EventHub hub = new EventHub(100);
        DeviceService devices = new DeviceService(new DeviceRepository(db), elders, audit, hub, ApiFixture.CLOCK, 30,
                "21", null);
        AlarmService alarms = new AlarmService(devices, elders, (elderId, detail) -> {
            incidents.add(detail);
            return new AlarmService.Incidents.Opened(incidents.size(), true, Map.of("id", incidents.size()));
        }, List::of, audit, hub, ApiFixture.CLOCK);
        f = new ApiFixture(tmp, s -> s.devices(devices, alarms, Map.of("acme", KEY)), true);
    }

    @AfterEach
    void down() {
        f.close();
        db.close();
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> read(String body) {
        try {
            return Json.MAPPER.readValue(body, Map.class);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private HttpResponse<String> alarm(String body, String signature) {
        HttpRequest.Builder b = HttpRequest.newBuilder(f.uri("/api/alarms"))
                .POST(HttpRequest.BodyPublishers.ofString(body)).header("Content-Type", "application/json");
        if (signature != null) {
            b.header("X-OneKey-Signature", signature);
        }
        return f.send(b.build());
    }

    @Test
    void devicesAreRegisteredBySupervisorsListedAndPutInTestMode() {
        String body = "{\"elderId\":" + li.id() + ",\"kind\":\"sos-button\",\"serial\":\"SOS-1\",\"contactIdAccount\":\"1234\","
                + "\"sipIdentity\":\"sos-1\",\"heartbeatMinutes\":60}";
        assertThat(f.send("POST", "/api/devices", f.token(f.agent), body).statusCode()).isEqualTo(403);
        HttpResponse<String> created = f.send("POST", "/api/devices", f.token(f.supervisor), body);
        assertThat(created.statusCode()).isEqualTo(201);
        Map<String, Object> d = read(created.body());
        assertThat(d.get("id")).isNotNull();
        assertThat(d.get("heartbeatMinutes")).isEqualTo(60);
        assertThat(f.send("POST", "/api/devices", f.token(f.supervisor), body.replace("SOS-1\"", "SOS-2\""))
                .statusCode()).isEqualTo(409); // the Contact ID account names the first one
        HttpResponse<String> list = f.send("GET", "/api/devices?elderId=" + li.id(), f.token(f.agent), null);
        assertThat(list.statusCode()).isEqualTo(200);
        assertThat(list.body()).contains("\"serial\":\"SOS-1\"");
        assertThat(f.send("GET", "/api/devices", f.token(f.agent), null).statusCode()).isEqualTo(403); // all elders'
        assertThat(f.send("GET", "/api/devices", f.token(f.supervisor), null).body()).contains("SOS-1");
        HttpResponse<String> tm = f.send("PUT", "/api/devices/" + d.get("id") + "/test-mode", f.token(f.agent),
                "{\"minutes\":15}");
        assertThat(tm.statusCode()).isEqualTo(200);
        assertThat(((Number) read(tm.body()).get("testModeUntil")).longValue())
                .isEqualTo(ApiFixture.CLOCK.millis() + 15 * 60_000L);
        assertThat(f.send("POST", "/api/devices", f.token(f.supervisor), "{\"elderId\":" + li.id()
                + ",\"kind\":\"toaster\",\"serial\":\"X\"}").body()).contains("\"field\":\"kind\"");
    }

    @Test
    void anAlarmReplayedTwiceMakesOneIncidentAndABadSignatureIs401() {
        f.send("POST", "/api/devices", f.token(f.supervisor), "{\"elderId\":" + li.id()
                + ",\"kind\":\"fall-sensor\",\"serial\":\"FALL-7\"}");
        String body = "{\"platform\":\"acme\",\"alarmId\":\"a-1001\",\"deviceSerial\":\"FALL-7\",\"kind\":\"fall\","
                + "\"at\":\"2026-06-01T15:59:30+08:00\",\"lat\":31.22,\"lon\":121.44}";
        String sig = AlarmSignature.sign(KEY, body.getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> first = alarm(body, sig);
        HttpResponse<String> second = alarm(body, sig);
        assertThat(first.statusCode()).isEqualTo(201);
        assertThat(second.statusCode()).isEqualTo(200);
        assertThat(read(second.body()).get("id")).isEqualTo(read(first.body()).get("id"));
        assertThat(read(second.body()).get("replay")).isEqualTo(true);
        assertThat(incidents).hasSize(1);
        assertThat(incidents.get(0)).startsWith("kind=fall device=FALL-7");
        assertThat(alarm(body, AlarmSignature.sign("another-key-0123456789", body.getBytes(StandardCharsets.UTF_8)))
                .statusCode()).isEqualTo(401);
        assertThat(alarm(body, null).statusCode()).isEqualTo(401);
        String other = body.replace("a-1001", "a-1002");
        assertThat(alarm(other, sig).statusCode()).isEqualTo(401); // the signature of another body
        assertThat(alarm(other.replace("\"acme\"", "\"nobody\""), sig).statusCode()).isEqualTo(401); // unknown platform
        assertThat(incidents).hasSize(1);
        HttpResponse<String> listed = f.send("GET", "/api/alarms?elderId=" + li.id(), f.token(f.agent), null);
        assertThat(listed.body()).contains("\"alarmId\":\"a-1001\"").doesNotContain("a-1002");
    }
}
