package onekey.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import onekey.testkit.Api;
import onekey.testkit.Pstn;
import onekey.testkit.Pstn.Behaviour;
import onekey.testkit.Pstn.Behaviour.Press;
import onekey.testkit.Stack;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Issue 21 through a real Asterisk: suppliers and the elder are phones behind the trunk ({@link Pstn}); one Asterisk and
 * one cti-server (its own JVM, so it can be killed) for every test here. The elder is demo 张桂英 (控江路街道, 31.2788 N
 * 121.5253 E, landline 2155550001). OrderServiceTest proves the same rules on an injected clock; this class proves the
 * calls: what the supplier hears, its keys, the callback's key, and a kill -9 while a supplier's phone rings.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OrdersIT {
    static final String ELDER = "2155550001";
    static final String NEAR = "13800000201";
    static final String OTHER = "13800000202";
    static final String FAR = "13800000203";
    static final String SUSPENDED = "13800000204";
    static final String NO_BATH = "13800000205";
    static final String FIX_A = "13800000301";
    static final String FIX_B = "13800000302";

    static Stack stack;
    static Pstn pstn;
    static Api api;
    static String admin;
    static String dispatcher;
    static String agent;

    @BeforeAll
    static void up() {
        stack = new Stack()
                // the voice at twice its rate: the supplier hears the whole order sooner
                .with("ONEKEY_TTS_RATEPERCENT", "200")
                .with("ONEKEY_BROADCAST_QUIETHOURS", "none")
                .with("ONEKEY_ORDERS_ACCEPTSECONDS", "40")
                .with("ONEKEY_ORDERS_DIGITSECONDS", "4")
                .with("ONEKEY_ORDERS_CALLBACKDELAYSECONDS", "0")
                .startAsterisk().startServerProcess();
        pstn = new Pstn(stack.asterisk.trunkPort());
        api = stack.api;
        Awaitility.await("AMI connected").atMost(Duration.ofSeconds(20))
                .until(() -> api.get("/api/health", null).json().path("asterisk").path("connected").asBoolean());
        admin = api.login("admin", Stack.ADMIN_PASSWORD);
        var made = api.send("POST", "/api/agents", admin, "{\"username\":\"disp\",\"password\":\"dispatch-pass-1\","
                + "\"role\":\"dispatcher\",\"displayName\":\"派单员\"}");
        assertThat(made.status()).as(made.body()).isEqualTo(201);
        dispatcher = api.login("disp", "dispatch-pass-1");
        agent = api.login("1001", "agent1001");
    }

    @AfterAll
    static void down() {
        if (pstn != null) {
            pstn.close();
        }
        if (stack != null) {
            stack.close();
        }
    }

    private static long supplier(String body) {
        var r = api.send("POST", "/api/suppliers", dispatcher, body);
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return r.json().path("id").asLong();
    }

    private static String voiceSupplier(String name, String category, String phone, double lat, double lon, double radius,
                                        String state) {
        return "{\"name\":\"" + name + "\",\"categories\":[\"" + category + "\"],\"phones\":[\"" + phone + "\"],\"lat\":" + lat
                + ",\"lon\":" + lon + ",\"radiusKm\":" + radius + ",\"hours\":\"\",\"state\":\"" + state + "\"}";
    }

    private static JsonNode order(long id) {
        return api.get("/api/orders/" + id, dispatcher).json();
    }

    private static String state(long id) {
        return order(id).path("state").asText();
    }

    /** µ-law at 8 kHz: 8 bytes a millisecond. */
    private static long heardMs(Pstn.Call c) {
        return c.heard().length / 8;
    }

    /** The offer {@code seq}'s spoken message length, once it was spoken (before its call is placed). */
    private static long messageMs(long id, int seq) {
        Awaitility.await("offer " + seq + " spoken").atMost(Duration.ofSeconds(30)).until(() ->
                order(id).path("offers").size() >= seq && order(id).path("offers").path(seq - 1).path("messageMs").asLong() > 0);
        return order(id).path("offers").path(seq - 1).path("messageMs").asLong();
    }

    private static long newOrder(String category, String need) {
        var r = api.send("POST", "/api/orders", agent, "{\"elderId\":1,\"category\":\"" + category + "\",\"need\":\"" + need
                + "\",\"wantedAt\":\"" + java.time.Instant.now().plusSeconds(3600) + "\",\"callId\":null}");
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return r.json().path("id").asLong();
    }

    @Test
    @Order(1)
    void aBathOrderGoesToTheNearerFitThatDeclinesWith2ThenTheOtherAcceptsThenTheElderIsCalledBackAndComplains() {
        long near = supplier(voiceSupplier("长白助浴队", "助浴", NEAR, 31.2850, 121.5300, 5, "admitted"));
        long other = supplier(voiceSupplier("杨浦助浴中心", "助浴", OTHER, 31.2600, 121.5100, 5, "admitted"));
        supplier(voiceSupplier("宝山助浴", "助浴", FAR, 31.4000, 121.6000, 3, "admitted"));
        supplier(voiceSupplier("停业助浴", "助浴", SUSPENDED, 31.2788, 121.5254, 5, "suspended"));
        supplier(voiceSupplier("控江助餐", "助餐", NO_BATH, 31.2790, 121.5250, 5, "admitted"));
        // the phones pick up after a moment; their keys are set once the order's message is known
        // the nearer one listens 9 s (the category and the address come first), then declines; the other accepts
        pstn.number(NEAR, Behaviour.pressesInTurn(new Press('2', 9000)));
        pstn.number(OTHER, Behaviour.pressesInTurn(new Press('1', 2500)));

        long id = newOrder("助浴", "洗澡，需要两人协助");
        JsonNode created = order(id);
        assertThat(created.path("state").asText()).isEqualTo("created");
        List<Long> ranked = new ArrayList<>();
        created.path("candidates").forEach(c -> ranked.add(c.path("supplierId").asLong()));
        assertThat(ranked).containsExactly(near, other);
        assertThat(created.path("candidates").path(0).path("reason").asText()).contains("服务半径");

        var go = api.send("POST", "/api/orders/" + id + "/dispatch", dispatcher, null);
        assertThat(go.status()).as(go.body()).isEqualTo(200);
        long firstMs = messageMs(id, 1);
        Awaitility.await("accepted").atMost(Duration.ofSeconds(60)).until(() -> state(id).equals("accepted"));
        JsonNode accepted = order(id);
        System.out.println("accepted: " + accepted);
        assertThat(accepted.path("supplierId").asLong()).isEqualTo(other);
        JsonNode o1 = accepted.path("offers").path(0);
        JsonNode o2 = accepted.path("offers").path(1);
        assertThat(o1.path("supplierId").asLong()).isEqualTo(near);
        assertThat(o1.path("state").asText()).isEqualTo("declined");
        assertThat(o1.path("digits").asText()).isEqualTo("2");
        assertThat(o1.path("message").asText()).contains("助浴", "上海市杨浦区控江路1029弄12号302室", "全家便利店");
        assertThat(o2.path("state").asText()).isEqualTo("accepted");
        assertThat(o1.path("endedAt").asLong()).isLessThanOrEqualTo(o2.path("askedAt").asLong());
        assertThat(accepted.path("acceptedAt").asLong()).isGreaterThanOrEqualTo(o2.path("askedAt").asLong());
        List<String> states = new ArrayList<>();
        accepted.path("history").forEach(h -> states.add(h.path("state").asText() + "/" + h.path("by").asText()));
        assertThat(states).containsExactly("created/1001", "dispatched/disp", "dispatched/supplier:" + near,
                "accepted/supplier:" + other);
        // the nearer supplier heard the order (not silence) until it pressed 2; one call to each, never both at once
        assertThat(pstn.callsTo(NEAR)).hasSize(1);
        assertThat(pstn.callsTo(OTHER)).hasSize(1);
        Pstn.Call heard = pstn.callsTo(NEAR).get(0);
        System.out.printf("the first supplier heard %d ms at RMS %.3f; the message is %d ms%n", heardMs(heard),
                heard.heardRms(), firstMs);
        assertThat(heard.heardRms()).isGreaterThan(0.01);
        assertThat(heardMs(heard)).isBetween(8000L, firstMs + 2000);
        assertThat(heard.endedAt).isPositive().isLessThanOrEqualTo(pstn.callsTo(OTHER).get(0).invitedAt);
        assertThat(pstn.callsTo(FAR)).isEmpty();
        assertThat(pstn.callsTo(SUSPENDED)).isEmpty();
        assertThat(pstn.callsTo(NO_BATH)).isEmpty();

        // test 2: done reported → the elder's callback; the elder presses 3 (不满意) → a complaint, the rate moves
        pstn.number(ELDER, Behaviour.pressesInTurn(new Press('3', 3000)));
        var done = api.send("POST", "/api/orders/" + id + "/progress", dispatcher, "{\"status\":\"done\"}");
        assertThat(done.status()).as(done.body()).isEqualTo(200);
        Awaitility.await("called back").atMost(Duration.ofSeconds(40)).until(() -> state(id).equals("called-back"));
        JsonNode cb = order(id);
        System.out.println("called back: " + cb);
        assertThat(cb.path("callback").path("satisfaction").asInt()).isEqualTo(1);
        assertThat(cb.path("callback").path("done").asBoolean()).isTrue();
        assertThat(cb.path("task").path("kind").asText()).isEqualTo("complaint");
        assertThat(cb.path("task").path("state").asText()).isEqualTo("open");
        assertThat(pstn.callsTo(ELDER)).hasSize(1);
        assertThat(pstn.callsTo(ELDER).get(0).heardRms()).isGreaterThan(0.01);
        JsonNode rated = api.get("/api/suppliers/" + other, dispatcher).json().path("scorecard");
        assertThat(rated.path("complaintRate").asDouble()).isEqualTo(1.0);
        assertThat(rated.path("ordersDone").asInt()).isEqualTo(1);
        JsonNode board = api.get("/api/orders?task=open", dispatcher).json();
        assertThat(board).extracting(j -> j.path("id").asLong()).contains(id);

        // test 3 at the HTTP edge: a supplier-update without a valid signature is refused
        var unsigned = api.send("POST", "/api/orders/" + id + "/supplier-update", null, "{\"status\":\"done\"}");
        assertThat(unsigned.status()).isEqualTo(401);
        // suppliers are the admins' and dispatchers' own: an agent may not add one
        assertThat(api.send("POST", "/api/suppliers", agent, voiceSupplier("x", "助浴", "1", 31, 121, 1, "admitted"))
                .status()).isEqualTo(403);
        assertThat(api.get("/api/audit?type=order", admin).body()).contains("order.create", "order.dispatch");
    }

    @Test
    @Order(2)
    void aKillMinus9WhileTheFirstSuppliersPhoneRingsNeverAsksTwoAtOnceAndTheOrderCompletes() {
        long a = supplier(voiceSupplier("控江维修站", "维修", FIX_A, 31.2795, 121.5260, 5, "admitted"));
        long b = supplier(voiceSupplier("杨浦维修", "维修", FIX_B, 31.2650, 121.5150, 5, "admitted"));
        // A's phone rings 10 s before it is picked up, then 1; B (asked only if A's answer was lost) also takes it
        pstn.number(FIX_A, new Behaviour(Behaviour.Kind.ANSWER, null, null, 0, 10_000, List.of(new Press('1', 2500))));
        pstn.number(FIX_B, Behaviour.pressesInTurn(new Press('1', 2500)));
        long id = newOrder("维修", "水龙头漏水");
        assertThat(api.send("POST", "/api/orders/" + id + "/dispatch", dispatcher, null).status()).isEqualTo(200);
        Awaitility.await("A's phone rings").atMost(Duration.ofSeconds(30)).until(() -> !pstn.callsTo(FIX_A).isEmpty());
        stack.process.kill9();
        stack.process.restart();
        Awaitility.await("AMI connected again").atMost(Duration.ofSeconds(30))
                .until(() -> api.get("/api/health", null).json().path("asterisk").path("connected").asBoolean());
        String disp = api.login("disp", "dispatch-pass-1");
        Awaitility.await("accepted after the restart").atMost(Duration.ofSeconds(60))
                .until(() -> api.get("/api/orders/" + id, disp).json().path("state").asText().equals("accepted"));
        JsonNode o = api.get("/api/orders/" + id, disp).json();
        System.out.println("after the kill: " + o);
        assertThat(pstn.callsTo(FIX_A)).as("A was never called twice").hasSize(1);
        JsonNode offers = o.path("offers");
        assertThat(offers.path(0).path("supplierId").asLong()).isEqualTo(a);
        if (offers.size() == 1) {
            // A's 1 reached the restarted server
            assertThat(o.path("supplierId").asLong()).isEqualTo(a);
            assertThat(pstn.callsTo(FIX_B)).isEmpty();
        } else {
            // A's answer was lost with the server: B was asked only once A's call had ended
            assertThat(offers).hasSize(2);
            assertThat(o.path("supplierId").asLong()).isEqualTo(b);
            assertThat(pstn.callsTo(FIX_B)).hasSize(1);
            assertThat(pstn.callsTo(FIX_A).get(0).endedAt).isPositive()
                    .isLessThanOrEqualTo(pstn.callsTo(FIX_B).get(0).invitedAt);
            assertThat(offers.path(0).path("endedAt").asLong()).isLessThanOrEqualTo(offers.path(1).path("askedAt").asLong());
        }
        // the loop closes: done, called back (the elder is satisfied this time), closed
        pstn.number(ELDER, Behaviour.pressesInTurn(new Press('1', 3000)));
        assertThat(api.send("POST", "/api/orders/" + id + "/progress", disp, "{\"status\":\"done\"}").status()).isEqualTo(200);
        Awaitility.await("closed").atMost(Duration.ofSeconds(40))
                .until(() -> api.get("/api/orders/" + id, disp).json().path("state").asText().equals("closed"));
    }
}
