package onekey.softphone.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The seat's SMS pane (issue 20) in the real window (its own JVM, Xvfb, X events) against {@link FakeCti}, which
 * answers {@code /api/sms} as the server does: a registered elder's pop shows the elder's texts with their state, the
 * receipt's time, a failed one's code (发送失败, not 呼叫失败) and one waiting out the quiet hours, and the family's
 * reply; the seat picks a contact, types and sends with Ctrl+M (the server gets the body), sees the server's refusal
 * in words; a family's reply that is not an acknowledgement shows as a red notice and the pane reads that incident's
 * texts.
 */
class SmsPaneWindowTest {

    static FakeCti cti;
    static DatagramSocket sip;
    static WindowProcess ui;
    static final String ELDER_TEXTS = "GET /api/sms?elderId=7&callId=61&limit=50";
    static final String INCIDENT_TEXTS = "GET /api/sms?incidentId=41&limit=50";

    static ConditionFactory await(String what) {
        return Awaitility.await(what).atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50)).ignoreExceptions();
    }

    @BeforeAll
    static void start() throws Exception {
        sip = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        cti = new FakeCti(5, "1001", sip.getLocalPort());
        long t = 1_780_000_000_000L;
        cti.answers.put(ELDER_TEXTS, """
                {"enabled":true,"texts":[
                 {"id":3,"createdAt":%d,"to":"13916000002","text":"【一键通】张桂英的预约已通过电话确认","state":"queued",
                  "dueAt":%d,"errorCode":null,"by":null,"doneAt":null},
                 {"id":2,"createdAt":%d,"to":"13916000009","text":"【一键通】紧急：请回复1","state":"failed",
                  "errorCode":"ESME_RINVDSTADR","by":null,"doneAt":%d},
                 {"id":1,"createdAt":%d,"to":"13916000001","text":"【一键通】张桂英按了一键呼叫后无回应","state":"delivered",
                  "errorCode":null,"by":null,"doneAt":%d}],
                 "replies":[{"id":1,"receivedAt":%d,"from":"13916000001","text":"收到","elderId":7,"incidentId":40,
                  "meaning":"ack"}]}""".formatted(t + 50_000, t + 11 * 3_600_000L, t + 20_000, t + 21_000, t, t + 4_000,
                t + 30_000));
        cti.answers.put(INCIDENT_TEXTS, """
                {"enabled":true,"texts":[],"replies":[{"id":4,"receivedAt":%d,"from":"13916000001",
                 "text":"我在外地，请联系我弟弟","elderId":7,"incidentId":41,"meaning":"reply"}]}""".formatted(t + 90_000));
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
    void theSeatSeesTheEldersTextsSendsAFreeTextWithCtrlMAndSeesAFamilyReply() throws Exception {
        cti.send("""
                {"type":"call.offered","registered":true,"callerNumber":"02155550001",
                 "call":{"id":61,"linkedid":"1796540429.61","line":"general","elderId":7},
                 "elder":{"id":7,"name":"张桂英","age":88,"gender":"female","address":"上海市杨浦区控江路1029弄12号302室",
                  "language":"zh","contacts":[{"name":"杨建国","relation":"儿子","phone":"13916000001"},
                   {"name":"杨丽","relation":"女儿","phone":"13916000002"}],"lastCalls":[]}}""");
        await("the SMS pane in the pop").until(() -> ui.visible("smsPane"));
        await("the elder's texts").until(() -> ui.text("smsTexts").contains("已送达"));
        String list = ui.text("smsTexts");
        assertTrue(!cti.sent("GET", ELDER_TEXTS.substring(4)).isEmpty(), "the pane read GET /api/sms?elderId=7&callId=61");
        assertTrue(list.contains("→ 13916000001  ·  已送达"), list);
        assertTrue(list.contains("→ 13916000009  ·  发送失败") && list.contains("(ESME_RINVDSTADR)"), list);
        assertTrue(!list.contains("呼叫失败"), list);
        assertTrue(list.contains("→ 13916000002  ·  待发送") && list.contains("（免打扰时段，"), list);
        assertTrue(list.contains("← 13916000001  ·  家属短信回复 已确认前往  ·  收到"), list);
        assertEquals("发短信 (Ctrl+M)", ui.text("smsSend"));

        // nothing typed: said here, nothing sent (the class's other test may have sent one before)
        int posts = cti.sent("POST", "/api/sms").size();
        ui.keys("ctrl+M");
        await("the empty text refused").until(() -> ui.text("smsStatus").equals("请填写短信内容"));
        assertEquals(posts, cti.sent("POST", "/api/sms").size());

        // the daughter, a free text, Ctrl+M: the server gets it; it answers 202 with the queued row
        cti.handlers.put("POST /api/sms", r -> new FakeCti.Reply(202, "{\"id\":12,\"to\":\"13916000002\",\"state\":\"queued\","
                + "\"text\":\"【一键通】\" }"));
        ui.send("select smsTo 杨丽");
        ui.send("type smsText 请您今天下午回电中心，谢谢");
        ui.keys("ctrl+M");
        await("the text sent").until(() -> cti.sent("POST", "/api/sms").size() == posts + 1);
        var body = cti.sent("POST", "/api/sms").get(posts).json();
        assertEquals(7, body.path("elderId").asLong());
        assertEquals("13916000002", body.path("to").asText());
        assertEquals("请您今天下午回电中心，谢谢", body.path("text").asText());
        assertTrue(body.path("incidentId").isMissingNode(), body.toString());
        assertEquals(61, body.path("callId").asLong(), "the pop's call: an agent may text the elder of a call it took");
        await("queued").until(() -> ui.text("smsStatus").equals("短信 #12：待发送"));

        // the server refuses: the seat reads why
        cti.handlers.put("POST /api/sms", r -> new FakeCti.Reply(400, "{\"error\":\"invalid\",\"field\":\"to\","
                + "\"message\":\"'13916000002' is not a contact of elder 7\"}"));
        ui.send("type smsText 再发一条");
        ui.keys("ctrl+M");
        await("the refusal shown").until(() -> ui.text("smsStatus").startsWith("短信未发出："));
        assertTrue(ui.text("smsStatus").contains("HTTP 400 '13916000002' is not a contact of elder 7"), ui.text("smsStatus"));

        // a family's reply that is not an acknowledgement: a red notice, the incident's texts read
        cti.send("""
                {"type":"sms.reply","reply":{"id":4,"receivedAt":1780000090000,"from":"13916000001",
                 "text":"我在外地，请联系我弟弟","elderId":7,"incidentId":41,"meaning":"reply"}}""");
        await("the notice").until(() -> ui.visible("smsNotice"));
        assertEquals("家属短信回复（事件 #41，13916000001）：我在外地，请联系我弟弟", ui.text("smsNotice"));
        await("the incident's texts read").until(() -> !cti.sent("GET", INCIDENT_TEXTS.substring(4)).isEmpty());
        await("the reply in the list").until(() -> ui.text("smsTexts").contains("家属短信回复 已回复（请查看）  ·  我在外地，请联系我弟弟"));

        // an acknowledgement is no notice of its own (it is on the incident's timeline)
        int before = cti.sent("GET", INCIDENT_TEXTS.substring(4)).size();
        cti.send("""
                {"type":"sms.reply","reply":{"id":5,"receivedAt":1780000095000,"from":"13916000002","text":"到",
                 "elderId":7,"incidentId":41,"meaning":"ack"}}""");
        await("read again for the ack").until(() -> cti.sent("GET", INCIDENT_TEXTS.substring(4)).size() > before);
        assertEquals("家属短信回复（事件 #41，13916000001）：我在外地，请联系我弟弟", ui.text("smsNotice"));
    }

    /**
     * From the incident workspace: a failed text on the timeline reads 发送失败 (not 呼叫失败); Ctrl+Shift+M shows the top
     * incident's texts with the elder's contacts, and a text sent from there belongs to the incident.
     */
    @Test
    void theIncidentsTextsWithCtrlShiftMAndAFailedTextStepReadsSendFailed() throws Exception {
        cti.answers.put("GET /api/elders/7", """
                {"id":7,"name":"张桂英","address":"杨浦区控江路1029弄12号302室",
                 "contacts":[{"name":"李建国","relation":"儿子","phone":"13800000001"},
                             {"name":"张丽华","relation":"女儿","phone":"13900000002"}]}""");
        cti.answers.put("GET /api/sms?incidentId=51&limit=50", """
                {"enabled":true,"texts":[{"id":8,"createdAt":1780000000000,"to":"13800000001","text":"【一键通】紧急",
                 "state":"failed","errorCode":"ESME_RINVDSTADR","by":null,"doneAt":1780000001000}],"replies":[]}""");
        cti.send("{\"type\":\"incident.opened\",\"incident\":{\"id\":51,\"elderId\":7,\"callerNumber\":null,"
                + "\"callId\":1,\"agentId\":5,\"openedAt\":" + (System.currentTimeMillis() - 60_000) + ",\"openedBy\":\"1001\","
                + "\"reason\":\"no-response\",\"state\":\"redialling\",\"closedAt\":null,\"outcome\":null,\"steps\":["
                + "{\"seq\":1,\"kind\":\"sms\",\"target\":\"13800000001\",\"state\":\"done\",\"endedAt\":1780000001000,"
                + "\"result\":\"failed\"}]}}");
        await("the text step on the timeline").until(() -> ui.text("incidentSteps").contains("短信通知"));
        String steps = ui.text("incidentSteps");
        assertTrue(steps.contains("短信通知  13800000001  ·  发送失败"), steps);
        assertTrue(!steps.contains("呼叫失败"), steps);
        await("the elder's record read").until(() -> !cti.sent("GET", "/api/elders/7").isEmpty());

        int before = cti.sent("POST", "/api/sms").size();
        ui.keys("ctrl+shift+M");
        await("the incident's texts").until(() -> ui.text("smsTexts").contains("→ 13800000001  ·  发送失败"));
        assertTrue(!cti.sent("GET", "/api/sms?incidentId=51&limit=50").isEmpty());
        cti.handlers.put("POST /api/sms", r -> new FakeCti.Reply(202, "{\"id\":13,\"state\":\"queued\"}"));
        ui.send("select smsTo 张丽华");
        ui.send("type smsText 请尽快前往老人家中");
        ui.keys("ctrl+M");
        await("sent").until(() -> cti.sent("POST", "/api/sms").size() == before + 1);
        var body = cti.sent("POST", "/api/sms").get(before).json();
        assertEquals(51, body.path("incidentId").asLong());
        assertEquals("13900000002", body.path("to").asText());
        assertTrue(body.path("callId").isMissingNode(), body.toString());
        await("queued").until(() -> ui.text("smsStatus").equals("短信 #13：待发送"));
    }
}
