package onekey.softphone.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The suppliers' register (issue 21) in the dispatcher's real window (its own JVM, Xvfb, X events) against
 * {@link FakeCti}, which answers {@code /api/suppliers} as the server does (the shape of {@code Supplier.shape()}): the
 * list with the scorecards, admitted first by score; the filters as the server's query parameters; a new supplier typed
 * into the form, a lat the form refuses itself, a radius the server refuses (its 400 under the field, the form kept),
 * then saved with every field in the request; a supplier suspended (Ctrl+U) and re-admitted (Ctrl+Shift+U) with only
 * its state changed.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SuppliersWindowTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static FakeCti cti;
    static DatagramSocket sip;
    static WindowProcess ui;
    static final List<String> list = new CopyOnWriteArrayList<>();

    static ConditionFactory await(String what) {
        return Awaitility.await(what).atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50)).ignoreExceptions();
    }

    static String supplier(long id, String name, String categories, String state, String scorecard) {
        return "{\"id\":" + id + ",\"name\":\"" + name + "\",\"categories\":" + categories + ",\"phones\":[\"1360000" + id
                + "\"],\"lat\":31.285,\"lon\":121.53,\"radiusKm\":5.0,\"subDistricts\":[\"长白新村街道\"],\"hours\":\"08:00-20:00\","
                + "\"contractUntil\":\"2027-12-31\",\"licenceUntil\":null,\"state\":\"" + state + "\",\"dispatch\":\"voice\","
                + "\"webhookUrl\":null,\"webhookKeySet\":false,\"scorecard\":" + scorecard + ",\"createdAt\":1,\"updatedAt\":2}";
    }

    static final String UNRATED = "{\"ordersDone\":0,\"callbacks\":0,\"quality\":null,\"price\":null,\"satisfaction\":null,"
            + "\"complaints\":0,\"complaintRate\":null,\"onTimeRate\":null,\"score\":60.0}";

    static void answerList() {
        cti.answers.put("GET /api/suppliers", "[" + String.join(",", list) + "]");
    }

    @BeforeAll
    static void start() throws Exception {
        sip = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        cti = new FakeCti(21, "1001", sip.getLocalPort());
        cti.answers.put("POST /api/login", "{\"token\":\"test-token\",\"role\":\"dispatcher\"}");
        cti.answers.put("GET /api/me", "{\"id\":21,\"username\":\"1001\",\"displayName\":\"派单员\",\"role\":\"dispatcher\","
                + "\"wrapUpSeconds\":0,\"sip\":{\"host\":\"127.0.0.1\",\"port\":" + sip.getLocalPort()
                + ",\"extension\":\"1001\",\"secret\":\"secret\"}}");
        cti.answers.put("GET /api/orders", "[]");
        // unsorted as a server may give them: the register puts admitted first, best score first, suspended after
        list.add(supplier(13, "停业助浴", "[\"助浴\"]", "suspended", UNRATED));
        list.add(supplier(11, "长白助浴队", "[\"助浴\"]", "admitted", UNRATED));
        list.add(supplier(12, "杨浦助浴中心", "[\"助浴\",\"护理\"]", "admitted", "{\"ordersDone\":8,\"callbacks\":8,"
                + "\"quality\":4.6,\"price\":4.4,\"satisfaction\":4.5,\"complaints\":1,\"complaintRate\":0.125,"
                + "\"onTimeRate\":0.875,\"score\":79.3}"));
        answerList();
        cti.handlers.put("POST /api/suppliers", r -> {
            JsonNode b = r.json();
            if (b.path("radiusKm").asDouble() > 30) {
                return new FakeCti.Reply(400, "{\"error\":\"invalid_field\",\"message\":\"\\\"radiusKm\\\" must be above 0 and"
                        + " at most 30.0 (orders.maxRadiusKm), with the supplier's lat and lon\",\"field\":\"radiusKm\"}");
            }
            ObjectNode s = ((ObjectNode) b.deepCopy()).put("id", 14).put("webhookKeySet", false);
            s.set("scorecard", parse(UNRATED));
            list.add(s.toString());
            answerList();
            return new FakeCti.Reply(201, s.toString());
        });
        cti.handlers.put("PUT /api/suppliers/11", r -> {
            ObjectNode s = ((ObjectNode) r.json().deepCopy()).put("id", 11).put("webhookKeySet", false);
            s.set("scorecard", parse(UNRATED));
            list.replaceAll(x -> x.contains("\"id\":11,") ? s.toString() : x);
            answerList();
            return new FakeCti.Reply(200, s.toString());
        });
        ui = new WindowProcess(cti.api(), false);
        await("CTI connected").until(() -> ui.text("ctiStatus").contains("CTI 已连接"));
        ui.keys("ctrl+O");
        await("the dispatch desk").until(() -> ui.visible("ordersTable"));
        ui.send("tab deskTabs 供应商");
        await("the suppliers' tab").until(() -> ui.visible("suppliersTable"));
    }

    static JsonNode parse(String s) {
        try {
            return JSON.readTree(s);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
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
    @Order(1)
    void theRegisterListsTheSuppliersWithTheirScorecardsAdmittedAndBestFirstAndFiltersOnTheServer() {
        await("the suppliers").until(() -> ui.text("suppliersCount").equals("共 3 家"));
        String table = ui.text("suppliersTable");
        String[] rows = table.split(" \\| ");
        assertEquals(3, rows.length, table);
        assertEquals("#12, 杨浦助浴中心, 助浴、护理, 长白新村街道 / 5.0 km, 08:00-20:00, 准入, 79.3, 4.60, 4.40, 4.50, 12.5%, 87.5%, 8",
                rows[0]);
        assertEquals("#11, 长白助浴队, 助浴, 长白新村街道 / 5.0 km, 08:00-20:00, 准入, 60.0, —, —, —, —, —, 0", rows[1]);
        assertTrue(rows[2].startsWith("#13, 停业助浴, 助浴, 长白新村街道 / 5.0 km, 08:00-20:00, 暂停合作, 60.0"), rows[2]);

        ui.send("row suppliersTable 杨浦助浴中心");
        await("the supplier in the form").until(() -> ui.text("supplierFormTitle").equals("编辑供应商 #12"));
        assertEquals("杨浦助浴中心", ui.text("supplierName"));
        assertEquals("31.285", ui.text("supplierLat"));
        assertEquals("5.0", ui.text("supplierRadius"));
        assertEquals("2027-12-31", ui.text("supplierContract"));
        assertTrue(ui.text("supplierScorecard").contains("投诉率 12.5% · 准时率 87.5% · 完成单数 8"), ui.text("supplierScorecard"));

        ui.send("select suppliersState 暂停合作");
        await("filtered by state on the server").until(() ->
                !cti.sent("GET", "/api/suppliers?limit=1000&state=suspended").isEmpty());
        ui.send("select suppliersCategory 护理");
        await("and by category").until(() ->
                !cti.sent("GET", "/api/suppliers?limit=1000&state=suspended&category=%E6%8A%A4%E7%90%86").isEmpty());
        ui.send("select suppliersState 全部");
        ui.send("select suppliersCategory 全部类别");
        await("unfiltered again").until(() -> cti.sent("GET", "/api/suppliers?limit=1000").size() >= 2);
    }

    @Test
    @Order(2)
    void aNewSupplierRefusedByTheFormThenByTheServerKeepsWhatWasTypedAndIsThenSavedWithEveryField() throws Exception {
        ui.keys("ctrl+N", "desk");
        await("an empty form").until(() -> ui.text("supplierFormTitle").equals("新增供应商"));
        ui.send("type supplierName 控江护理站");
        ui.mouse("supplierCat_助浴");
        ui.mouse("supplierCat_护理");
        ui.send("type supplierPhones 13800000001, 02155550002");
        ui.send("type supplierLat 31.27x");
        ui.send("type supplierLon 121.525");
        ui.send("type supplierRadius 50");
        ui.send("type supplierSubDistricts 控江路街道、长白新村街道");
        ui.send("type supplierHours 08:00-11:30,13:00-18:00");
        ui.send("type supplierContract 2027-12-31");
        ui.send("type supplierLicence 2027-06-30");

        // the form's own check: lat is not a number
        ui.keys("ctrl+S", "desk");
        await("the lat refused by the form").until(() -> ui.visible("supplierErr_lat"));
        assertEquals("纬度须为 -90 到 90 之间的数字（WGS-84，如 31.2790）", ui.text("supplierErr_lat"));
        assertEquals("请先改正标红的项", ui.text("supplierError"));
        assertTrue(cti.sent("POST", "/api/suppliers").isEmpty());

        // the server's check: the radius is above orders.maxRadiusKm → its message under the field, nothing lost
        ui.send("type supplierLat 31.279");
        ui.keys("ctrl+S", "desk");
        await("the 400 under the radius").until(() -> ui.visible("supplierErr_radiusKm"));
        assertEquals("\"radiusKm\" must be above 0 and at most 30.0 (orders.maxRadiusKm), with the supplier's lat and lon",
                ui.text("supplierErr_radiusKm"));
        assertTrue(ui.text("supplierError").startsWith("未保存（表单内容保留）："), ui.text("supplierError"));
        assertFalse(Boolean.parseBoolean(ui.send("visible supplierErr_lat")));
        assertEquals("控江护理站", ui.text("supplierName"));
        assertEquals("13800000001, 02155550002", ui.text("supplierPhones"));
        assertEquals("控江路街道、长白新村街道", ui.text("supplierSubDistricts"));
        assertEquals("50", ui.text("supplierRadius"));
        assertEquals("新增供应商", ui.text("supplierFormTitle"));
        Path shot = Path.of("target", "desk-suppliers-400.png").toAbsolutePath();
        ui.send("shot desk " + shot);
        assertTrue(Files.size(shot) > 10_000);

        ui.send("type supplierRadius 5");
        ui.keys("ctrl+S", "desk");
        await("saved").until(() -> cti.sent("POST", "/api/suppliers").size() == 2);
        JsonNode b = cti.sent("POST", "/api/suppliers").get(1).json();
        assertEquals("控江护理站", b.path("name").asText());
        assertEquals("[\"助浴\",\"护理\"]", b.path("categories").toString());
        assertEquals("[\"13800000001\",\"02155550002\"]", b.path("phones").toString());
        assertEquals(31.279, b.path("lat").asDouble());
        assertEquals(121.525, b.path("lon").asDouble());
        assertEquals(5.0, b.path("radiusKm").asDouble());
        assertEquals("[\"控江路街道\",\"长白新村街道\"]", b.path("subDistricts").toString());
        assertEquals("08:00-11:30,13:00-18:00", b.path("hours").asText());
        assertEquals("2027-12-31", b.path("contractUntil").asText());
        assertEquals("2027-06-30", b.path("licenceUntil").asText());
        assertEquals("admitted", b.path("state").asText());
        assertEquals("voice", b.path("dispatch").asText());
        assertTrue(b.has("webhookUrl") && b.path("webhookUrl").isNull(), b.toString());
        assertFalse(b.has("webhookKey"), b.toString());
        await("the saved one").until(() -> ui.text("suppliersStatus").equals("供应商 #14「控江护理站」已保存"));
        assertEquals("编辑供应商 #14", ui.text("supplierFormTitle"));
        await("listed").until(() -> ui.text("suppliersCount").equals("共 4 家"));
        assertTrue(ui.text("suppliersTable").contains("#14, 控江护理站, 助浴、护理, 控江路街道、长白新村街道 / 5.0 km, "
                + "08:00-11:30,13:00-18:00, 准入"), ui.text("suppliersTable"));
    }

    @Test
    @Order(3)
    void aSupplierIsSuspendedAndReadmittedWithOnlyItsStateChanged() throws Exception {
        ui.send("row suppliersTable 长白助浴队");
        await("the supplier in the form").until(() -> ui.text("supplierFormTitle").equals("编辑供应商 #11"));
        ui.send("type supplierName 长白助浴队（未保存的修改）");
        ui.keys("ctrl+U", "desk");
        await("suspended").until(() -> cti.sent("PUT", "/api/suppliers/11").size() == 1);
        JsonNode b = cti.sent("PUT", "/api/suppliers/11").get(0).json();
        assertEquals("suspended", b.path("state").asText());
        assertEquals("长白助浴队", b.path("name").asText(), "the supplier as the server has it, not the unsaved edit");
        assertEquals("[\"助浴\"]", b.path("categories").toString());
        assertEquals("[\"136000011\"]", b.path("phones").toString());
        assertEquals(5.0, b.path("radiusKm").asDouble());
        assertEquals("08:00-20:00", b.path("hours").asText());
        assertEquals("2027-12-31", b.path("contractUntil").asText());
        assertFalse(b.has("webhookKey"));
        await("the status").until(() -> ui.text("suppliersStatus").equals("供应商 #11「长白助浴队」：暂停合作"));
        assertEquals("暂停合作", ui.text("supplierState"));
        assertEquals("长白助浴队（未保存的修改）", ui.text("supplierName"), "the unsaved edit is kept");
        await("listed as suspended, after the two admitted ones").until(() -> {
            List<String> rows = List.of(ui.text("suppliersTable").split(" \\| "));
            return rows.size() == 4 && rows.indexOf("#11, 长白助浴队, 助浴, 长白新村街道 / 5.0 km, 08:00-20:00, 暂停合作, 60.0, —, —, —, —, —, 0") >= 2
                    && rows.get(0).startsWith("#12,") && rows.get(1).startsWith("#14,");
        });
        Path shot = Path.of("target", "desk-suppliers.png").toAbsolutePath();
        ui.send("shot desk " + shot);
        assertTrue(Files.size(shot) > 10_000);

        ui.keys("ctrl+shift+U", "desk");
        await("re-admitted").until(() -> cti.sent("PUT", "/api/suppliers/11").size() == 2);
        assertEquals("admitted", cti.sent("PUT", "/api/suppliers/11").get(1).json().path("state").asText());
        await("the status").until(() -> ui.text("suppliersStatus").equals("供应商 #11「长白助浴队」：准入"));
    }
}
