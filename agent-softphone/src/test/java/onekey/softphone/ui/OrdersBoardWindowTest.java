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
 * The dispatchers' orders board (issue 21) in the real window (its own JVM, Xvfb, X events) against {@link FakeCti},
 * which answers {@code /api/orders} as the server does: a dispatcher opens the dispatch desk with Ctrl+O, sees the
 * open orders, a selected order's ranked suppliers with the reasons, picks the second-ranked one and dispatches with
 * Ctrl+D (the body names it), sees the late ones and the complaints, handles a complaint with a note (Ctrl+K); an
 * {@code order.updated} event makes the board read the orders again.
 */
class OrdersBoardWindowTest {

    static FakeCti cti;
    static DatagramSocket sip;
    static WindowProcess ui;
    static final String OPEN = "GET /api/orders?state=created,dispatched,accepted,in-service,failed&limit=500";
    static final String TASKS = "GET /api/orders?task=open&limit=500";

    static ConditionFactory await(String what) {
        return Awaitility.await(what).atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50)).ignoreExceptions();
    }

    static String order(long id, String state, String category, String need, long wantedAt, Long supplierId, String task) {
        return "{\"id\":" + id + ",\"kind\":\"service\",\"elderId\":1,\"category\":\"" + category + "\",\"need\":\"" + need
                + "\",\"wantedAt\":" + wantedAt + ",\"state\":\"" + state + "\",\"supplierId\":" + supplierId
                + ",\"candidates\":[{\"supplierId\":11,\"name\":\"长白助浴队\",\"distanceKm\":0.81,\"score\":60.0,"
                + "\"reason\":\"服务类别 助浴；营业时间 08:00-20:00；距离 0.81 km（服务半径 5.0 km 内）；评分 60.0（暂无评价）\"},"
                + "{\"supplierId\":12,\"name\":\"杨浦助浴中心\",\"distanceKm\":2.58,\"score\":92.5,"
                + "\"reason\":\"服务类别 助浴；营业时间 全天；距离 2.58 km（服务半径 5.0 km 内）；评分 92.5\"}],"
                + "\"offers\":[],\"history\":[{\"at\":" + (wantedAt - 7_200_000) + ",\"state\":\"created\",\"event\":\"create\","
                + "\"by\":\"1001\"}],\"task\":" + (task == null ? "null" : task) + "}";
    }

    @BeforeAll
    static void start() throws Exception {
        sip = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        cti = new FakeCti(21, "1001", sip.getLocalPort());
        cti.answers.put("POST /api/login", "{\"token\":\"test-token\",\"role\":\"dispatcher\"}");
        cti.answers.put("GET /api/me", "{\"id\":21,\"username\":\"1001\",\"displayName\":\"派单员\",\"role\":\"dispatcher\","
                + "\"wrapUpSeconds\":0,\"sip\":{\"host\":\"127.0.0.1\",\"port\":" + sip.getLocalPort()
                + ",\"extension\":\"1001\",\"secret\":\"secret\"}}");
        long now = System.currentTimeMillis();
        cti.answers.put(OPEN, "[" + order(1, "created", "助浴", "洗澡，需要两人协助", now + 3_600_000, null, null) + ","
                + order(2, "accepted", "维修", "水龙头漏水", now - 1_800_000, 12L, null) + "]");
        cti.answers.put(TASKS, "[" + order(3, "called-back", "助餐", "午餐送餐", now - 7_200_000, 11L,
                "{\"kind\":\"complaint\",\"state\":\"open\",\"note\":\"the elder is not satisfied (1/5)\",\"at\":" + now + "}") + "]");
        cti.handlers.put("POST /api/orders/1/dispatch", r -> new FakeCti.Reply(200, order(1, "dispatched", "助浴", "洗澡",
                now + 3_600_000, null, null)));
        cti.handlers.put("POST /api/orders/3/task/done", r -> new FakeCti.Reply(200, order(3, "closed", "助餐", "午餐送餐",
                now - 7_200_000, 11L, "{\"kind\":\"complaint\",\"state\":\"done\"}")));
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
    void aDispatcherSeesTheRankedSuppliersPicksTheSecondDispatchesAndHandlesAComplaint() throws Exception {
        assertEquals("派单 (Ctrl+O)", ui.text("ordersButton"));
        ui.keys("ctrl+O");
        await("the dispatch desk").until(() -> ui.visible("ordersTable"));
        await("the open orders").until(() -> ui.text("ordersCount").equals("共 2 张"));

        ui.send("row ordersTable #1");
        await("the ranked suppliers with their reasons").until(() -> ui.text("ordersDetail").contains("1. 长白助浴队（#11）"));
        String detail = ui.text("ordersDetail");
        assertTrue(detail.contains("候选供应商（就近、优质优先）"), detail);
        assertTrue(detail.contains("2. 杨浦助浴中心（#12）  服务类别 助浴；营业时间 全天；距离 2.58 km（服务半径 5.0 km 内）；评分 92.5"),
                detail);
        assertTrue(detail.contains("已创建  create  1001"), detail);
        assertEquals("派单 (Ctrl+D)", ui.text("ordersDispatch"));

        // the dispatcher picks the second-ranked supplier and dispatches with the keyboard
        ui.send("select ordersPick 杨浦助浴中心");
        ui.keys("ctrl+D", "desk");
        await("dispatched").until(() -> cti.sent("POST", "/api/orders/1/dispatch").size() == 1);
        assertEquals(12, cti.sent("POST", "/api/orders/1/dispatch").get(0).json().path("supplierId").asLong());
        await("the status").until(() -> ui.text("ordersStatus").equals("工单 #1 已派出：杨浦助浴中心（#12）"));

        // late: wanted time passed, not done
        ui.send("select ordersFilter 已超时");
        await("the late orders").until(() -> ui.text("ordersCount").equals("共 1 张"));
        ui.send("row ordersTable #2");
        await("the late order").until(() -> ui.text("ordersDetail").startsWith("#2  维修  水龙头漏水"));

        // complaints and tasks: one handled with a note
        ui.send("select ordersFilter 投诉与待办");
        await("the complaints").until(() -> ui.text("ordersCount").equals("共 1 张"));
        ui.send("row ordersTable 投诉");
        ui.send("type ordersNote 已联系供应商上门返工");
        ui.keys("ctrl+K", "desk");
        await("task done").until(() -> cti.sent("POST", "/api/orders/3/task/done").size() == 1);
        assertEquals("已联系供应商上门返工", cti.sent("POST", "/api/orders/3/task/done").get(0).json().path("note").asText());
        await("the status").until(() -> ui.text("ordersStatus").equals("工单 #3 的待办已处理"));

        // an order event: the board reads the orders again
        int before = cti.sent("GET", TASKS.substring(4)).size();
        cti.send("{\"type\":\"order.updated\",\"at\":" + System.currentTimeMillis() + ",\"order\":{\"id\":3}}");
        await("read again on order.updated").until(() -> cti.sent("GET", TASKS.substring(4)).size() > before);
    }

    @Test
    void aSeatCreatesAnOrderFromThePopAndSeesTheRankedSuppliersAndTheProgress() throws Exception {
        cti.handlers.put("POST /api/orders", r -> new FakeCti.Reply(201, order(9, "created", "助浴", "洗澡",
                System.currentTimeMillis() + 3_600_000, null, null)));
        cti.answers.put("GET /api/orders/9", order(9, "created", "助浴", "洗澡", System.currentTimeMillis() + 3_600_000, null, null));
        int before = cti.sent("POST", "/api/orders").size(); // the taxi's test may have sent one
        cti.send("""
                {"type":"call.offered","registered":true,"callerNumber":"02155550001",
                 "call":{"id":61,"linkedid":"1796540429.61","line":"general","elderId":7},
                 "elder":{"id":7,"name":"张桂英","age":88,"gender":"female","address":"上海市杨浦区控江路1029弄12号302室",
                  "language":"zh","contacts":[],"lastCalls":[]}}""");
        await("the pop's order form").until(() -> ui.visible("orderForm"));
        assertEquals("建工单 (Ctrl+J)", ui.text("orderSend"));
        ui.send("select orderCategory 助浴");
        ui.send("type orderNeed 洗澡，需要两人协助");
        ui.keys("ctrl+J");
        await("the order sent").until(() -> cti.sent("POST", "/api/orders").size() == before + 1);
        var body = cti.sent("POST", "/api/orders").get(before).json();
        assertTrue(body.path("kind").isMissingNode() && body.path("fields").isMissingNode(), "a service order: " + body);
        assertEquals(7, body.path("elderId").asLong());
        assertEquals(61, body.path("callId").asLong());
        assertEquals("助浴", body.path("category").asText());
        assertEquals("洗澡，需要两人协助", body.path("need").asText());
        assertTrue(body.path("wantedAt").asText().matches("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}"), body.toString());
        await("the ranked suppliers").until(() -> ui.text("orderCandidates").contains("1. 长白助浴队 · 服务类别 助浴"));
        assertTrue(ui.text("orderCandidates").contains("2. 杨浦助浴中心 · 服务类别 助浴；营业时间 全天；距离 2.58 km"),
                ui.text("orderCandidates"));
        assertEquals("工单 #9 已创建，候选供应商：", ui.text("orderStatus"));
        assertEquals("工单 #9：已创建", ui.text("orderProgress"));
        // the order moves on (a dispatcher, the supplier's key): the pop shows it within its next read
        cti.answers.put("GET /api/orders/9", order(9, "accepted", "助浴", "洗澡", System.currentTimeMillis() + 3_600_000, 12L,
                null));
        await("the progress").until(() -> ui.text("orderProgress").equals("工单 #9：已接单 · 杨浦助浴中心"));
    }

    @Test
    void aSeatBooksATaxiAsAnOrderWithItsOwnFieldsChineseFirst() throws Exception {
        cti.handlers.put("POST /api/orders", r -> new FakeCti.Reply(201, order(10, "created", "出行", "去瑞金医院复诊",
                System.currentTimeMillis() + 3_600_000, null, null)));
        cti.answers.put("GET /api/orders/10", order(10, "created", "出行", "去瑞金医院复诊", System.currentTimeMillis() + 3_600_000,
                null, null));
        int before = cti.sent("POST", "/api/orders").size();
        cti.send("""
                {"type":"call.offered","registered":true,"callerNumber":"02155550001",
                 "call":{"id":62,"linkedid":"1796540429.62","line":"taxi","elderId":7},
                 "elder":{"id":7,"name":"张桂英","age":88,"gender":"female","address":"上海市杨浦区控江路1029弄12号302室",
                  "language":"zh","contacts":[],"lastCalls":[]}}""");
        await("the pop's order form").until(() -> ui.visible("orderForm"));
        // a service order shows no kind's fields; the taxi's are in Chinese, the required ones starred
        assertEquals("生活服务", ui.text("orderKind"));
        assertTrue(!ui.visible("orderField.from"), "a service order has no taxi fields");
        ui.send("select orderKind 一键叫车");
        await("the taxi's fields").until(() -> ui.visible("orderField.from"));
        assertEquals("出行", ui.text("orderCategory"));
        ui.send("type orderNeed 去瑞金医院复诊");
        ui.send("type orderField.from 控江路1029弄");
        ui.keys("ctrl+J");
        await("the missing field named").until(() -> ui.text("orderStatus").equals("请填写：目的地"));
        assertEquals(before, cti.sent("POST", "/api/orders").size());
        ui.send("type orderField.to 瑞金医院");
        ui.send("type orderField.passengers 2");
        ui.send("type orderField.plate 沪A12345");
        ui.keys("ctrl+J");
        await("the taxi order sent").until(() -> cti.sent("POST", "/api/orders").size() == before + 1);
        var body = cti.sent("POST", "/api/orders").get(before).json();
        assertEquals("taxi", body.path("kind").asText());
        assertEquals("出行", body.path("category").asText());
        assertEquals(62, body.path("callId").asLong());
        assertEquals("控江路1029弄", body.path("fields").path("from").asText());
        assertEquals("瑞金医院", body.path("fields").path("to").asText());
        assertEquals("2", body.path("fields").path("passengers").asText());
        assertEquals("沪A12345", body.path("fields").path("plate").asText());
        // the booking's time is the order's wanted time; fields left empty are not sent
        assertEquals(body.path("wantedAt").asText(), body.path("fields").path("time").asText());
        assertTrue(body.path("fields").path("car").isMissingNode(), body.toString());
        await("created").until(() -> ui.text("orderStatus").equals("工单 #10 已创建，候选供应商："));
    }
}
