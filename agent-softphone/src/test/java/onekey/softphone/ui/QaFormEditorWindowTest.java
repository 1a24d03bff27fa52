package onekey.softphone.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * 评分表设置 (issue 19 item 5): a supervisor edits the QA form in the desk's QA tab of the real window (its own JVM,
 * Xvfb, X events) against {@link FakeCti}, which answers {@code PUT /api/qa/form} as the server does (the form back,
 * or a 400 with the server's message). An invalid edit is stopped in the window with the rule in words and sends
 * nothing; the server's refusal is shown as it says it; a good save sends the edited form and the score sheet is
 * rebuilt with the new item.
 */
class QaFormEditorWindowTest {

    static FakeCti cti;
    static DatagramSocket sip;
    static WindowProcess ui;
    /** When set, the fake server refuses the next form with this message (as QaApi does: 400, "message"). */
    static final AtomicReference<String> refuse = new AtomicReference<>();

    static final String FORM = """
            {"items":[{"key":"greeting","label":"问候语规范","weight":15},
                      {"key":"identity","label":"核实老人身份与地址","weight":25},
                      {"key":"procedure","label":"本线路处置流程正确","weight":25},
                      {"key":"empathy","label":"安抚与同理心","weight":15},
                      {"key":"disposition","label":"处置结果登记正确","weight":20}],
             "maxPoints":5,"samplePercent":5}""";

    static ConditionFactory await(String what) {
        return Awaitility.await(what).atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50))
                .ignoreExceptions();
    }

    @BeforeAll
    static void start() throws Exception {
        sip = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        cti = new FakeCti(9, "1001", sip.getLocalPort());
        cti.answers.put("POST /api/login", "{\"token\":\"test-token\",\"role\":\"supervisor\"}");
        cti.answers.put("GET /api/me", "{\"id\":9,\"username\":\"1001\",\"displayName\":\"班长一\",\"role\":\"supervisor\","
                + "\"wrapUpSeconds\":0,\"sip\":{\"host\":\"127.0.0.1\",\"port\":" + sip.getLocalPort()
                + ",\"extension\":\"1001\",\"secret\":\"secret\"}}");
        cti.answers.put("GET /api/qa/form", FORM);
        cti.answers.put("GET /api/qa/sample", "[]");
        cti.answers.put("GET /api/qa/agents", "[]");
        cti.handlers.put("PUT /api/qa/form", r -> {
            String no = refuse.getAndSet(null);
            if (no != null) {
                return new FakeCti.Reply(400, "{\"error\":\"invalid\",\"field\":\"items\",\"message\":\"" + no + "\"}");
            }
            var f = (com.fasterxml.jackson.databind.node.ObjectNode) r.json();
            f.put("maxPoints", 5);
            cti.answers.put("GET /api/qa/form", f.toString()); // what the server holds from now on
            return new FakeCti.Reply(200, f.toString());
        });
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
    void aSupervisorEditsTheFormInTheDeskAndTheScoreSheetFollowsIt() {
        ui.mouse("deskButton");
        await("the desk").until(() -> ui.visible("deskTabs"));
        ui.send("tab deskTabs 质检");
        await("the sheet from the form").until(() -> ui.text("qaItemLabel.greeting").equals("问候语规范"));
        assertEquals("评分表设置 (Ctrl+E)", ui.text("qaEditForm"));

        ui.keys("ctrl+E", "desk");
        await("the form editor").until(() -> ui.send("count qaFormKey.0").equals("1"));
        assertEquals("greeting", ui.text("qaFormKey.0"));
        assertEquals("核实老人身份与地址", ui.text("qaFormLabel.1"));
        assertEquals("25", ui.text("qaFormWeight.1"));
        assertEquals("5", ui.text("qaFormSample"));
        assertEquals("权重合计 100", ui.text("qaFormSum"));

        // an invalid edit: stopped in the window with the rule in words, nothing sent
        ui.send("type qaFormWeight.1 0");
        ui.mouse("qaFormSave");
        await("the weight rule").until(() -> ui.text("qaFormStatus").equals("第 2 行：权重须为 1–100 的整数"));
        ui.send("type qaFormWeight.1 30");
        ui.keys("ctrl+N", "qaFormEditor"); // a new, empty row: a name is needed
        await("the new row").until(() -> ui.send("count qaFormKey.5").equals("1"));
        assertEquals("item-1", ui.text("qaFormKey.5"));
        ui.mouse("qaFormSave");
        await("the name rule").until(() -> ui.text("qaFormStatus").equals("第 6 行：名称不能为空（最多 100 字）"));
        assertTrue(cti.sent("PUT", "/api/qa/form").isEmpty(), "an invalid form is not sent");

        // the new item filled in and moved up one row with the keyboard; the sample share changed
        ui.send("type qaFormKey.5 callback");
        ui.send("type qaFormLabel.5 告知回访安排");
        ui.send("type qaFormWeight.5 10");
        ui.keys("alt+UP", "qaFormEditor");
        await("moved up").until(() -> ui.text("qaFormKey.4").equals("callback"));
        assertEquals("disposition", ui.text("qaFormKey.5"));
        ui.send("type qaFormSample 8");
        assertEquals("权重合计 115", ui.text("qaFormSum"));

        // the server refuses: its message is shown, the editor stays open with the edits
        refuse.set("item callback: weight must be 1 to 100");
        ui.keys("ctrl+S", "qaFormEditor");
        await("the server's message").until(() -> ui.text("qaFormStatus")
                .equals("保存失败：PUT /api/qa/form: HTTP 400 item callback: weight must be 1 to 100"));
        assertEquals("告知回访安排", ui.text("qaFormLabel.4"));

        // saved: the body the server received, the editor closed, the sheet rebuilt from the new form
        ui.mouse("qaFormSave");
        await("the editor closed").until(() -> ui.send("count qaFormKey.0").equals("0"));
        List<FakeCti.Request> puts = cti.sent("PUT", "/api/qa/form");
        assertEquals(2, puts.size(), "the refused save and the good one");
        JsonNode body = puts.get(1).json();
        List<String> items = new ArrayList<>();
        body.path("items").forEach(i -> items.add(i.path("key").asText() + "/" + i.path("label").asText() + "/"
                + i.path("weight").asInt()));
        assertEquals(List.of("greeting/问候语规范/15", "identity/核实老人身份与地址/30", "procedure/本线路处置流程正确/25",
                "empathy/安抚与同理心/15", "callback/告知回访安排/10", "disposition/处置结果登记正确/20"), items);
        assertEquals(8, body.path("samplePercent").asInt());
        await("the new item on the sheet").until(() -> ui.send("count qaItem.callback").equals("1"));
        assertEquals("告知回访安排", ui.text("qaItemLabel.callback"));
        assertEquals("权重 10", ui.text("qaItemWeight.callback"));
        assertEquals("权重 30", ui.text("qaItemWeight.identity"));
        assertEquals("评分表已保存（6 项）", ui.text("qaStatus"));
        assertEquals("总分 100", ui.text("qaTotal"));
    }

    /** Issue 22: the desk's reports tab shows the district's figures for the period and grouping asked (Ctrl+R). */
    @Test
    void theDesksReportsTabShowsTheDistrictsFiguresForAPeriod() {
        cti.answers.put("GET /api/reports/calls?groupBy=line&from=2026-06-01&to=2026-06-01", """
                {"from":"2026-06-01T00:00+08:00","to":"2026-06-02T00:00+08:00",
                 "rows":[{"key":"sos","offered":2,"answered":2,"answeredWithin15s":1,"answeredWithin60s":2,
                          "answeredWithin180s":2,"abandoned":0,"avgWaitMs":12500,"avgHandleMs":105000},
                         {"key":"taxi","offered":1,"answered":0,"answeredWithin15s":0,"answeredWithin60s":0,
                          "answeredWithin180s":0,"abandoned":1,"avgWaitMs":null,"avgHandleMs":null}],
                 "total":{"offered":3,"answered":2,"answeredWithin15s":1,"answeredWithin60s":2,"answeredWithin180s":2,
                          "abandoned":1,"avgWaitMs":12500,"avgHandleMs":105000}}""");
        ui.mouse("deskButton");
        await("the desk").until(() -> ui.visible("deskTabs"));
        ui.send("tab deskTabs 报表");
        await("the reports tab").until(() -> ui.visible("rpRun"));
        assertEquals("查询 (Ctrl+R)", ui.text("rpRun"));
        ui.send("type rpFrom 2026-06-01");
        ui.send("type rpTo 2026-06-01");
        ui.keys("ctrl+R", "desk");
        await("the figures").until(() -> ui.text("rpTable").equals("SOS 紧急呼叫, 2, 2, 1, 2, 2, 0, 12.5, 105.0"
                + " | 叫车, 1, 0, 0, 0, 0, 1, —, — | 合计, 3, 2, 1, 2, 2, 1, 12.5, 105.0"));
        assertTrue(ui.text("rpStatus").startsWith("统计期间 2026-06-01 00:00+08:00"), ui.text("rpStatus"));
        assertEquals(1, cti.sent("GET", "/api/reports/calls?groupBy=line&from=2026-06-01&to=2026-06-01").size());
    }
}
