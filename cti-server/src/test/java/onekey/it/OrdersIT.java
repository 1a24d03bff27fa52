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
import onekey.testkit.Sipp;
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
                // the registration line's booking look-up (bounded by the caller look-up's 300 ms, then greeting as usual)
                // given room on two busy cores: test 3 asserts the read-back, not the bound
                .with("ONEKEY_CALLS_LOOKUPTIMEOUTMS", "2000")
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
        // the complaint's task is written just after the move to called-back: wait for both
        Awaitility.await("called back, the complaint's task open").atMost(Duration.ofSeconds(40))
                .until(() -> state(id).equals("called-back") && !order(id).path("task").path("kind").asText().isEmpty());
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

    static final String REGISTRATION_LINE = "1234902";
    static final java.time.ZoneId SHANGHAI = java.time.ZoneId.of("Asia/Shanghai");

    private static JsonNode broadcast(long id) {
        return api.get("/api/broadcasts/" + id, agent).json();
    }

    /** The elder's {@code count} calls on the registration line since {@code sinceMs}, once each is recorded and queued. */
    private static List<JsonNode> registrationCalls(long elderId, long sinceMs, int count) {
        List<JsonNode> found = new ArrayList<>();
        Awaitility.await("elder " + elderId + "'s registration calls recorded").atMost(Duration.ofSeconds(30)).until(() -> {
            found.clear();
            for (JsonNode c : api.get("/api/calls?elderId=" + elderId + "&limit=10", admin).json()) {
                if (c.path("line").asText().equals("registration") && c.path("arrivedAt").asLong() >= sinceMs
                        && c.path("recordingId").isNumber() && c.path("endedAt").isNumber() && c.path("queuedAt").isNumber()) {
                    found.add(c);
                }
            }
            return found.size() == count;
        });
        return found;
    }

    /** The call's recording, written to a temporary file. */
    private static java.nio.file.Path recording(JsonNode call) throws Exception {
        var rec = api.get("/api/recordings/" + call.path("recordingId").asLong(), admin);
        assertThat(rec.status()).as("recording of call %s", call.path("id")).isEqualTo(200);
        java.nio.file.Path wav = java.nio.file.Files.createTempFile("reg", ".wav");
        java.nio.file.Files.write(wav, rec.raw().body());
        return wav;
    }

    /**
     * How long the IVR had the call, as an offset in its recording: Asterisk answers and starts MixMonitor as the call
     * arrives, and the flow's last step hands it to the queue (whose music on hold follows); 300 ms spare (Asterisk
     * answers a moment after the arrival is stamped).
     */
    private static long ivrMs(JsonNode call) {
        long queueStep = -1;
        for (JsonNode e : api.get("/api/calls/" + call.path("id").asLong(), admin).json().path("timeline")) {
            if (e.path("type").asText().equals("flow") && e.path("detail").asText().matches("#\\d+ queue: .*")) {
                queueStep = e.path("at").asLong();
            }
        }
        assertThat(queueStep).as("the flow queued call %s", call).isPositive();
        return queueStep - call.path("arrivedAt").asLong() - 300;
    }

    /** What the call's recording holds between {@code fromMs} and the queue (the IVR's part: greeting, read-back). */
    private static Audio.Speech ivrSpeech(JsonNode call, long fromMs) throws Exception {
        java.nio.file.Path wav = recording(call);
        try {
            Audio.Speech s = Audio.speech(wav, fromMs, ivrMs(call), 0.02);
            System.out.printf("call %d: IVR part %d ms, from %d ms: %s span %d ms share %.2f (whole recording RMS %.3f)%n",
                    call.path("id").asLong(), ivrMs(call), fromMs, s, s.spanMs(), s.voicedShare(), Audio.rms(wav));
            return s;
        } finally {
            java.nio.file.Files.deleteIfExists(wav);
        }
    }

    private static String timeline(JsonNode call) {
        return api.get("/api/calls/" + call.path("id").asLong(), admin).json().path("timeline").toString();
    }

    @Test
    @Order(3)
    void aRegistrationIsConfirmedByVoiceItsTwoRemindersArePlannedAndTheRegistrationLineReadsItBackAnd1RepeatsIt()
            throws Exception {
        // test 5: a booking three days ahead at 09:30 (the centre's time)
        java.time.LocalDateTime appt = java.time.LocalDate.now(SHANGHAI).plusDays(3).atTime(9, 30);
        pstn.number(ELDER, Behaviour.pressesInTurn(new Press('1', 4000)));
        int elderCalls = pstn.callsTo(ELDER).size();
        var made = api.send("POST", "/api/orders", agent, "{\"kind\":\"registration\",\"elderId\":1,\"category\":\"挂号\","
                + "\"need\":\"心内科复诊挂号\",\"wantedAt\":\"" + appt + "\",\"fields\":{\"hospital\":\"瑞金医院\","
                + "\"department\":\"心内科\",\"doctor\":\"王建华\",\"time\":\"" + appt + "\","
                + "\"insuranceCard\":\"310000193803120000\"}}");
        assertThat(made.status()).as(made.body()).isEqualTo(201);
        long id = made.json().path("id").asLong();
        assertThat(made.json().path("kind").asText()).isEqualTo("registration");
        // the order names its confirmation: the existing voice broadcast, driven from the order
        long bid = -1;
        for (JsonNode h : made.json().path("history")) {
            if (h.path("event").asText().equals("confirmation")) {
                assertThat(h.path("detail").asText()).as("history %s", made.json().path("history")).matches("broadcast \\d+");
                bid = Long.parseLong(h.path("detail").asText().substring("broadcast ".length()));
            }
        }
        assertThat(bid).as("a confirmation in the order's history: %s", made.json().path("history")).isPositive();
        long confirmation = bid;
        JsonNode b = broadcast(confirmation);
        assertThat(b.path("template").asText()).isEqualTo("registration");
        assertThat(b.path("message").asText()).contains("张桂英", "瑞金医院", "心内科", "王建华");
        // both reminders are rows of it, due the evening before at 18:00 and 2 h before (asserted, not waited for:
        // BroadcastServiceTest and OrderServiceTest dial them on an injected clock)
        List<Long> due = new ArrayList<>();
        for (JsonNode x : api.get("/api/broadcasts?elderId=1&limit=100", agent).json()) {
            if (x.path("parentId").asLong() == confirmation) {
                assertThat(x.path("template").asText()).isEqualTo("reminder");
                assertThat(x.path("state").asText()).isEqualTo("scheduled");
                assertThat(x.path("message").asText()).contains("瑞金医院");
                due.add(x.path("dueAt").asLong());
            }
        }
        assertThat(due).containsExactlyInAnyOrder(
                appt.toLocalDate().minusDays(1).atTime(18, 0).atZone(SHANGHAI).toInstant().toEpochMilli(),
                appt.minusHours(2).atZone(SHANGHAI).toInstant().toEpochMilli());

        // the confirmation reaches the elder's phone behind the trunk, is heard (not silence) and confirmed with 1
        Awaitility.await("confirmation confirmed").atMost(Duration.ofSeconds(45))
                .until(() -> broadcast(confirmation).path("state").asText().equals("confirmed"));
        JsonNode attempt = broadcast(confirmation).path("attempts").path(0);
        assertThat(attempt.path("digits").asText()).isEqualTo("1");
        assertThat(pstn.callsTo(ELDER)).hasSize(elderCalls + 1);
        Pstn.Call heard = pstn.callsTo(ELDER).get(elderCalls);
        System.out.printf("the elder heard the confirmation %d ms at RMS %.3f%n", heardMs(heard), heard.heardRms());
        assertThat(heard.heardRms()).isGreaterThan(0.01);
        assertThat(heardMs(heard)).isGreaterThanOrEqualTo(3500);

        // a taxi order is confirmed the same way (its broadcast is called while she calls the registration line below)
        var bad = api.send("POST", "/api/orders", agent, "{\"kind\":\"taxi\",\"elderId\":1,\"category\":\"出行\","
                + "\"need\":\"去瑞金医院\",\"wantedAt\":\"" + appt.minusHours(1) + "\",\"fields\":{\"from\":\"控江路1029弄\","
                + "\"to\":\"瑞金医院\",\"time\":\"明天早上\"}}");
        assertThat(bad.status()).as(bad.body()).isEqualTo(400);
        assertThat(bad.body()).contains("fields.time");
        var taxi = api.send("POST", "/api/orders", agent, "{\"kind\":\"taxi\",\"elderId\":1,\"category\":\"出行\","
                + "\"need\":\"去瑞金医院\",\"wantedAt\":\"" + appt.minusHours(1) + "\",\"fields\":{\"from\":\"控江路1029弄\","
                + "\"to\":\"瑞金医院\",\"time\":\"" + appt.minusHours(1) + "\",\"passengers\":\"2\",\"plate\":\"沪A12345\"}}");
        assertThat(taxi.status()).as(taxi.body()).isEqualTo(201);
        long taxiBroadcast = -1;
        for (JsonNode h : taxi.json().path("history")) {
            if (h.path("event").asText().equals("confirmation") && h.path("detail").asText().startsWith("broadcast ")) {
                taxiBroadcast = Long.parseLong(h.path("detail").asText().substring("broadcast ".length()));
            }
        }
        assertThat(taxiBroadcast).as("the taxi's confirmation: %s", taxi.json().path("history")).isPositive();
        long taxiId = taxiBroadcast;
        assertThat(broadcast(taxiId).path("template").asText()).isEqualTo("taxi");
        assertThat(broadcast(taxiId).path("message").asText()).contains("出租车", "控江路1029弄", "瑞金医院", "乘车人数2人");
        assertThat(api.get("/api/broadcasts?elderId=1&limit=100", agent).json()).filteredOn(x -> x.path("parentId").asLong()
                == taxiId).hasSize(2);

        // the elder calls the registration line and says nothing: the booking is read back; 陈秀兰, with no booking,
        // calls the same line at the same time and is only greeted; and the elder calls once more and presses 1 during
        // the read-back (4 s in: it starts within Asterisk's 3 s bound on the flow and lasts ~9 s) to hear it again
        long since = System.currentTimeMillis() - 1000;
        long pressAt = 4000;
        try (Sipp.Caller booked = new Sipp.Caller(stack.asterisk.sipPort, "02155550001", REGISTRATION_LINE, 15_000,
                Sipp.silence());
             Sipp.Caller none = new Sipp.Caller(stack.asterisk.sipPort, "02155550003", REGISTRATION_LINE, 8_000,
                     Sipp.silence());
             Sipp.Caller presses = Sipp.Caller.pressing(stack.asterisk.sipPort, "02155550001", REGISTRATION_LINE, pressAt,
                     '1')) {
            assertThat(booked.await(40)).as(booked.log()).isZero();
            assertThat(none.await(40)).as(none.log()).isZero();
            assertThat(presses.await(40)).as(presses.log()).isZero();
        }
        List<JsonNode> hers = registrationCalls(1, since, 2);
        JsonNode without = registrationCalls(3, since, 1).get(0);
        JsonNode withBooking = null;
        JsonNode repeated = null;
        for (JsonNode c : hers) {
            if (timeline(c).contains("try1=1 goto=booking")) {
                repeated = c;
            } else {
                withBooking = c;
            }
        }
        assertThat(repeated).as("one of her calls pressed 1 in the menu: %s", hers).isNotNull();
        assertThat(withBooking).as("the other did not: %s", hers).isNotNull();
        String t1 = timeline(withBooking);
        String t2 = timeline(repeated);
        String t3 = timeline(without);
        System.out.println("with a booking: " + withBooking + "\n  " + t1 + "\nwithout: " + without + "\n  " + t3
                + "\npressed 1: " + repeated + "\n  " + t2);
        // the flow took the booking branch for her (and not for 陈秀兰); with no key pressed, on to the queue
        assertThat(t1).contains("BOOKING matched goto=booking", "try1=(timeout) goto=queue (default)");
        assertThat(t3).doesNotContain("goto=booking");
        Audio.Speech read = ivrSpeech(withBooking, 0);
        Audio.Speech greeted = ivrSpeech(without, 0);
        // speech, not noise or silence: most of the span voiced, and the read-back clearly longer than a greeting
        assertThat(read.voicedShare()).as("voiced share of %s", read).isGreaterThan(0.4);
        assertThat(greeted.voicedShare()).as("voiced share of %s", greeted).isGreaterThan(0.4);
        assertThat(read.spanMs()).as("the read-back %s against the greeting %s", read, greeted)
                .isGreaterThan(greeted.spanMs() + 1500);
        assertThat(read.voicedMs()).isGreaterThan(greeted.voicedMs() + 1000);

        // 1 repeats it: after the key the whole read-back again (then, no key, the queue), so more speech in all
        assertThat(t2).contains("try1=1 goto=booking", "try1=(timeout) goto=queue (default)");
        Audio.Speech twice = ivrSpeech(repeated, 0);
        Audio.Speech afterKey = ivrSpeech(repeated, pressAt);
        assertThat(afterKey.spanMs()).as("heard after the key %s, the read-back once %s", afterKey, read)
                .isGreaterThan(read.spanMs() * 8 / 10);
        assertThat(afterKey.voicedShare()).isGreaterThan(0.4);
        assertThat(twice.spanMs()).as("heard twice %s, once %s", twice, read).isGreaterThan(read.spanMs() + 2000);
        assertThat(twice.voicedMs()).isGreaterThan(read.voicedMs() + 1500);
        // the taxi's confirmation reached her phone meanwhile and was confirmed with 1
        Awaitility.await("taxi confirmed").atMost(Duration.ofSeconds(30))
                .until(() -> broadcast(taxiId).path("state").asText().equals("confirmed"));
        assertThat(pstn.callsTo(ELDER)).hasSize(elderCalls + 2);
        assertThat(pstn.callsTo(ELDER).get(elderCalls + 1).heardRms()).isGreaterThan(0.01);
        assertThat(state(id)).isEqualTo("created");
    }
}
