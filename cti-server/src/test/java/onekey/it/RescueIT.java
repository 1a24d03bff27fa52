package onekey.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import onekey.testkit.Api;
import onekey.testkit.Sipp;
import onekey.testkit.Stack;
import onekey.testkit.Ws;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Issue 8, first part: "no response" confirmed on an SOS call opens an incident and OneKey redials the elder
 * through the trunk (a sipp phone standing in for the elder's line). Asterisk listens on each answered redial.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RescueIT {

    /**
     * One Asterisk for the class (its settings are the same for every test: what differs is the cti-server's); each test
     * gets a fresh cti-server on a fresh H2 and fresh phones behind the trunk, on an Asterisk with no channel, queue
     * member, AstDB route or recording left from the test before ({@link Stack#quietAsterisk}).
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

    /** A stack of its own on the class's Asterisk, quiet again. */
    private Stack stack() {
        base.quietAsterisk();
        return Stack.on(base, null);
    }

    /** The SOS call that the agent (here: the supervisor) finds silent; returns its call id. */
    private static long silentSosCall(Stack stack, Api api, String admin) {
        try (Sipp.Caller caller = new Sipp.Caller(stack.asterisk.sipPort, "02155550001", "1234901", 1500)) {
            assertThat(caller.await(30)).as(caller.log()).isZero();
        }
        return Awaitility.await("the SOS call is stored with its elder").atMost(Duration.ofSeconds(15)).until(() -> {
            JsonNode c = api.get("/api/calls?limit=1", admin).json().path(0);
            return c.path("elderId").isNumber() && c.path("endedAt").isNumber() ? c.path("id").asLong() : null;
        }, id -> id != null);
    }

    /** Agents 1001 and 1002 with registered phones, logged in over the WebSocket and ready: both idle in the queue. */
    private record Seats(Sipp.AgentPhone phones, java.util.Map<String, String> tokens, java.util.Map<String, Ws> ws) {}

    private static Seats twoReadySeats(Stack stack, Api api) {
        Sipp.AgentPhone phones = new Sipp.AgentPhone(stack.asterisk, "1001", stack.sipSecret("1001"), 300);
        phones.registerAlso("1002", stack.sipSecret("1002"));
        java.util.Map<String, String> tokens = new java.util.HashMap<>();
        java.util.Map<String, Ws> ws = new java.util.HashMap<>();
        for (String a : new String[] {"1001", "1002"}) {
            tokens.put(a, api.login(a, "agent" + a));
            Ws w = new Ws(stack.server.apiPort(), tokens.get(a));
            w.await("hello", 10);
            w.send("{\"type\":\"agent.ready\"}");
            w.await("ack", 10);
            ws.put(a, w);
        }
        Awaitility.await("both idle").atMost(Duration.ofSeconds(10)).until(() -> stack.asterisk.cli("queue show onekey")
                .lines().filter(l -> l.contains("Not in use")).count() == 2);
        return new Seats(phones, tokens, ws);
    }

    private static JsonNode incident(Api api, String token, long id) {
        return api.get("/api/incidents/" + id, token).json();
    }

    @Test
    void aSilentElderIsRedialledExactlyTwiceEvenWhenTheServerIsKilledBetweenTheRedialsThenTheIncidentEscalates()
            throws Exception {
        try (Stack stack = stack()
                .with("ONEKEY_RESCUE_REDIALINTERVALSECONDS", "4")
                .with("ONEKEY_RESCUE_RINGSECONDS", "10")
                .with("ONEKEY_RESCUE_LISTENSECONDS", "3")
                .startServerProcess();
             // behind the trunk: the elder's two lines answer and say nothing; the contacts do not answer
             onekey.testkit.Pstn pstn = new onekey.testkit.Pstn(stack.asterisk.trunkPort())
                     .otherwise(onekey.testkit.Pstn.Behaviour.noAnswer())
                     .number("2155550001", onekey.testkit.Pstn.Behaviour.silent())
                     .number("13917000001", onekey.testkit.Pstn.Behaviour.silent())) {
            Api api = stack.api;
            String sup = api.login("super", "super1234");
            Awaitility.await("AMI connected").atMost(Duration.ofSeconds(20))
                    .until(() -> api.get("/api/health", null).json().path("asterisk").path("connected").asBoolean());
            long callId = silentSosCall(stack, api, sup);

            var opened = api.send("POST", "/api/calls/" + callId + "/no-response", sup, null);
            assertThat(opened.status()).as(opened.body()).isEqualTo(201);
            long incidentId = opened.json().path("id").asLong();
            assertThat(opened.json().path("state").asText()).isEqualTo("redialling");
            // a second confirmation joins the open incident instead of opening another
            var again = api.send("POST", "/api/calls/" + callId + "/no-response", sup, null);
            assertThat(again.status()).isEqualTo(200);
            assertThat(again.json().path("id").asLong()).isEqualTo(incidentId);
            assertThat(again.json().path("created").asBoolean()).isFalse();

            // redial 1: answered, silence heard; redial 2 is planned 4 s later
            Awaitility.await("redial 1 done, redial 2 planned").atMost(Duration.ofSeconds(30)).until(() -> {
                JsonNode steps = incident(api, sup, incidentId).path("steps");
                return steps.size() == 2 && steps.path(0).path("result").asText().equals("silent")
                        && steps.path(1).path("state").asText().equals("planned");
            });
            assertThat(pstn.callsTo("2155550001")).hasSize(1);
            // the server dies between the redials, and comes back
            stack.process.kill9();
            stack.process.restart();
            String sup2 = api.login("super", "super1234");

            Awaitility.await("redial 2 done after the restart, incident escalating").atMost(Duration.ofSeconds(40))
                    .until(() -> incident(api, sup2, incidentId).path("state").asText().equals("escalating"));
            JsonNode inc = incident(api, sup2, incidentId);
            System.out.println("incident after the restart: " + inc);
            java.util.List<String> redials = new java.util.ArrayList<>();
            for (JsonNode st : inc.path("steps")) {
                if (st.path("kind").asText().equals("redial")) {
                    redials.add(st.path("result").asText());
                }
            }
            assertThat(redials).as("exactly two redials").containsExactly("silent", "silent");
            // at the elder's lines: exactly two calls, one to each number (seat B calls again only after 300 s)
            assertThat(pstn.callsTo("2155550001")).hasSize(1);
            assertThat(pstn.callsTo("13917000001")).hasSize(1);
            // and the escalation went on after the restart: seat A calls the first contact
            Awaitility.await("seat A called the first contact").atMost(Duration.ofSeconds(10))
                    .until(() -> !pstn.callsTo("13816000001").isEmpty());
            assertThat(api.get("/api/incidents?state=escalating", sup2).json().size()).isEqualTo(1);
            assertThat(api.get("/api/incidents?elderId=" + inc.path("elderId").asLong(), sup2).json().path(0).path("id").asLong())
                    .isEqualTo(incidentId);
            // agents see only their own incidents
            String agent = api.login("1002", "agent1002");
            assertThat(api.get("/api/incidents/" + incidentId, agent).status()).isEqualTo(403);
            assertThat(api.send("POST", "/api/calls/" + callId + "/no-response", agent, null).status()).isEqualTo(403);
        }
    }

    @Test
    void anElderWhoAnswersTheRedialAndSpeaksIsPutThroughToTheIncidentsAgentAndTheIncidentIsResolved() throws Exception {
        try (Stack stack = stack()
                .with("ONEKEY_RESCUE_RINGSECONDS", "10")
                .with("ONEKEY_RESCUE_LISTENSECONDS", "5")
                .startServer();
             Sipp.TrunkPhone elder = new Sipp.TrunkPhone(stack.asterisk.trunkPort(), 300)) {
            Api api = stack.api;
            String sup = api.login("super", "super1234");
            Awaitility.await("AMI connected").atMost(Duration.ofSeconds(20))
                    .until(() -> api.get("/api/health", null).json().path("asterisk").path("connected").asBoolean());
            Seats seats = twoReadySeats(stack, api);
            Sipp.AgentPhone phones = seats.phones();
            java.util.Map<String, String> tokens = seats.tokens();
            java.util.Map<String, Ws> ws = seats.ws();

            // the SOS call is taken by one agent, who finds the elder silent and confirms "no response"
            String first;
            try (Sipp.Caller caller = new Sipp.Caller(stack.asterisk.sipPort, "02155550001", "1234901", 3000)) {
                first = Awaitility.await("answered").atMost(Duration.ofSeconds(20)).until(() ->
                        ws.entrySet().stream().filter(e -> e.getValue().frames().stream()
                                .anyMatch(f -> f.json().path("type").asText().equals("call.answered")))
                                .map(java.util.Map.Entry::getKey).findFirst().orElse(null), a -> a != null);
                assertThat(caller.await(30)).as(caller.log()).isZero();
            }
            String other = first.equals("1001") ? "1002" : "1001";
            long callId = Awaitility.await("the call is stored").atMost(Duration.ofSeconds(15)).until(() -> {
                JsonNode c = api.get("/api/calls?limit=1", tokens.get(first)).json().path(0);
                return c.path("endedAt").isNumber() ? c.path("id").asLong() : null;
            }, id -> id != null);
            Awaitility.await("both idle again").atMost(Duration.ofSeconds(15)).until(() -> stack.asterisk.cli("queue show onekey")
                    .lines().filter(l -> l.contains("Not in use")).count() == 2);
            int offersToOther = offers(ws.get(other));
            var opened = api.send("POST", "/api/calls/" + callId + "/no-response", tokens.get(first), null);
            assertThat(opened.status()).as(opened.body()).isEqualTo(201);
            long incidentId = opened.json().path("id").asLong();

            // the elder answers redial 1 and speaks: the incident's agent gets the call with the pop, on the SOS line,
            // although round-robin would offer it to the other agent
            JsonNode pop = ws.get(first).await("call.offered",
                    j -> j.path("call").path("id").asLong() != callId, 30).json();
            assertThat(pop.path("elder").path("name").asText()).isEqualTo("张桂英");
            assertThat(pop.path("call").path("line").asText()).isEqualTo("sos");
            Awaitility.await("incident resolved").atMost(Duration.ofSeconds(15))
                    .until(() -> incident(api, sup, incidentId).path("state").asText().equals("resolved"));
            JsonNode inc = incident(api, sup, incidentId);
            assertThat(inc.path("steps").path(0).path("result").asText()).isEqualTo("spoke");
            assertThat(inc.path("steps").toString()).as("no further redial").doesNotContain("\"seq\":2,\"kind\":\"redial\"");
            assertThat(inc.path("outcome").asText()).contains("spoke");
            assertThat(offers(ws.get(other))).as("the other agent was not offered the elder").isEqualTo(offersToOther);
            ws.values().forEach(Ws::close);
            phones.close();
        }
    }

    private static int offers(Ws w) {
        return (int) w.frames().stream().filter(f -> f.json().path("type").asText().equals("call.offered")).count();
    }

    @Test
    void anSosCallAnsweredInSilenceRaisesCallSilentAndOneWebSocketCommandStartsTheRescue() throws Exception {
        try (Stack stack = stack()
                .with("ONEKEY_RESCUE_SILENCESECONDS", "4")
                .with("ONEKEY_RESCUE_RINGSECONDS", "10")
                .startServer();
             Sipp.TrunkPhone elderLine = Sipp.TrunkPhone.silent(stack.asterisk.trunkPort(), 300)) {
            Api api = stack.api;
            Awaitility.await("AMI connected").atMost(Duration.ofSeconds(20))
                    .until(() -> api.get("/api/health", null).json().path("asterisk").path("connected").asBoolean());
            Sipp.AgentPhone phone = new Sipp.AgentPhone(stack.asterisk, "1001", stack.sipSecret("1001"), 300);
            Ws ws = new Ws(stack.server.apiPort(), api.login("1001", "agent1001"));
            ws.await("hello", 10);
            ws.send("{\"type\":\"agent.ready\"}");
            Awaitility.await("member idle").atMost(Duration.ofSeconds(10)).until(() -> stack.asterisk.cli("queue show onekey")
                    .lines().anyMatch(l -> l.contains("PJSIP/1001") && l.contains("Not in use")));

            // a speaking elder: no call.silent while the call lasts
            try (Sipp.Caller speaking = new Sipp.Caller(stack.asterisk.sipPort, "02155550002", "1234901", 9000)) {
                ws.await("call.answered", 20);
                Awaitility.await().during(Duration.ofSeconds(6)).atMost(Duration.ofSeconds(7))
                        .until(() -> ws.frames().stream().noneMatch(f -> f.json().path("type").asText().equals("call.silent")));
                assertThat(speaking.await(30)).as(speaking.log()).isZero();
            }
            Awaitility.await("agent idle again").atMost(Duration.ofSeconds(15)).until(() -> stack.asterisk.cli("queue show onekey")
                    .lines().anyMatch(l -> l.contains("PJSIP/1001") && l.contains("Not in use")));

            // a silent elder on an SOS call: call.silent after 4 s, and the agent confirms over the WebSocket
            try (Sipp.Caller silent = new Sipp.Caller(stack.asterisk.sipPort, "02155550001", "1234901", 15_000,
                    Sipp.silence())) {
                JsonNode alarm = ws.await("call.silent", 20).json();
                assertThat(alarm.path("silentMs").asLong()).isGreaterThanOrEqualTo(3900);
                ws.send("{\"type\":\"call.no-response\",\"linkedid\":\"" + alarm.path("linkedid").asText() + "\"}");
                JsonNode ack = ws.await("ack", j -> j.path("command").asText().equals("call.no-response"), 15).json();
                assertThat(ack.path("created").asBoolean()).isTrue();
                assertThat(ack.path("incident").path("state").asText()).isEqualTo("redialling");
                assertThat(ack.path("incident").path("agentId").asLong()).isPositive();
                assertThat(silent.await(30)).as(silent.log()).isZero();
            }
            ws.close();
            phone.close();
        }
    }

    @Test
    void anSosCallTheElderLeavesBeforeAnyoneAnswersOpensAnIncidentByItself() throws Exception {
        try (Stack stack = stack()
                .with("ONEKEY_RESCUE_OPENONABANDONEDSOS", "true")
                .with("ONEKEY_RESCUE_RINGSECONDS", "10")
                .with("ONEKEY_RESCUE_LISTENSECONDS", "3")
                .startServer();
             Sipp.TrunkPhone elderLine = Sipp.TrunkPhone.silent(stack.asterisk.trunkPort(), 300)) {
            Api api = stack.api;
            String sup = api.login("super", "super1234");
            Awaitility.await("AMI connected").atMost(Duration.ofSeconds(20))
                    .until(() -> api.get("/api/health", null).json().path("asterisk").path("connected").asBoolean());
            long callId = silentSosCall(stack, api, sup);
            JsonNode inc = Awaitility.await("incident opened by OneKey").atMost(Duration.ofSeconds(15))
                    .until(() -> api.get("/api/incidents", sup).json().path(0), n -> n.path("id").isNumber());
            assertThat(inc.path("reason").asText()).isEqualTo("abandoned-sos");
            assertThat(inc.path("openedBy").asText()).isEqualTo("system");
            assertThat(inc.path("callId").asLong()).isEqualTo(callId);
            Awaitility.await("redial 1 rang the elder").atMost(Duration.ofSeconds(20))
                    .until(() -> elderLine.successfulCalls() >= 1);

            // the same from a number no elder has: the number is redialled as anyone's (issue 16, item 3)
            try (Sipp.Caller caller = new Sipp.Caller(stack.asterisk.sipPort, "02155559876", "1234901", 1500)) {
                assertThat(caller.await(30)).as(caller.log()).isZero();
            }
            JsonNode stranger = Awaitility.await("incident opened for the unregistered number").atMost(Duration.ofSeconds(15))
                    .until(() -> {
                        for (JsonNode i : api.get("/api/incidents", sup).json()) {
                            if (!i.path("elderId").isNumber()) {
                                return i;
                            }
                        }
                        return null;
                    }, i -> i != null);
            assertThat(stranger.path("reason").asText()).isEqualTo("abandoned-sos");
            assertThat(stranger.path("openedBy").asText()).isEqualTo("system");
            assertThat(stranger.path("callerNumber").asText()).endsWith("9876");
            long strangerId = stranger.path("id").asLong();
            Awaitility.await("redial 1 of the unregistered number answered").atMost(Duration.ofSeconds(30)).until(() -> {
                for (JsonNode st : api.get("/api/incidents/" + strangerId, sup).json().path("steps")) {
                    if (st.path("kind").asText().equals("redial") && st.path("result").isTextual()) {
                        return true;
                    }
                }
                return false;
            });
        }
    }

    @Test
    void anSosCallDuringAnOpenIncidentJoinsItAndRingsTheIncidentsAgentFirst() throws Exception {
        try (Stack stack = stack()
                .with("ONEKEY_RESCUE_REDIALINTERVALSECONDS", "300")
                .with("ONEKEY_RESCUE_RINGSECONDS", "10")
                .with("ONEKEY_RESCUE_LISTENSECONDS", "3")
                .startServer();
             Sipp.TrunkPhone elderLine = Sipp.TrunkPhone.silent(stack.asterisk.trunkPort(), 300)) {
            Api api = stack.api;
            Awaitility.await("AMI connected").atMost(Duration.ofSeconds(20))
                    .until(() -> api.get("/api/health", null).json().path("asterisk").path("connected").asBoolean());
            Seats seats = twoReadySeats(stack, api);
            Sipp.AgentPhone phones = seats.phones();
            java.util.Map<String, String> tokens = seats.tokens();
            java.util.Map<String, Ws> ws = seats.ws();

            // the first SOS call is taken by one agent, who finds the elder silent
            String first;
            long callId;
            try (Sipp.Caller caller = new Sipp.Caller(stack.asterisk.sipPort, "02155550001", "1234901", 3000)) {
                first = Awaitility.await("offered").atMost(Duration.ofSeconds(20)).until(() ->
                        ws.entrySet().stream().filter(e -> e.getValue().frames().stream()
                                .anyMatch(f -> f.json().path("type").asText().equals("call.answered")))
                                .map(java.util.Map.Entry::getKey).findFirst().orElse(null), a -> a != null);
                assertThat(caller.await(30)).as(caller.log()).isZero();
            }
            String other = first.equals("1001") ? "1002" : "1001";
            callId = Awaitility.await("the call is stored").atMost(Duration.ofSeconds(15)).until(() -> {
                JsonNode c = api.get("/api/calls?limit=1", tokens.get(first)).json().path(0);
                return c.path("endedAt").isNumber() ? c.path("id").asLong() : null;
            }, id -> id != null);
            var opened = api.send("POST", "/api/calls/" + callId + "/no-response", tokens.get(first), null);
            assertThat(opened.status()).as(opened.body()).isEqualTo(201);
            long incidentId = opened.json().path("id").asLong();
            Awaitility.await("both idle again").atMost(Duration.ofSeconds(15)).until(() -> stack.asterisk.cli("queue show onekey")
                    .lines().filter(l -> l.contains("Not in use")).count() == 2);
            assertThat(stack.asterisk.cli("database show onekey-incident")).contains(first);

            // the elder presses SOS again: round-robin would offer it to the other agent; it rings the incident's agent
            int offersToOther = ws.get(other).frames().stream()
                    .filter(f -> f.json().path("type").asText().equals("call.offered")).toList().size();
            try (Sipp.Caller again = new Sipp.Caller(stack.asterisk.sipPort, "02155550001", "1234901", 3000)) {
                JsonNode pop = ws.get(first).await("call.offered",
                        j -> j.path("call").path("linkedid").asText().length() > 0 && j.path("call").path("id").asLong() != callId,
                        20).json();
                assertThat(pop.path("elder").path("name").asText()).isEqualTo("张桂英");
                assertThat(again.await(30)).as(again.log()).isZero();
            }
            assertThat(ws.get(other).frames().stream().filter(f -> f.json().path("type").asText().equals("call.offered"))
                    .toList()).hasSize(offersToOther);
            JsonNode inc = api.get("/api/incidents/" + incidentId, tokens.get(first)).json();
            assertThat(inc.toString()).contains("\"kind\":\"sos-call\"", "\"result\":\"joined\"");

            // closed: the route is removed
            var cancelled = api.send("POST", "/api/incidents/" + incidentId + "/cancel", tokens.get(first),
                    "{\"reason\":\"the elder called back: fine, had dropped the phone\"}");
            assertThat(cancelled.status()).as(cancelled.body()).isEqualTo(200);
            // removed over AMI after the cancel; read with `asterisk -rx`, which alone took over 5 s at load 186
            Awaitility.await("route removed").atMost(Duration.ofSeconds(20))
                    .until(() -> !stack.asterisk.cli("database show onekey-incident").contains(first));
            ws.values().forEach(Ws::close);
            phones.close();
        }
    }
}
