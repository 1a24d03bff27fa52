package onekey.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import onekey.testkit.Api;
import onekey.testkit.Pstn;
import onekey.testkit.Pstn.Behaviour;
import onekey.testkit.Pstn.Behaviour.Press;
import onekey.testkit.Sipp;
import onekey.testkit.Stack;
import onekey.testkit.Ws;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Issue 9: voice broadcasts through a real Asterisk. Behind the trunk, {@link Pstn} plays the elder's phone (demo
 * elder 张桂英, Mandarin, on 2155550001 and 13917000001): it answers, records what it hears and presses keys. The
 * quiet hours are off here (the test runs at any hour; BroadcastServiceTest proves them on an injected clock).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BroadcastIT {

    static final String ELDER = "2155550001";
    static final String ELDER_MOBILE = "13917000001";
    static final String REGISTRATION = "{\"elderId\":1,\"template\":\"registration\",\"fields\":{\"hospital\":\"瑞金医院\","
            + "\"department\":\"心内科\",\"doctor\":\"王建华\",\"time\":\"2031-03-05T09:30\"}%s}";

    /**
     * One Asterisk for the class, started once; every test still gets a fresh cti-server (its own
     * settings, a fresh H2, journal and data folder) and a fresh phone network behind the trunk, on an Asterisk with no
     * channel, queue member, line or recording left from the test before ({@link Stack#quietAsterisk}). The TTS prompts folder is
     * the Asterisk's, so a prompt synthesised by one test is cached for the next.
     */
    private Stack base;

    @BeforeAll
    void asterisk() {
        base = new Stack().startAsterisk();
    }

    @AfterAll
    void down() {
        if (base != null) {
            base.close();
        }
    }

    private Stack stack() {
        base.quietAsterisk();
        return Stack.on(base, null)
                // the voices at twice their rate: these tests check that the elder hears the whole message (measured
                // against its own length), its keys and its outcomes, not how long it is; a 27 s Mandarin booking
                // heard whole, then twice, is 13 s here
                .with("ONEKEY_TTS_RATEPERCENT", "200")
                .with("ONEKEY_BROADCAST_QUIETHOURS", "none")
                .with("ONEKEY_BROADCAST_RINGSECONDS", "5")
                .with("ONEKEY_BROADCAST_DIGITSECONDS", "6");
    }

    private static void amiUp(Api api) {
        Awaitility.await("AMI connected").atMost(Duration.ofSeconds(20))
                .until(() -> api.get("/api/health", null).json().path("asterisk").path("connected").asBoolean());
    }

    /** A registration broadcast that starts {@code delaySeconds} from now, so the phone's behaviour can be set first. */
    private static JsonNode book(Api api, String token, int delaySeconds) {
        var made = api.send("POST", "/api/broadcasts", token, REGISTRATION.formatted(",\"at\":\""
                + Instant.now().plusSeconds(delaySeconds) + "\""));
        assertThat(made.status()).as(made.body()).isEqualTo(201);
        return made.json();
    }

    private static JsonNode get(Api api, String token, long id) {
        return api.get("/api/broadcasts/" + id, token).json();
    }

    /** µ-law at 8 kHz: 8 bytes a millisecond. */
    private static long heardMs(Pstn.Call c) {
        return c.heard().length / 8;
    }

    @Test
    void aRegistrationIsSpokenToTheEldersPhoneAndPressing1ConfirmsIt() throws Exception {
        try (Stack stack = stack().startServer();
             Pstn pstn = new Pstn(stack.asterisk.trunkPort())) {
            Api api = stack.api;
            amiUp(api);
            String agent = api.login("1001", "agent1001");
            JsonNode b = book(api, agent, 3);
            long id = b.path("id").asLong();
            long promptMs = b.path("promptMs").asLong();
            System.out.println("scheduled: " + b);
            assertThat(b.path("state").asText()).isEqualTo("scheduled");
            assertThat(b.path("language").asText()).isEqualTo("zh");
            assertThat(b.path("message").asText()).contains("张桂英", "瑞金医院", "心内科", "王建华", "3月5日9点30分");
            assertThat(promptMs).as("the prompt was synthesised when scheduled").isGreaterThan(3000);
            // the reminders of the booking are scheduled rows too (the evening before at 18:00, and 2 h before)
            assertThat(b.path("reminders").size()).isEqualTo(2);
            pstn.number(ELDER, Behaviour.pressesInTurn(new Press('1', promptMs + 1500)));

            Awaitility.await("confirmed").atMost(Duration.ofSeconds(60))
                    .until(() -> get(api, agent, id).path("state").asText().equals("confirmed"));
            JsonNode done = get(api, agent, id);
            System.out.println("confirmed: " + done);
            assertThat(done.path("attempts").size()).isEqualTo(1);
            JsonNode attempt = done.path("attempts").path(0);
            assertThat(attempt.path("result").asText()).isEqualTo("confirmed");
            assertThat(attempt.path("digits").asText()).isEqualTo("1");
            assertThat(attempt.path("recording").asBoolean()).as("the call was recorded").isTrue();
            // the elder's phone rang once and heard the spoken confirmation: not silence, about the prompt's length
            assertThat(pstn.callsTo(ELDER)).hasSize(1);
            Pstn.Call call = pstn.callsTo(ELDER).get(0);
            System.out.printf("the elder heard %d ms at RMS %.3f; the prompt is %d ms%n", heardMs(call), call.heardRms(), promptMs);
            assertThat(call.heardRms()).isGreaterThan(0.01);
            assertThat(heardMs(call)).isBetween(promptMs * 8 / 10, promptMs * 13 / 10);
            // the MixMonitor file of the attempt is on disk
            Awaitility.await("recording written").atMost(Duration.ofSeconds(10)).until(() -> {
                try (var files = java.nio.file.Files.walk(stack.asterisk.recordings())) {
                    return files.anyMatch(p -> p.toString().endsWith(".wav"));
                }
            });
            // validation: clear 400s naming the field
            var unknown = api.send("POST", "/api/broadcasts", agent, "{\"elderId\":1,\"template\":\"pizza\",\"fields\":{}}");
            assertThat(unknown.status()).isEqualTo(400);
            assertThat(unknown.body()).contains("template", "registration, taxi, reminder, check-in");
            var missing = api.send("POST", "/api/broadcasts", agent, "{\"elderId\":1,\"template\":\"registration\","
                    + "\"fields\":{\"hospital\":\"瑞金医院\",\"department\":\"心内科\",\"time\":\"2031-03-05T09:30\"}}");
            assertThat(missing.status()).isEqualTo(400);
            assertThat(missing.body()).contains("fields.doctor");
            var noElder = api.send("POST", "/api/broadcasts", agent, "{\"elderId\":999,\"template\":\"check-in\"}");
            assertThat(noElder.status()).isEqualTo(400);
            assertThat(noElder.body()).contains("no such elder");
            // audited
            String sup = api.login("super", "super1234");
            assertThat(api.get("/api/audit?type=broadcast", sup).body()).contains("broadcast.create");
        }
    }

    @Test
    void pressing2RepeatsTheMessageAndPressing0PutsTheElderThroughToAnAgentWithThePop() throws Exception {
        try (Stack stack = stack().startServer();
             Pstn pstn = new Pstn(stack.asterisk.trunkPort())) {
            Api api = stack.api;
            amiUp(api);
            String agent = api.login("1001", "agent1001");

            // 2 after the message, then 1 after it was played again
            JsonNode b = book(api, agent, 3);
            long promptMs = b.path("promptMs").asLong();
            pstn.number(ELDER, Behaviour.pressesInTurn(new Press('2', promptMs + 1500), new Press('1', 2 * promptMs + 3000)));
            Awaitility.await("confirmed after hearing it twice").atMost(Duration.ofSeconds(90))
                    .until(() -> get(api, agent, b.path("id").asLong()).path("state").asText().equals("confirmed"));
            JsonNode attempt = get(api, agent, b.path("id").asLong()).path("attempts").path(0);
            assertThat(attempt.path("digits").asText()).isEqualTo("21");
            Pstn.Call twice = pstn.callsTo(ELDER).get(0);
            System.out.printf("heard %d ms for a %d ms prompt%n", heardMs(twice), promptMs);
            assertThat(heardMs(twice)).as("the message was played twice").isBetween(promptMs * 17 / 10, promptMs * 23 / 10);

            // 0: the elder is queued on the registration line and the agent's phone rings with the elder's pop
            Sipp.AgentPhone phone = new Sipp.AgentPhone(stack.asterisk, "1001", stack.sipSecret("1001"), 300);
            Ws ws = new Ws(stack.server.apiPort(), agent);
            ws.await("hello", 10);
            ws.send("{\"type\":\"agent.ready\"}");
            ws.await("ack", 10);
            Awaitility.await("member idle").atMost(Duration.ofSeconds(10)).until(() -> stack.asterisk.cli("queue show onekey")
                    .lines().anyMatch(l -> l.contains("PJSIP/1001") && l.contains("Not in use")));
            pstn.number(ELDER, Behaviour.pressesInTurn(new Press('0', 3000)));
            long second = book(api, agent, 1).path("id").asLong();
            JsonNode pop = ws.await("call.offered", j -> j.path("elder").path("name").asText().equals("张桂英"), 40).json();
            System.out.println("pop: " + pop);
            assertThat(pop.path("call").path("line").asText()).isEqualTo("registration");
            Awaitility.await("transferred").atMost(Duration.ofSeconds(20))
                    .until(() -> get(api, agent, second).path("state").asText().equals("transferred"));
            assertThat(get(api, agent, second).path("attempts").path(0).path("digits").asText()).isEqualTo("0");
            // the agent's worklist saw the broadcast's events
            assertThat(ws.frames()).anyMatch(f -> f.json().path("type").asText().equals("broadcast.transferred"));
            Awaitility.await("the agent's phone answered").atMost(Duration.ofSeconds(20)).until(() -> phone.successfulCalls() >= 1
                    || ws.frames().stream().anyMatch(f -> f.json().path("type").asText().equals("call.answered")));
            ws.close();
            phone.close();
        }
    }

    @Test
    void anUnansweredBookingIsRetriedPerThePlanThenFailsAndTheAgentsAreAlerted() throws Exception {
        try (Stack stack = stack().with("ONEKEY_BROADCAST_RETRY_BOOKING", "3x3").startServer();
             Pstn pstn = new Pstn(stack.asterisk.trunkPort())) {
            pstn.otherwise(Behaviour.noAnswer()).number(ELDER_MOBILE, Behaviour.busy());
            Api api = stack.api;
            amiUp(api);
            String agent = api.login("1001", "agent1001");
            Ws sup = new Ws(stack.server.apiPort(), api.login("super", "super1234"));
            sup.await("hello", 10);
            long id = book(api, agent, 0).path("id").asLong();
            JsonNode alert = sup.await("queue.alert", j -> j.path("kind").asText().equals("broadcast-failed"), 90).json();
            assertThat(alert.path("broadcast").path("id").asLong()).isEqualTo(id);
            JsonNode b = get(api, agent, id);
            System.out.println("failed: " + b);
            assertThat(b.path("state").asText()).isEqualTo("failed");
            List<String> results = new ArrayList<>();
            b.path("attempts").forEach(a -> results.add(a.path("result").asText()));
            // the elder's landline rings out, the mobile is busy, the landline again
            assertThat(results).containsExactly("no-answer", "busy", "no-answer");
            assertThat(pstn.callsTo(ELDER)).hasSize(2);
            assertThat(pstn.callsTo(ELDER_MOBILE)).hasSize(1);
            assertThat(b.path("outcome").asText()).contains("no confirmation after 3 attempts");
            // 3 s apart (at least) per the plan
            long a1 = b.path("attempts").path(0).path("endedAt").asLong();
            long a2 = b.path("attempts").path(1).path("at").asLong();
            assertThat(a2 - a1).isGreaterThanOrEqualTo(3000);
            // handed on as a stored task: on the agents' worklist until one of them has called the elder
            assertThat(b.path("task").path("state").asText()).isEqualTo("open");
            JsonNode worklist = api.get("/api/broadcasts?task=open", agent).json();
            assertThat(worklist).hasSize(1);
            assertThat(worklist.path(0).path("id").asLong()).isEqualTo(id);
            var done = api.send("POST", "/api/broadcasts/" + id + "/done", agent, "{\"note\":\"电话联系上了，她会去\"}");
            assertThat(done.status()).isEqualTo(200);
            assertThat(done.json().path("task").path("state").asText()).isEqualTo("done");
            assertThat(done.json().path("task").path("by").asText()).isEqualTo("1001");
            assertThat(done.json().path("task").path("note").asText()).isEqualTo("电话联系上了，她会去");
            assertThat(api.get("/api/broadcasts?task=open", agent).json()).isEmpty();
            assertThat(api.send("POST", "/api/broadcasts/" + id + "/done", agent, "").status()).isEqualTo(409);
            JsonNode audit = api.get("/api/audit?actor=1001", api.login("super", "super1234")).json();
            assertThat(audit.toString()).contains("broadcast.task-done", "broadcast=" + id);
            sup.close();
        }
    }

    @Test
    void aCheckInNobodyAnswersIsNeitherLostNorRepeatedAcrossAKill9AndOpensANoResponseIncident() throws Exception {
        try (Stack stack = stack().with("ONEKEY_BROADCAST_RETRY_CHECKIN", "3x4")
                .with("ONEKEY_RESCUE_REDIALINTERVALSECONDS", "300")
                .startServerProcess();
             Pstn pstn = new Pstn(stack.asterisk.trunkPort()).otherwise(Behaviour.noAnswer())) {
            Api api = stack.api;
            amiUp(api);
            String sup = api.login("super", "super1234");
            var made = api.send("POST", "/api/broadcasts", sup, "{\"elderId\":1,\"template\":\"check-in\"}");
            assertThat(made.status()).as(made.body()).isEqualTo(201);
            long id = made.json().path("id").asLong();
            assertThat(made.json().path("message").asText()).contains("请按1");

            Awaitility.await("attempt 1 rang out, attempt 2 planned").atMost(Duration.ofSeconds(30)).until(() -> {
                JsonNode a = get(api, sup, id).path("attempts");
                return a.size() == 2 && a.path(0).path("result").asText().equals("no-answer")
                        && a.path(1).path("state").asText().equals("planned");
            });
            stack.process.kill9();
            stack.process.restart();
            String sup2 = api.login("super", "super1234");
            Awaitility.await("failed after three attempts").atMost(Duration.ofSeconds(60))
                    .until(() -> get(api, sup2, id).path("state").asText().equals("failed"));
            JsonNode b = get(api, sup2, id);
            System.out.println("after the restart: " + b);
            List<String> results = new ArrayList<>();
            b.path("attempts").forEach(a -> results.add(a.path("result").asText()));
            assertThat(results).containsExactly("no-answer", "no-answer", "no-answer");
            // handed on: a no-response incident opened by OneKey
            JsonNode inc = Awaitility.await("incident").atMost(Duration.ofSeconds(10))
                    .until(() -> api.get("/api/incidents?elderId=1", sup2).json().path(0), n -> n.path("id").isNumber());
            assertThat(inc.path("reason").asText()).isEqualTo("check-in-unanswered");
            assertThat(inc.path("openedBy").asText()).isEqualTo("system");
            assertThat(b.path("outcome").asText()).contains("incident " + inc.path("id").asLong());
            // behind the trunk: exactly three broadcast calls to the elder before the incident (none lost, none twice)
            long opened = inc.path("openedAt").asLong();
            long calls = pstn.calls().stream().filter(c -> c.invitedAt < opened).count();
            assertThat(calls).isEqualTo(3);
        }
    }

    @Test
    void aCampaignOf60EldersNeverHasMoreThan10BroadcastCallsUpReachesAllOfThemAndAnSosCallIsAnsweredMeanwhile()
            throws Exception {
        try (Stack stack = stack().with("ONEKEY_BROADCAST_MAXCHANNELS", "10").with("ONEKEY_BROADCAST_RINGSECONDS", "10")
                .startServer();
             // every elder answers, listens 4 s and presses 1
             Pstn pstn = new Pstn(stack.asterisk.trunkPort()).otherwise(Behaviour.pressesInTurn(new Press('1', 4000)))) {
            Api api = stack.api;
            amiUp(api);
            String sup = api.login("super", "super1234");
            for (int i = 1; i <= 60; i++) {
                var e = api.send("POST", "/api/elders", sup, "{\"name\":\"测试老人" + i + "\",\"phones\":[\"139123400"
                        + String.format("%02d", i) + "\"],\"address\":\"上海市测试路" + i + "号\",\"district\":\"测试区\","
                        + "\"language\":\"zh\"}");
                assertThat(e.status()).as(e.body()).isEqualTo(201);
            }
            // an agent is ready for SOS calls
            Sipp.AgentPhone phone = new Sipp.AgentPhone(stack.asterisk, "1001", stack.sipSecret("1001"), 300);
            Ws ws = new Ws(stack.server.apiPort(), api.login("1001", "agent1001"));
            ws.await("hello", 10);
            ws.send("{\"type\":\"agent.ready\"}");
            ws.await("ack", 10);

            // Asterisk's own count of broadcast channels (uniqueid okbc-<attempt>), watched while the campaign runs
            java.util.concurrent.atomic.AtomicInteger max = new java.util.concurrent.atomic.AtomicInteger();
            java.util.concurrent.atomic.AtomicInteger trunkMax = new java.util.concurrent.atomic.AtomicInteger();
            java.util.concurrent.atomic.AtomicBoolean watching = new java.util.concurrent.atomic.AtomicBoolean(true);
            Thread watcher = Thread.ofVirtual().start(() -> {
                while (watching.get()) {
                    // OneKey's own count of the trunk's channels (from AMI Newchannel/Hangup), which the reserve for
                    // SOS is computed from
                    trunkMax.accumulateAndGet(api.get("/api/health", null).json().path("trunk").path("busy").asInt(),
                            Math::max);
                    List<String> up = stack.asterisk.cli("core show channels concise").lines()
                            .filter(l -> l.contains("okbc-")).toList();
                    if (up.size() > max.getAndAccumulate(up.size(), Math::max)) {
                        System.out.println("broadcast channels up: " + up.size() + " " + up);
                    }
                }
            });
            var made = api.send("POST", "/api/campaigns", sup, "{\"name\":\"重阳节问候\",\"template\":\"check-in\","
                    + "\"filter\":{\"district\":\"测试区\"}}");
            assertThat(made.status()).as(made.body()).isEqualTo(201);
            long id = made.json().path("id").asLong();
            assertThat(made.json().path("elders").asInt()).isEqualTo(60);

            // an SOS call in the middle of the campaign is answered by the agent
            Awaitility.await("campaign under way").atMost(Duration.ofSeconds(60))
                    .until(() -> api.get("/api/campaigns/" + id, sup).json().path("confirmed").asInt() >= 5);
            try (Sipp.Caller sos = new Sipp.Caller(stack.asterisk.sipPort, "02155550001", "1234901", 3000)) {
                JsonNode answered = ws.await("call.answered", 30).json();
                System.out.println("SOS answered during the campaign: " + answered);
                assertThat(sos.await(30)).as(sos.log()).isZero();
            }
            // paused: no new call starts; resumed: it goes on
            var paused = api.send("POST", "/api/campaigns/" + id + "/pause", sup, null);
            assertThat(paused.status()).as(paused.body()).isEqualTo(200);
            assertThat(paused.json().path("state").asText()).isEqualTo("paused");
            Awaitility.await("calls up before the pause ended").atMost(Duration.ofSeconds(30))
                    .until(() -> stack.asterisk.cli("core show channels concise").lines().noneMatch(l -> l.contains("okbc-")));
            int callsWhenPaused = pstn.calls().size();
            Awaitility.await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(4))
                    .until(() -> pstn.calls().size() == callsWhenPaused);
            assertThat(callsWhenPaused).isLessThan(60);
            assertThat(api.send("POST", "/api/campaigns/" + id + "/resume", sup, null).status()).isEqualTo(200);

            Awaitility.await("all 60 confirmed").atMost(Duration.ofSeconds(240))
                    .until(() -> api.get("/api/campaigns/" + id, sup).json().path("confirmed").asInt() == 60);
            watching.set(false);
            watcher.join();
            JsonNode summary = api.get("/api/campaigns/" + id, sup).json();
            System.out.println("campaign: " + summary + "; at most " + max.get() + " broadcast channels up at once");
            assertThat(summary.path("reached").asInt()).isEqualTo(60);
            assertThat(summary.path("failed").asInt()).isZero();
            assertThat(summary.path("state").asText()).isEqualTo("done");
            assertThat(max.get()).as("broadcast channels up at once, as Asterisk counts them").isBetween(2, 10);
            // the trunk's channels were counted as Asterisk made and ended them, and none is left counted
            assertThat(trunkMax.get()).as("trunk channels OneKey counted at once").isGreaterThanOrEqualTo(2);
            Awaitility.await("every trunk channel counted as ended").atMost(Duration.ofSeconds(10))
                    .until(() -> api.get("/api/health", null).json().path("trunk").path("busy").asInt() == 0);
            // every elder called exactly once
            java.util.Map<String, Long> perNumber = new java.util.TreeMap<>();
            pstn.calls().forEach(c -> perNumber.merge(c.number, 1L, Long::sum));
            assertThat(perNumber).hasSize(60).allSatisfy((n, count) -> assertThat(count).as(n).isEqualTo(1L));
            // each Originate written by OneKey's writer, not asterisk-java's reflective builder (issue 23)
            assertThat(api.get("/api/health", null).json().path("asterisk").path("originatesWrittenFast").asLong())
                    .isGreaterThanOrEqualTo(60);
            ws.close();
            phone.close();
        }
    }
}
