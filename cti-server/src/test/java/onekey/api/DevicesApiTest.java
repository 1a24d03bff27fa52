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
    JooqAuditLog audit;

    @BeforeEach
    void up() {
        db = onekey.testkit.H2Template.open(tmp.resolve("onekey"), "sa", 4);
        var elders = new JooqElderRepository(db, "21", ApiFixture.CLOCK);
        li = elders.create(new ElderDraft("李阿婆", null, null, List.of("13800001234"), "延安西路 1 号", null, null, "zh",
                null, null, null, null, null, null, null, List.of(), true));
        audit = new JooqAuditLog(db, ApiFixture.CLOCK);
        EventHub hub = new EventHub(100);
        DeviceService devices = new DeviceService(new DeviceRepository(db), elders, audit, hub, ApiFixture.CLOCK, 30,
                "21", null);
        AlarmService alarms = new AlarmService(devices, elders, (elderId, detail) -> {
            incidents.add(detail);
            return new AlarmService.Incidents.Opened(incidents.size(), true, Map.of("id", incidents.size()));
        }, List::of, audit, hub, ApiFixture.CLOCK);
        var stations = new onekey.devices.StationService(new onekey.devices.StationRepository(db), audit, ApiFixture.CLOCK,
                java.time.ZoneId.of("Asia/Shanghai"), "21");
        var thresholds = new onekey.devices.ElderThresholds(db, audit, ApiFixture.CLOCK);
        f = new ApiFixture(tmp, s -> s.devices(devices, alarms, Map.of("acme", KEY))
                .stations(stations, thresholds, elders, audit), true);
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
    void stationsAreRegisteredBySupervisorsValidatedAuditedAndTheNearestIsFound() {
        String body = "{\"name\":\"华阳驿站\",\"address\":\"华阳路 1 号\",\"lat\":31.2230,\"lon\":121.4400,"
                + "\"phone\":\"021-6200 0001\",\"hours\":\"24h\",\"staff\":\"王社工\"}";
        assertThat(f.send("POST", "/api/stations", f.token(f.agent), body).statusCode()).isEqualTo(403);
        HttpResponse<String> created = f.send("POST", "/api/stations", f.token(f.supervisor), body);
        assertThat(created.statusCode()).isEqualTo(201);
        Map<String, Object> st = read(created.body());
        assertThat(st.get("phone")).isEqualTo("021-6200 0001");
        assertThat(f.send("POST", "/api/stations", f.token(f.supervisor), body).statusCode()).isEqualTo(409);
        // bad coordinates, hours, phone: 400 naming the field
        for (String[] bad : new String[][] {{"\"lat\":31.2230", "\"lat\":91.5", "lat"},
                {"\"lon\":121.4400", "\"lon\":-200", "lon"}, {"\"lat\":31.2230,", "", "lat"},
                {"\"hours\":\"24h\"", "\"hours\":\"8-20\"", "hours"},
                {"\"phone\":\"021-6200 0001\"", "\"phone\":\"call us\"", "phone"},
                {"\"lat\":31.2230", "\"coordSystem\":\"utm\",\"lat\":31.2230", "coordSystem"}}) {
            HttpResponse<String> r = f.send("POST", "/api/stations", f.token(f.supervisor),
                    body.replace("华阳驿站", "另一驿站").replace(bad[0], bad[1]));
            assertThat(r.statusCode()).as(bad[1]).isEqualTo(400);
            assertThat(r.body()).as(bad[1]).contains("\"field\":\"" + bad[2] + "\"");
        }
        // GCJ-02 (a Chinese map service's coordinates) is stored as WGS-84: a few hundred metres apart in Shanghai
        Map<String, Object> gcj = read(f.send("POST", "/api/stations", f.token(f.supervisor), body.replace("华阳驿站", "高德驿站")
                .replace("\"lat\"", "\"coordSystem\":\"gcj02\",\"lat\"")).body());
        var wgs = onekey.elders.Coordinates.gcj02ToWgs84(31.2230, 121.4400);
        assertThat((Double) gcj.get("lat")).isCloseTo(wgs.lat(), org.assertj.core.data.Offset.offset(1e-9));
        assertThat((Double) gcj.get("lon")).isCloseTo(wgs.lon(), org.assertj.core.data.Offset.offset(1e-9));
        assertThat(onekey.elders.Coordinates.distanceKm(31.2230, 121.4400, wgs.lat(), wgs.lon())).isBetween(0.3, 0.8);
        HttpResponse<String> put = f.send("PUT", "/api/stations/" + st.get("id"), f.token(f.supervisor),
                "{\"hours\":\"mon-fri 08:00-18:00\",\"staff\":\"李社工\"}");
        assertThat(put.statusCode()).isEqualTo(200);
        assertThat(read(put.body())).containsEntry("hours", "mon-fri 08:00-18:00").containsEntry("name", "华阳驿站");
        assertThat(f.send("PUT", "/api/stations/" + st.get("id"), f.token(f.agent), "{}").statusCode()).isEqualTo(403);
        assertThat(f.send("PUT", "/api/stations/" + st.get("id"), f.token(f.supervisor), "{\"lat\":100,\"lon\":0}")
                .body()).contains("\"field\":\"lat\"");
        assertThat(f.send("GET", "/api/stations", f.token(f.agent), null).body()).contains("华阳驿站", "高德驿站");
        HttpResponse<String> near = f.send("GET", "/api/stations/nearest?lat=31.2200&lon=121.4400", f.token(f.agent), null);
        assertThat(near.statusCode()).isEqualTo(200);
        assertThat(read(near.body())).containsKeys("meters", "open", "phone");
        assertThat(f.send("GET", "/api/stations/nearest?lat=abc&lon=121.44", f.token(f.agent), null).statusCode())
                .isEqualTo(400);
        assertThat(audit.find(null, null, null, null, null, 100)).extracting(a -> a.action())
                .contains("station.register", "station.update");
    }

    @Test
    void anElderOwnRangesAreSetBySupervisorsAndValidated() {
        String path = "/api/elders/" + li.id() + "/thresholds";
        String body = "{\"heartRate\":{\"min\":50,\"max\":160}}";
        assertThat(f.send("PUT", path, f.token(f.agent), body).statusCode()).isEqualTo(403);
        HttpResponse<String> put = f.send("PUT", path, f.token(f.supervisor), body);
        assertThat(put.statusCode()).isEqualTo(200);
        assertThat(put.body()).contains("\"heartRate\":{\"min\":50.0,\"max\":160.0,\"source\":\"elder\"}",
                "\"spo2\":{\"min\":90.0,\"max\":100.0,\"source\":\"default\"}");
        assertThat(f.send("GET", path, f.token(f.agent), null).body()).contains("\"source\":\"elder\"");
        HttpResponse<String> bad = f.send("PUT", path, f.token(f.supervisor), "{\"spo2\":{\"min\":95,\"max\":80}}");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).contains("\"field\":\"spo2\"");
        assertThat(f.send("PUT", path, f.token(f.supervisor), "{\"spo2\":\"low\"}").body()).contains("\"field\":\"spo2\"");
        assertThat(f.send("PUT", path, f.token(f.supervisor), "{\"glucose\":{\"min\":4,\"max\":8}}").statusCode())
                .isEqualTo(400);
        assertThat(f.send("GET", "/api/elders/999999/thresholds", f.token(f.agent), null).statusCode()).isEqualTo(404);
        assertThat(audit.find(null, null, null, null, null, 100)).extracting(a -> a.action())
                .contains("elder.thresholds", "elder.thresholds.view");
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
