package onekey.softphone.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 24 for a seat (role agent, who may set test mode: docs/api.md), in the real window against {@link FakeCti}: a
 * registered elder's pop lists the elder's terminals ({@code GET /api/devices?elderId=}); the seat helping a 驿站 worker
 * on the phone sets test mode with Ctrl+T (the body has the minutes typed), and the test the worker's press recorded
 * shows in the pop without anything pressed (read again while a terminal is in test mode). An unregistered caller's pop
 * has no terminals.
 */
class ElderDevicesWindowTest {

    static FakeCti cti;
    static DatagramSocket sip;
    static WindowProcess ui;

    static ConditionFactory await(String what) {
        return Awaitility.await(what).atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50)).ignoreExceptions();
    }

    static String device(long id, String kind, String serial, String lastTest, Long testModeUntil) {
        return "{\"id\":" + id + ",\"elderId\":7,\"kind\":\"" + kind + "\",\"serial\":\"" + serial + "\",\"make\":null,"
                + "\"model\":null,\"callerNumber\":\"02155550001\",\"contactIdAccount\":null,\"sipIdentity\":null,"
                + "\"heartbeatMinutes\":null,\"installedOn\":null,\"installedBy\":null,\"lastHeardAt\":null,\"lastTest\":"
                + lastTest + ",\"testModeUntil\":" + testModeUntil + ",\"silentSince\":null}";
    }

    @BeforeAll
    static void start() throws Exception {
        sip = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        cti = new FakeCti(11, "1001", sip.getLocalPort());
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

    @Test
    void aSeatSetsTestModeFromThePopAndSeesTheWorkersTest() throws Exception {
        cti.answers.put("GET /api/devices?elderId=7", "[" + device(5, "one-key-phone", "OK-5", "null", null) + ","
                + device(6, "fall-sensor", "FALL-6", "null", null) + "]");
        cti.send("""
                {"type":"call.offered","registered":true,"callerNumber":"02155550001",
                 "call":{"id":71,"linkedid":"1796540429.71","line":"general","elderId":7},
                 "elder":{"id":7,"name":"张桂英","age":88,"gender":"female","address":"上海市杨浦区控江路1029弄12号302室",
                  "language":"zh","contacts":[],"lastCalls":[]}}""");
        await("the elder's terminals in the pop").until(() -> ui.text("elderDevicesList")
                .equals("#5 一键通电话 OK-5 · 最后测试 从未测试 | #6 跌倒报警器 FALL-6 · 最后测试 从未测试"));
        assertEquals("测试模式 (Ctrl+T)", ui.text("elderDevicesTestMode"));

        // two terminals, none chosen: the seat is asked to choose; nothing sent
        ui.keys("ctrl+T");
        await("choose").until(() -> ui.text("elderDevicesStatus").equals("请先选择终端"));
        assertTrue(cti.sent("PUT", "/api/devices/5/test-mode").isEmpty());

        long until = System.currentTimeMillis() + 15 * 60_000;
        String hm = DateTimeFormatter.ofPattern("HH:mm").withZone(ZoneId.systemDefault()).format(Instant.ofEpochMilli(until));
        cti.handlers.put("PUT /api/devices/5/test-mode", r -> {
            cti.answers.put("GET /api/devices?elderId=7", "[" + device(5, "one-key-phone", "OK-5", "null", until) + ","
                    + device(6, "fall-sensor", "FALL-6", "null", null) + "]");
            return new FakeCti.Reply(200, device(5, "one-key-phone", "OK-5", "null", until));
        });
        ui.send("pick elderDevicesList 0");
        ui.send("type elderDevicesMinutes 15");
        ui.keys("ctrl+T");
        await("test mode set").until(() -> cti.sent("PUT", "/api/devices/5/test-mode").size() == 1);
        assertEquals(15, cti.sent("PUT", "/api/devices/5/test-mode").get(0).json().path("minutes").asInt());
        await("said").until(() -> ui.text("elderDevicesStatus").equals("终端 #5 测试模式至 " + hm + "：请驿站工作人员按键测试"));
        await("the list read again").until(() -> ui.text("elderDevicesList")
                .startsWith("#5 一键通电话 OK-5 · 最后测试 从未测试 · 测试模式至 " + hm + " | "));

        // the worker presses the button: the IVR says 测试成功 and the server records the test; the pop shows it
        long at = System.currentTimeMillis();
        cti.answers.put("GET /api/devices?elderId=7", "[" + device(5, "one-key-phone", "OK-5",
                "{\"at\":" + at + ",\"by\":\"ivr\",\"result\":\"ok\"}", until) + ","
                + device(6, "fall-sensor", "FALL-6", "null", null) + "]");
        String mdhm = DateTimeFormatter.ofPattern("MM-dd HH:mm").withZone(ZoneId.systemDefault()).format(Instant.ofEpochMilli(at));
        await("the test in the pop").until(() -> ui.text("elderDevicesList")
                .startsWith("#5 一键通电话 OK-5 · 最后测试 " + mdhm + " 通过 · ivr · 测试模式至 " + hm));

        // out of range minutes: said, nothing sent
        ui.send("type elderDevicesMinutes 2000");
        ui.keys("ctrl+T");
        await("the rule").until(() -> ui.text("elderDevicesStatus").equals("测试分钟须为 1–1440"));
        assertEquals(1, cti.sent("PUT", "/api/devices/5/test-mode").size());

        // an unregistered caller: no terminals in the pop
        cti.send("""
                {"type":"call.offered","registered":false,"callerNumber":"02155559999",
                 "call":{"id":72,"linkedid":"1796540429.72","line":"general"}}""");
        await("no terminals").until(() -> !ui.visible("elderDevices"));
    }
}
