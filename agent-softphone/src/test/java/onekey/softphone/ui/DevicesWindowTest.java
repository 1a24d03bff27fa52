package onekey.softphone.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 24 in a supervisor's real window (its own JVM, Xvfb, X events) against {@link FakeCti}, which answers
 * {@code /api/devices}, {@code /api/alarms}, {@code /api/elders?q=} and {@code /api/stations} as the server does: the
 * desk's 终端 tab lists the terminals to see to with the elder, filters them, shows a selected one's tests and alarms,
 * sets and ends test mode with the keyboard; the register form finds the elder by name, shows the server's 400 and 409
 * at the field with everything typed kept, and registers (the body has every field); the 驿站 sub-tab adds a station
 * (a 400 at {@code lat} first), edits one and deactivates it.
 */
class DevicesWindowTest {

    static FakeCti cti;
    static DatagramSocket sip;
    static WindowProcess ui;
    static final long NOW = System.currentTimeMillis();
    static final DateTimeFormatter MDHM = DateTimeFormatter.ofPattern("MM-dd HH:mm").withZone(ZoneId.systemDefault());

    static ConditionFactory await(String what) {
        return Awaitility.await(what).atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50)).ignoreExceptions();
    }

    static String device(long id, long elderId, String kind, String serial, Long lastHeardAt, String lastTest,
                         Long testModeUntil) {
        return "{\"id\":" + id + ",\"elderId\":" + elderId + ",\"kind\":\"" + kind + "\",\"serial\":\"" + serial
                + "\",\"make\":\"海曼\",\"model\":\"HM-1\",\"callerNumber\":null,\"contactIdAccount\":null,\"sipIdentity\":null,"
                + "\"heartbeatMinutes\":60,\"installedOn\":\"2026-05-01\",\"installedBy\":\"王师傅\",\"lastHeardAt\":"
                + lastHeardAt + ",\"lastTest\":" + lastTest + ",\"testModeUntil\":" + testModeUntil + ",\"silentSince\":null}";
    }

    static final String REPORT = "{\"testDays\":30,\"rows\":["
            + "{\"device\":" + device(5, 7, "fall-sensor", "FALL-5", null, "null", null)
            + ",\"reason\":\"never-tested\",\"dueSince\":" + NOW + ",\"elderName\":\"张桂英\"},"
            + "{\"device\":" + device(6, 8, "sos-button", "SOS-6", NOW - 7_200_000L,
            "{\"at\":" + (NOW - 40L * 86_400_000) + ",\"by\":\"ivr\",\"result\":\"ok\"}", null)
            + ",\"reason\":\"silent\",\"dueSince\":" + (NOW - 3_600_000) + ",\"elderName\":\"李阿婆\"},"
            + "{\"device\":" + device(6, 8, "sos-button", "SOS-6", NOW - 7_200_000L,
            "{\"at\":" + (NOW - 40L * 86_400_000) + ",\"by\":\"ivr\",\"result\":\"ok\"}", null)
            + ",\"reason\":\"test-overdue\",\"dueSince\":" + (NOW - 10L * 86_400_000) + ",\"elderName\":\"李阿婆\"}]}";

    @BeforeAll
    static void start() throws Exception {
        sip = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        cti = new FakeCti(9, "1001", sip.getLocalPort());
        cti.answers.put("POST /api/login", "{\"token\":\"test-token\",\"role\":\"supervisor\"}");
        cti.answers.put("GET /api/me", "{\"id\":9,\"username\":\"1001\",\"displayName\":\"班长一\",\"role\":\"supervisor\","
                + "\"wrapUpSeconds\":0,\"sip\":{\"host\":\"127.0.0.1\",\"port\":" + sip.getLocalPort()
                + ",\"extension\":\"1001\",\"secret\":\"secret\"}}");
        cti.answers.put("GET /api/devices/report", REPORT);
        cti.answers.put("GET /api/alerts?open=true", "[]");
        cti.answers.put("GET /api/stations", "[]");
        ui = new WindowProcess(cti.api(), false);
        await("CTI connected").until(() -> ui.text("ctiStatus").contains("CTI 已连接"));
    }

    @AfterAll
    static void stop() throws Exception {
        if (ui != null) {
            ui.close();
        }
        cti.close();
        sip.close();
    }

    static void openTerminalsTab() {
        ui.mouse("deskButton");
        await("the desk").until(() -> ui.visible("deskTabs"));
        ui.send("tab deskTabs 终端");
        ui.send("tab devicesTabs 终端与测试");
        await("the terminals tab").until(() -> ui.visible("devicesTable"));
    }

    @Test
    void theReportTestModeTestsAndAlarmsOfATerminal() {
        openTerminalsTab();
        await("the report").until(() -> ui.text("devicesCount").equals("共 3 台"));
        String rows = ui.text("devicesTable");
        assertTrue(rows.contains("#5, 张桂英（#7）, 跌倒报警器, FALL-5, 从未测试, —, 从未测试, "), rows);
        assertTrue(rows.contains("#6, 李阿婆（#8）, 便携 SOS 按钮（GPS）, SOS-6, 失联, "
                + MDHM.format(Instant.ofEpochMilli(NOW - 7_200_000L)) + ", "
                + MDHM.format(Instant.ofEpochMilli(NOW - 40L * 86_400_000)) + " 通过 · ivr"), rows);
        assertTrue(rows.contains("SOS-6, 测试逾期"), rows);
        assertEquals("开启测试模式 (Ctrl+T)", ui.text("devicesTestOn"));

        // the filter: only the silent ones
        ui.send("select devicesFilter 失联");
        await("the silent ones").until(() -> ui.text("devicesCount").equals("共 1 台"));
        assertTrue(ui.text("devicesTable").startsWith("#6, 李阿婆（#8）"), ui.text("devicesTable"));

        // the selected terminal: its record, its tests, its own alarms (not the other device's of the same elder)
        cti.answers.put("GET /api/devices/6", device(6, 8, "sos-button", "SOS-6", NOW - 7_200_000L,
                "{\"at\":" + (NOW - 40L * 86_400_000) + ",\"by\":\"ivr\",\"result\":\"ok\"}", null));
        cti.answers.put("GET /api/devices/6/tests", "[{\"id\":3,\"deviceId\":6,\"at\":" + (NOW - 40L * 86_400_000)
                + ",\"by\":\"ivr\",\"via\":\"call\",\"result\":\"ok\",\"detail\":null},{\"id\":1,\"deviceId\":6,\"at\":"
                + (NOW - 60L * 86_400_000) + ",\"by\":\"zhou\",\"via\":\"manual\",\"result\":\"no-tone\",\"detail\":\"按键无反应\"}]");
        cti.answers.put("GET /api/alarms?elderId=8&limit=50", "[{\"id\":21,\"platform\":\"acme\",\"alarmId\":\"a-1\","
                + "\"source\":\"api\",\"deviceId\":6,\"elderId\":8,\"kind\":\"personal-emergency\",\"receivedAt\":" + (NOW - 86_400_000)
                + ",\"occurredAt\":null,\"lat\":31.27123,\"lon\":121.52345,\"accuracyM\":12.0,\"detail\":\"SOS 键\","
                + "\"escalated\":true,\"incidentId\":44},{\"id\":22,\"platform\":\"asterisk\",\"alarmId\":\"b-1\","
                + "\"source\":\"contact-id\",\"deviceId\":99,\"elderId\":8,\"kind\":\"smoke\",\"receivedAt\":" + NOW
                + ",\"occurredAt\":null,\"lat\":null,\"lon\":null,\"accuracyM\":null,\"detail\":null,\"escalated\":true,"
                + "\"incidentId\":45}]");
        ui.send("row devicesTable #6");
        await("the terminal's detail").until(() -> ui.text("devicesDetail").contains("最近报警"));
        String detail = ui.text("devicesDetail");
        assertTrue(detail.startsWith("#6  便携 SOS 按钮（GPS）  SOS-6  老人 李阿婆（#8）"), detail);
        assertTrue(detail.contains("测试记录\n  " + MDHM.format(Instant.ofEpochMilli(NOW - 40L * 86_400_000))
                + "  通过  方式 call  ivr\n  " + MDHM.format(Instant.ofEpochMilli(NOW - 60L * 86_400_000))
                + "  未通过 no-tone  方式 manual  zhou  按键无反应"), detail);
        assertTrue(detail.contains("personal-emergency  api  事件 #44  31.27123, 121.52345  SOS 键"), detail);
        assertFalse(detail.contains("事件 #45"), "another terminal's alarm is not this one's: " + detail);

        // 开启测试模式 20 分钟 with the keyboard, then ended
        long until = NOW + 20 * 60_000;
        cti.handlers.put("PUT /api/devices/6/test-mode", r -> new FakeCti.Reply(200, device(6, 8, "sos-button", "SOS-6",
                NOW, "null", r.json().path("minutes").asInt() == 0 ? null : until)));
        ui.send("type devicesMinutes 20");
        ui.keys("ctrl+T", "desk");
        await("test mode set").until(() -> cti.sent("PUT", "/api/devices/6/test-mode").size() == 1);
        assertEquals(20, cti.sent("PUT", "/api/devices/6/test-mode").get(0).json().path("minutes").asInt());
        String hm = DateTimeFormatter.ofPattern("HH:mm").withZone(ZoneId.systemDefault()).format(Instant.ofEpochMilli(until));
        await("the status").until(() -> ui.text("devicesStatus").equals("终端 #6 测试模式至 " + hm + "：请驿站工作人员按键测试"));
        ui.keys("ctrl+E", "desk");
        await("test mode ended").until(() -> cti.sent("PUT", "/api/devices/6/test-mode").size() == 2);
        assertEquals(0, cti.sent("PUT", "/api/devices/6/test-mode").get(1).json().path("minutes").asInt());
        await("the status").until(() -> ui.text("devicesStatus").equals("终端 #6 测试模式已结束"));

        // out of range: said in the window, nothing sent
        ui.send("type devicesMinutes 0");
        ui.keys("ctrl+T", "desk");
        await("the rule").until(() -> ui.text("devicesStatus").equals("测试分钟须为 1–1440"));
        assertEquals(2, cti.sent("PUT", "/api/devices/6/test-mode").size());

        // a device.* event: the report is read again
        int before = cti.sent("GET", "/api/devices/report").size();
        cti.answers.put("GET /api/devices/report", "{\"testDays\":30,\"rows\":[]}");
        sendQuietly("{\"type\":\"device.tested\",\"device\":{\"id\":6},\"test\":{\"id\":4}}");
        await("read again on device.tested").until(() -> cti.sent("GET", "/api/devices/report").size() > before
                && ui.text("devicesCount").equals("共 0 台"));
        cti.answers.put("GET /api/devices/report", REPORT);
    }

    @Test
    void aTerminalIsRegisteredForAnElderFoundByNameAndTheServersRefusalsAreShownAtTheirFields() {
        openTerminalsTab();
        String q = "/api/elders?q=" + URLEncoder.encode("张桂英", StandardCharsets.UTF_8) + "&limit=20";
        cti.answers.put("GET " + q, "[{\"id\":7,\"name\":\"张桂英\",\"district\":\"杨浦区\",\"age\":88,\"language\":\"zh\","
                + "\"phones\":[\"****0001\"]}]");
        assertEquals("登记终端 (Ctrl+S)", ui.text("dfRegister"));

        // nothing chosen yet: said at the elder, nothing sent
        ui.keys("ctrl+S", "desk");
        await("choose the elder").until(() -> ui.text("dfErr.elderId").equals("请先查找并选择老人"));
        assertTrue(cti.sent("POST", "/api/devices").isEmpty());

        ui.send("type dfElderQuery 张桂英");
        ui.keys("ctrl+F", "desk");
        await("the elder found and chosen").until(() -> ui.text("dfElderId").equals("张桂英（#7） · 88岁 · 杨浦区 · ****0001"));
        assertEquals(1, cti.sent("GET", q).size());

        ui.send("select dfKind fall-sensor");
        ui.send("type dfSerial FALL 17");
        ui.send("type dfMake 海曼");
        ui.send("type dfModel HS-1CA");
        ui.send("type dfCallerNumber 02155550001");
        ui.send("type dfContactIdAccount 12A4");
        ui.send("type dfSipIdentity fall-17@alarm.example");
        ui.send("type dfHeartbeatMinutes 60");
        ui.send("type dfInstalledOn 2026-06-01");
        ui.send("type dfInstalledBy 驿站 王师傅");

        // the server's 400 at its field; everything typed stays
        AtomicInteger posts = new AtomicInteger();
        cti.handlers.put("POST /api/devices", r -> switch (posts.incrementAndGet()) {
            case 1 -> new FakeCti.Reply(400, "{\"error\":\"invalid_field\",\"field\":\"serial\","
                    + "\"message\":\"serial: 1 to 64 letters, digits, . _ : -\"}");
            case 2 -> new FakeCti.Reply(409, "{\"error\":\"conflict\",\"field\":\"contactIdAccount\","
                    + "\"message\":\"\\\"contactIdAccount\\\" already names another device\"}");
            default -> new FakeCti.Reply(201, device(12, 7, "fall-sensor", "FALL-17", null, "null", null));
        });
        ui.keys("ctrl+S", "desk");
        await("the 400 at the serial").until(() -> ui.text("dfErr.serial").equals("serial: 1 to 64 letters, digits, . _ : -"));
        assertTrue(ui.visible("dfErr.serial"));
        assertEquals("未登记：serial: 1 to 64 letters, digits, . _ : -", ui.text("dfStatus"));
        assertEquals("FALL 17", ui.text("dfSerial"));
        assertEquals("驿站 王师傅", ui.text("dfInstalledBy"));
        assertEquals("12A4", ui.text("dfContactIdAccount"));

        // corrected; the 409 names the Contact ID account: shown there, the serial's message gone
        ui.send("type dfSerial FALL-17");
        ui.mouse("dfRegister");
        await("the 409 at the account").until(() -> ui.text("dfErr.contactIdAccount")
                .equals("\"contactIdAccount\" already names another device"));
        assertFalse(ui.visible("dfErr.serial"));
        assertEquals("FALL-17", ui.text("dfSerial"));

        cti.answers.put("GET /api/devices?elderId=7", "[" + device(5, 7, "fall-sensor", "FALL-5", null, "null", null) + ","
                + device(12, 7, "fall-sensor", "FALL-17", null, "null", null) + "]");
        ui.send("type dfContactIdAccount 12A5");
        cti.answers.put("GET /api/devices/12", device(12, 7, "fall-sensor", "FALL-17", null, "null", null));
        cti.answers.put("GET /api/devices/12/tests", "[]");
        cti.answers.put("GET /api/alarms?elderId=7&limit=50", "[]");
        ui.keys("ctrl+S", "desk");
        await("registered").until(() -> ui.text("dfStatus").equals("终端 #12 已登记（张桂英）"));
        List<FakeCti.Request> sent = cti.sent("POST", "/api/devices");
        assertEquals(3, sent.size());
        JsonNode b = sent.get(2).json();
        assertEquals(7, b.path("elderId").asLong());
        assertEquals("fall-sensor", b.path("kind").asText());
        assertEquals("FALL-17", b.path("serial").asText());
        assertEquals("海曼", b.path("make").asText());
        assertEquals("HS-1CA", b.path("model").asText());
        assertEquals("02155550001", b.path("callerNumber").asText());
        assertEquals("12A5", b.path("contactIdAccount").asText());
        assertEquals("fall-17@alarm.example", b.path("sipIdentity").asText());
        assertEquals(60, b.path("heartbeatMinutes").asInt());
        assertTrue(b.path("heartbeatMinutes").isInt(), "a number, not text");
        assertEquals("2026-06-01", b.path("installedOn").asText());
        assertEquals("驿站 王师傅", b.path("installedBy").asText());
        assertFalse(ui.visible("dfErr.contactIdAccount"));
        // the list turns to the elder's terminals, the new one among them and selected
        await("the elder's terminals").until(() -> ui.text("devicesFilter").equals("所选老人的全部终端")
                && ui.text("devicesCount").equals("共 2 台"));
        assertTrue(ui.text("devicesTable").contains("#12, 张桂英（#7）, 跌倒报警器, FALL-17"), ui.text("devicesTable"));
        await("the new one's detail").until(() -> ui.text("devicesDetail").startsWith("#12  跌倒报警器  FALL-17  老人 张桂英（#7）"));
        assertTrue(ui.text("devicesDetail").contains("测试记录\n  从未测试\n最近报警\n  无"), ui.text("devicesDetail"));
        ui.send("select devicesFilter 待处理（全部）");
    }

    @Test
    void aStationIsAddedEditedAndDeactivatedInTheRegister() {
        String station1 = "{\"id\":1,\"name\":\"控江路驿站\",\"address\":\"控江路1029号\",\"lat\":31.27,\"lon\":121.52,"
                + "\"phone\":\"021-65550101\",\"hours\":\"08:00-20:00\",\"staff\":\"刘阿姨\",\"subDistrict\":\"控江路街道\","
                + "\"active\":true,\"updatedAt\":" + NOW + "}";
        cti.answers.put("GET /api/stations", "[" + station1 + "]");
        openTerminalsTab();
        ui.send("tab devicesTabs 驿站"); // the register read when its tab is opened
        await("the stations").until(() -> ui.text("stationsTable").equals(
                "#1, 控江路驿站, 控江路1029号, 31.27000, 121.52000, 021-65550101, 08:00-20:00, 刘阿姨, 控江路街道, 启用"));

        // a new one: the server's 400 at the latitude, the form kept
        AtomicInteger posts = new AtomicInteger();
        String station2 = "{\"id\":2,\"name\":\"延吉驿站\",\"address\":\"延吉中路 5 号\",\"lat\":31.28,\"lon\":121.53,"
                + "\"phone\":\"021-65550102\",\"hours\":\"mon-fri 08:00-18:00\",\"staff\":\"陈师傅\",\"subDistrict\":\"延吉新村街道\","
                + "\"active\":true,\"updatedAt\":" + NOW + "}";
        cti.handlers.put("POST /api/stations", r -> posts.incrementAndGet() == 1
                ? new FakeCti.Reply(400, "{\"error\":\"invalid_field\",\"field\":\"lat\","
                + "\"message\":\"lat: must be between -90 and 90 (WGS-84 degrees)\"}")
                : new FakeCti.Reply(201, station2));
        ui.keys("ctrl+N", "desk");
        await("a new station").until(() -> ui.text("stEditing").equals("新驿站"));
        ui.send("type stName 延吉驿站");
        ui.send("type stAddress 延吉中路 5 号");
        ui.send("type stLat 121.53");
        ui.send("type stLon 31.28");
        ui.send("select stCoordSystem gcj02");
        ui.send("type stPhone 021-65550102");
        ui.send("type stHours mon-fri 08:00-18:00");
        ui.send("type stStaff 陈师傅");
        ui.send("type stSubDistrict 延吉新村街道");
        ui.keys("ctrl+S", "desk");
        await("the 400 at lat").until(() -> ui.text("stErr.lat").equals("lat: must be between -90 and 90 (WGS-84 degrees)"));
        assertEquals("未保存：lat: must be between -90 and 90 (WGS-84 degrees)", ui.text("stStatus"));
        assertEquals("延吉驿站", ui.text("stName"));
        assertEquals("陈师傅", ui.text("stStaff"));

        // a text that is no number: said at the field, nothing sent
        ui.send("type stLat abc");
        ui.keys("ctrl+S", "desk");
        await("not a number").until(() -> ui.text("stErr.lat").equals("请填写数字（度）"));
        assertEquals(1, cti.sent("POST", "/api/stations").size());

        ui.send("type stLat 31.28");
        ui.send("type stLon 121.53");
        cti.answers.put("GET /api/stations", "[" + station1 + "," + station2 + "]");
        ui.keys("ctrl+S", "desk");
        await("registered").until(() -> ui.text("stStatus").equals("驿站 #2 延吉驿站 已登记"));
        JsonNode b = cti.sent("POST", "/api/stations").get(1).json();
        assertEquals("延吉驿站", b.path("name").asText());
        assertEquals("延吉中路 5 号", b.path("address").asText());
        assertEquals(31.28, b.path("lat").asDouble());
        assertEquals(121.53, b.path("lon").asDouble());
        assertEquals("gcj02", b.path("coordSystem").asText());
        assertEquals("021-65550102", b.path("phone").asText());
        assertEquals("mon-fri 08:00-18:00", b.path("hours").asText());
        assertEquals("陈师傅", b.path("staff").asText());
        assertEquals("延吉新村街道", b.path("subDistrict").asText());
        assertTrue(b.path("active").asBoolean());
        await("listed").until(() -> ui.text("stationsTable").contains("#2, 延吉驿站"));

        // the first one edited: staff on duty changed
        cti.handlers.put("PUT /api/stations/1", r -> {
            String s1 = station1.replace("刘阿姨", r.json().path("staff").asText("刘阿姨"))
                    .replace("\"active\":true", "\"active\":" + r.json().path("active").asBoolean(true));
            cti.answers.put("GET /api/stations", "[" + s1 + "," + station2 + "]"); // what the server holds now
            return new FakeCti.Reply(200, s1);
        });
        ui.send("row stationsTable 控江路驿站");
        await("in the form").until(() -> ui.text("stEditing").equals("驿站 #1 控江路驿站"));
        assertEquals("021-65550101", ui.text("stPhone"));
        ui.send("type stStaff 刘阿姨、小赵");
        ui.keys("ctrl+S", "desk");
        await("saved").until(() -> ui.text("stStatus").equals("驿站 #1 控江路驿站 已保存"));
        assertEquals("刘阿姨、小赵", cti.sent("PUT", "/api/stations/1").get(0).json().path("staff").asText());

        // deactivated (Ctrl+D): only the flag sent
        assertEquals("停用 (Ctrl+D)", ui.text("stDeactivate"));
        ui.keys("ctrl+D", "desk");
        await("deactivated").until(() -> cti.sent("PUT", "/api/stations/1").size() == 2);
        JsonNode off = cti.sent("PUT", "/api/stations/1").get(1).json();
        assertEquals("{\"active\":false}", off.toString());
        await("said").until(() -> ui.text("stStatus").equals("驿站 #1 控江路驿站 已保存 · 已停用"));
        assertEquals("启用 (Ctrl+D)", ui.text("stDeactivate"));
        await("the list read again").until(() -> ui.text("stationsTable").contains("控江路街道, 已停用"));
    }

    private static void sendQuietly(String frame) {
        try {
            cti.send(frame);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
