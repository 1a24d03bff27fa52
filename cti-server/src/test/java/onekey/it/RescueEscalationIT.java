package onekey.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import onekey.testkit.Api;
import onekey.testkit.Pstn;
import onekey.testkit.Pstn.Behaviour;
import onekey.testkit.Sipp;
import onekey.testkit.Stack;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Issue 8, seat A and seat B: after two silent redials the elder's contacts are called in order with a spoken
 * message (TTS, Mandarin for this elder) asking for 1 to acknowledge, while seat B keeps calling the elder. Behind
 * the trunk, {@link Pstn} plays a different person for each number. Demo elder 张桂英: phones 2155550001 and
 * 13917000001; contacts 李建国 13816000001, 居委 02165430001, 驿站 02165430099 (contact numbers are kept as typed).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RescueEscalationIT {

    static final String ELDER_1 = "2155550001";
    static final String ELDER_2 = "13917000001";
    static final String SON = "13816000001";
    static final String COMMITTEE = "02165430001";
    static final String STATION = "02165430099";

    /**
     * One Asterisk for the class (the tests' settings are all the cti-server's); each test gets a fresh cti-server on a
     * fresh H2, a fresh phone network behind the trunk and SMSC, on an Asterisk with no channel, queue member, AstDB
     * route or recording left from the test before ({@link Stack#quietAsterisk}).
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

    /** A stack of its own, with the server's default settings, on the class's Asterisk, quiet again. */
    private Stack bare() {
        base.quietAsterisk();
        return Stack.on(base, null);
    }

    private Stack stack() {
        return bare()
                // the contacts' messages at twice the voices' rate: heard, in the right language, not how long
                .with("ONEKEY_TTS_RATEPERCENT", "200")
                .with("ONEKEY_RESCUE_REDIALINTERVALSECONDS", "2")
                .with("ONEKEY_RESCUE_RINGSECONDS", "5")
                .with("ONEKEY_RESCUE_LISTENSECONDS", "3")
                .with("ONEKEY_RESCUE_ELDERRETRYSECONDS", "8");
    }

    /** An SOS call from the elder that nobody answers (the elder hangs up); returns its call id. */
    private static long abandonedSosCall(Stack stack, Api api, String token) {
        try (Sipp.Caller caller = new Sipp.Caller(stack.asterisk.sipPort, "02155550001", "1234901", 1500)) {
            assertThat(caller.await(30)).as(caller.log()).isZero();
        }
        return Awaitility.await("the SOS call is stored with its elder").atMost(Duration.ofSeconds(15)).until(() -> {
            JsonNode c = api.get("/api/calls?limit=1", token).json().path(0);
            return c.path("elderId").isNumber() && c.path("endedAt").isNumber() ? c.path("id").asLong() : null;
        }, id -> id != null);
    }

    /** The server texts through {@code smsc} (issue 20). */
    private static Stack withSmsc(Stack stack, onekey.testkit.Smsc smsc) {
        smsc.env().forEach(stack::with);
        return stack;
    }

    private static JsonNode incident(Api api, String token, long id) {
        return api.get("/api/incidents/" + id, token).json();
    }

    private static List<String> results(JsonNode inc, String kind) {
        List<String> out = new ArrayList<>();
        for (JsonNode s : inc.path("steps")) {
            if (s.path("kind").asText().equals(kind)) {
                out.add(s.path("result").asText(s.path("state").asText()));
            }
        }
        return out;
    }

    /** A granddaughter who reads English, added to 张桂英's contacts for the texts (issue 20). */
    static final String ANNA = "13816000044";

    /**
     * Adds an English-reading contact with a mobile number (texts by default) after the elder's three contacts — as
     * a row, so the other contacts stay exactly as the demo typed them (PUT would normalise their numbers).
     */
    private static void addEnglishContact(Stack stack) {
        stack.server.database().dsl().execute("INSERT INTO elder_contacts (elder_id, ord, name, relation, phone, language) "
                + "SELECT e.elder_id, 3, 'Anna Li', 'granddaughter', ?, 'en' FROM elder_phones e WHERE e.phone = ?",
                ANNA, ELDER_1);
    }

    @Test
    void contactsAreCalledInOrderUntilOneAcknowledgesWhileSeatBKeepsCallingTheElder() throws Exception {
        try (onekey.testkit.Smsc smsc = new onekey.testkit.Smsc().start();
             Stack stack = withSmsc(stack(), smsc).startServer();
             Pstn pstn = new Pstn(stack.asterisk.trunkPort())) {
            pstn.number(ELDER_1, Behaviour.silent()).number(ELDER_2, Behaviour.silent())
                    .number(SON, Behaviour.noAnswer())
                    .number(COMMITTEE, Behaviour.presses('1', 5000))
                    .number(STATION, Behaviour.silent());
            Api api = stack.api;
            String sup = api.login("super", "super1234");
            Awaitility.await("AMI connected").atMost(Duration.ofSeconds(20))
                    .until(() -> api.get("/api/health", null).json().path("asterisk").path("connected").asBoolean());
            addEnglishContact(stack);
            long callId = abandonedSosCall(stack, api, sup);
            var opened = api.send("POST", "/api/calls/" + callId + "/no-response", sup, null);
            assertThat(opened.status()).as(opened.body()).isEqualTo(201);
            long id = opened.json().path("id").asLong();

            Awaitility.await("contact 2 acknowledged").atMost(Duration.ofSeconds(90))
                    .until(() -> results(incident(api, sup, id), "contact").contains("ack"));
            JsonNode inc = incident(api, sup, id);
            System.out.println("incident: " + inc);
            assertThat(inc.path("state").asText()).isEqualTo("escalating");
            assertThat(results(inc, "redial")).containsExactly("silent", "silent");
            // the fourth contact (Anna, added for the texts) is cancelled with the station
            assertThat(results(inc, "contact")).containsExactly("no-answer", "ack", "cancelled", "cancelled");
            // the son's phone rang but was not answered; the committee answered; the station was never called
            assertThat(pstn.callsTo(SON)).hasSize(1);
            assertThat(pstn.callsTo(SON).get(0).answered).isFalse();
            assertThat(pstn.callsTo(COMMITTEE)).hasSize(1);
            assertThat(pstn.callsTo(STATION)).isEmpty();
            // the message was spoken, not silence (Mandarin TTS, heard at the contact's phone)
            assertThat(incident(api, sup, id).path("steps").findValuesAsText("detail"))
                    .as("the committee (no language in its record) was spoken to in Mandarin").anyMatch(d -> d.contains("Mandarin"));
            double rms = pstn.callsTo(COMMITTEE).get(0).heardRms();
            System.out.printf("the committee heard the message at RMS %.3f (%d bytes)%n", rms,
                    pstn.callsTo(COMMITTEE).get(0).heard().length);
            assertThat(rms).isGreaterThan(0.01);
            // seat A's task for a person, and seat B keeps calling the elder
            // raised on the rescue thread right after the acknowledgement is stored: read until it is there
            JsonNode task = Awaitility.await("the A task").atMost(Duration.ofSeconds(10)).until(() -> {
                JsonNode found = null;
                for (JsonNode s : incident(api, sup, id).path("steps")) {
                    if (s.path("kind").asText().equals("task-a")) {
                        found = s;
                    }
                }
                return found;
            }, t -> t != null);
            assertThat(task.path("state").asText()).isEqualTo("open");
            assertThat(task.path("detail").asText()).startsWith("confirm-responders").contains("居委");
            Awaitility.await("seat B called the elder again").atMost(Duration.ofSeconds(30))
                    .until(() -> results(incident(api, sup, id), "elder-retry").contains("silent"));
            assertThat(pstn.callsTo(ELDER_1).size() + pstn.callsTo(ELDER_2).size()).isGreaterThanOrEqualTo(3);

            // responders arrived: resolved, nothing more is dialled, the follow-up is on the worklist (within 48 h)
            var arrived = api.send("POST", "/api/incidents/" + id + "/arrived", sup,
                    "{\"outcome\":\"居委 staff found her on the floor; ambulance 120 took her to hospital\"}");
            assertThat(arrived.status()).as(arrived.body()).isEqualTo(200);
            assertThat(arrived.json().path("state").asText()).isEqualTo("resolved");
            // issue 20: the contacts whose record wants texts (the mobiles; the 居委 and 驿站 landlines do not) got one
            // text each when the SOS call came, at the open, at the escalation and at the end, in their language, in
            // order, UCS2 decoded right by the SMSC
            Awaitility.await("four texts each").atMost(Duration.ofSeconds(20))
                    .until(() -> smsc.textsTo(SON).size() == 4 && smsc.textsTo(ANNA).size() == 4);
            List<String> son = smsc.textsTo(SON).stream().map(onekey.testkit.Smsc.Text::text).toList();
            assertThat(son.get(0)).startsWith("【一键通】张桂英刚刚按了一键通SOS紧急呼叫");
            assertThat(son.get(1)).startsWith("【一键通】张桂英按了一键呼叫后无回应").contains("回复1");
            assertThat(son.get(2)).startsWith("【一键通】紧急：张桂英两次回拨均无回应");
            assertThat(son.get(3)).startsWith("【一键通】张桂英的紧急呼叫已处理完毕").contains("居委 staff found her");
            List<String> anna = smsc.textsTo(ANNA).stream().map(onekey.testkit.Smsc.Text::text).toList();
            assertThat(anna.get(0)).startsWith("【一键通】张桂英 has just pressed the OneKey SOS button");
            assertThat(anna.get(1)).contains("does not respond", "reply 1");
            assertThat(anna.get(2)).contains("URGENT", "police (110)");
            assertThat(anna.get(3)).contains("emergency is closed: responders arrived");
            assertThat(smsc.textsTo(SON)).allMatch(t -> t.dataCoding() == 8);
            assertThat(smsc.texts()).extracting(onekey.testkit.Smsc.Text::to).containsOnly(SON, ANNA);
            // each text about the incident is on its timeline with its receipt
            Awaitility.await("the texts delivered on the timeline").atMost(Duration.ofSeconds(15))
                    .until(() -> results(incident(api, sup, id), "sms").stream().filter("delivered"::equals).count() == 6);
            assertThat(results(arrived.json(), "elder-retry")).doesNotContain("planned");
            JsonNode worklist = api.get("/api/worklist", sup).json();
            assertThat(worklist.toString()).contains("\"incidentId\":" + id, "follow-up");
            long dueAt = worklist.path(0).path("dueAt").asLong();
            assertThat(dueAt - System.currentTimeMillis()).isBetween(0L, 48 * 3_600_000L);
            int elderCalls = pstn.callsTo(ELDER_1).size() + pstn.callsTo(ELDER_2).size();
            assertThat(api.send("POST", "/api/incidents/" + id + "/arrived", sup, "{\"outcome\":\"again\"}").status())
                    .isEqualTo(409);
            // the follow-up is dialled from the worklist: the supervisor's phone rings, then the elder's line
            try (Sipp.AgentPhone phone = new Sipp.AgentPhone(stack.asterisk, "1099", stack.sipSecret("1099"), 200)) {
                var follow = api.send("POST", "/api/incidents/" + id + "/follow-up", sup, null);
                assertThat(follow.status()).as(follow.body()).isEqualTo(202);
                Awaitility.await("the follow-up call reached the elder's line").atMost(Duration.ofSeconds(20))
                        .until(() -> pstn.callsTo(ELDER_1).size() + pstn.callsTo(ELDER_2).size() == elderCalls + 1);
                // dialling completes nothing (issue 18): on the worklist until the outcome is saved
                assertThat(api.get("/api/worklist", sup).json().path(0).path("result").asText()).isEqualTo("dialled");
                var saved = api.send("POST", "/api/incidents/" + id + "/follow-up/outcome", sup,
                        "{\"reached\":true,\"condition\":\"她很好\",\"satisfaction\":5}");
                assertThat(saved.status()).as(saved.body()).isEqualTo(200);
                assertThat(api.get("/api/worklist", sup).json().size()).isZero();
            }
        }
    }

    @Test
    void whenNoContactAcknowledgesTheATaskIsToCall110AndTheAgentsCallIsInTheTimeline() throws Exception {
        try (Stack stack = stack().startServer();
             Pstn pstn = new Pstn(stack.asterisk.trunkPort())) {
            pstn.otherwise(Behaviour.noAnswer()).number(ELDER_1, Behaviour.silent()).number(ELDER_2, Behaviour.silent())
                    // the contacts' numbers as the REST API stores them (the elder is saved again below)
                    // the 驿站 answers, hears the message three times (in English: its record says so), presses nothing
                    .number(STATION.substring(1), Behaviour.silent())
                    .number("110", Behaviour.silent());
            Api api = stack.api;
            String sup = api.login("super", "super1234");
            Awaitility.await("AMI connected").atMost(Duration.ofSeconds(20))
                    .until(() -> api.get("/api/health", null).json().path("asterisk").path("connected").asBoolean());
            // the 驿站's duty phone is answered in English (its record says so); the others have no language: Mandarin
            var elder = (com.fasterxml.jackson.databind.node.ObjectNode) api.get("/api/elders/1?reason=test", sup).json();
            elder.retain("name", "birthDate", "gender", "phones", "address", "landmarks", "district", "language", "category",
                    "healthConditions", "medications", "allergies", "mobility", "device", "notes", "contacts");
            ((com.fasterxml.jackson.databind.node.ObjectNode) elder.withArray("contacts").get(2)).put("language", "en");
            var saved = api.send("PUT", "/api/elders/1", sup, elder.toString());
            assertThat(saved.status()).as(saved.body()).isEqualTo(200);
            assertThat(saved.json().path("contacts").path(2).path("language").asText()).isEqualTo("en");
            long callId = abandonedSosCall(stack, api, sup);
            long id = api.send("POST", "/api/calls/" + callId + "/no-response", sup, null).json().path("id").asLong();

            Awaitility.await("the A task: call 110").atMost(Duration.ofSeconds(150))
                    .until(() -> incident(api, sup, id).toString().contains("call-110"));
            JsonNode inc = incident(api, sup, id);
            assertThat(results(inc, "contact")).containsExactly("no-answer", "no-answer", "no-ack");
            // the 驿站 heard the message in English (its record's language), and it was not silence
            assertThat(inc.path("steps").findValuesAsText("detail")).anyMatch(d -> d.contains("English"));
            Pstn.Call station = pstn.callsTo(STATION.substring(1)).get(0);
            System.out.printf("the station heard the English message at RMS %.3f (%d bytes)%n", station.heardRms(),
                    station.heard().length);
            assertThat(station.heardRms()).as("the English message was not silence").isGreaterThan(0.01);
            try (Sipp.AgentPhone phone = new Sipp.AgentPhone(stack.asterisk, "1099", stack.sipSecret("1099"), 200)) {
                var call = api.send("POST", "/api/incidents/" + id + "/call", sup, "{\"number\":\"110\"}");
                assertThat(call.status()).as(call.body()).isEqualTo(202);
                Awaitility.await("110 answered").atMost(Duration.ofSeconds(20))
                        .until(() -> !pstn.callsTo("110").isEmpty() && pstn.callsTo("110").get(0).answered);
                JsonNode after = incident(api, sup, id);
                JsonNode call110 = null;
                for (JsonNode s : after.path("steps")) {
                    if (s.path("kind").asText().equals("call")) {
                        call110 = s;
                    }
                    if (s.path("kind").asText().equals("task-a")) {
                        assertThat(s.path("state").asText()).as("the A task is done").isEqualTo("done");
                    }
                }
                assertThat(call110).as("the call to 110 is in the timeline").isNotNull();
                assertThat(call110.path("target").asText()).isEqualTo("110");
                assertThat(call110.path("startedAt").isNumber()).isTrue();
            }
        }
    }

    /**
     * Issue 16: a silent SOS call from a number no elder has starts the same rescue: the number is redialled twice, and
     * with nobody to call seat A's task is at once 110 with the number (the police can trace a line). The shortest the
     * rule allows: both redials answered in silence (2 s of listening each), 1 s apart.
     */
    @Test
    void aSilentCallFromAnUnregisteredNumberIsRedialledTwiceThenSeatAIsToCall110WithTheNumber() throws Exception {
        String unknown = "2155559999";
        try (Stack stack = bare()
                .with("ONEKEY_RESCUE_REDIALINTERVALSECONDS", "1")
                .with("ONEKEY_RESCUE_RINGSECONDS", "5")
                .with("ONEKEY_RESCUE_LISTENSECONDS", "2")
                .startServer();
             Pstn pstn = new Pstn(stack.asterisk.trunkPort())) {
            pstn.otherwise(Behaviour.noAnswer()).number(unknown, Behaviour.silent());
            Api api = stack.api;
            String token = api.login("super", "super1234");
            Awaitility.await("AMI connected").atMost(Duration.ofSeconds(20))
                    .until(() -> api.get("/api/health", null).json().path("asterisk").path("connected").asBoolean());
            onekey.testkit.Ws sup = new onekey.testkit.Ws(stack.server.apiPort(), token);
            sup.await("hello", 10);
            try (Sipp.Caller caller = new Sipp.Caller(stack.asterisk.sipPort, "0" + unknown, "1234901", 1500)) {
                assertThat(caller.await(30)).as(caller.log()).isZero();
            }
            long callId = Awaitility.await("the SOS call is stored, without an elder").atMost(Duration.ofSeconds(15)).until(() -> {
                JsonNode c = api.get("/api/calls?limit=1", token).json().path(0);
                return c.path("endedAt").isNumber() && c.path("elderId").isNull() ? c.path("id").asLong() : null;
            }, id -> id != null);

            var opened = api.send("POST", "/api/calls/" + callId + "/no-response", token, null);
            assertThat(opened.status()).as(opened.body()).isEqualTo(201);
            long id = opened.json().path("id").asLong();
            assertThat(opened.json().path("elderId").isNull()).isTrue();
            assertThat(opened.json().path("callerNumber").asText()).isEqualTo("******9999");
            assertThat(opened.json().path("callId").asLong()).isEqualTo(callId);
            assertThat(sup.await("incident.opened", j -> j.path("incident").path("id").asLong() == id, 10)).isNotNull();
            // the WebSocket command has the same rule: a second confirmation joins the number's incident
            String linkedid = api.get("/api/calls?limit=1", token).json().path(0).path("linkedid").asText();
            sup.send("{\"type\":\"call.no-response\",\"linkedid\":\"" + linkedid + "\"}");
            JsonNode ack = sup.await("ack", j -> j.path("command").asText().equals("call.no-response"), 10).json();
            assertThat(ack.path("created").asBoolean()).as(ack.toString()).isFalse();
            assertThat(ack.path("incident").path("id").asLong()).isEqualTo(id);

            JsonNode alert = sup.await("queue.alert", j -> j.path("kind").asText().equals("incident-escalated")
                    && j.path("incident").path("id").asLong() == id, 60).json();
            assertThat(alert.path("incident").path("state").asText()).isEqualTo("escalating");
            JsonNode task = sup.await("queue.alert", j -> j.path("kind").asText().equals("incident-task")
                    && j.path("task").asText().equals("call-110"), 10).json();
            assertThat(task.path("incident").path("id").asLong()).isEqualTo(id);

            JsonNode inc = incident(api, token, id);
            System.out.println("incident: " + inc);
            assertThat(inc.path("state").asText()).isEqualTo("escalating");
            assertThat(inc.path("reason").asText()).isEqualTo("no-response");
            assertThat(results(inc, "redial")).containsExactly("silent", "silent");
            assertThat(results(inc, "contact")).isEmpty();
            assertThat(inc.path("steps").findValuesAsText("target")).contains("******9999");
            JsonNode taskA = null;
            for (JsonNode s : inc.path("steps")) {
                if (s.path("kind").asText().equals("task-a")) {
                    taskA = s;
                }
            }
            assertThat(taskA).as("the A task").isNotNull();
            assertThat(taskA.path("state").asText()).isEqualTo("open");
            assertThat(taskA.path("detail").asText()).startsWith("call-110").contains(unknown);
            // both redials reached the caller's line through the trunk, and were answered
            assertThat(pstn.callsTo(unknown)).hasSize(2).allMatch(c -> c.answered);
            // audited as for an elder, on the call (there is no elder)
            JsonNode audit = api.get("/api/audit?type=incident.open&targetType=call&targetId=" + callId, token).json();
            assertThat(audit.findValuesAsText("action")).containsExactly("incident.open");
            assertThat(audit.path(0).path("username").asText()).isEqualTo("super");
            assertThat(audit.path(0).path("detail").asText()).contains("incident=" + id, "caller=******9999");
            assertThat(api.get("/api/audit?type=incident.join&targetType=call&targetId=" + callId, token).json().size())
                    .as("the WebSocket confirmation").isEqualTo(1);
            sup.close();
        }
    }

    @Test
    void seatsAAndBGoToTwoAgentsAndATaskNobodyTakesAlertsTheSupervisors() throws Exception {
        try (onekey.testkit.Smsc smsc = new onekey.testkit.Smsc().start();
             Stack stack = withSmsc(stack().with("ONEKEY_RESCUE_TASKTAKESECONDS", "3"), smsc).startServer();
             Pstn pstn = new Pstn(stack.asterisk.trunkPort())) {
            pstn.otherwise(Behaviour.noAnswer()).number(ELDER_1, Behaviour.silent()).number(ELDER_2, Behaviour.silent());
            Api api = stack.api;
            Awaitility.await("AMI connected").atMost(Duration.ofSeconds(20))
                    .until(() -> api.get("/api/health", null).json().path("asterisk").path("connected").asBoolean());
            Sipp.AgentPhone phones = new Sipp.AgentPhone(stack.asterisk, "1001", stack.sipSecret("1001"), 300);
            phones.registerAlso("1002", stack.sipSecret("1002"));
            java.util.Map<String, String> tokens = new java.util.HashMap<>();
            java.util.Map<String, Long> ids = new java.util.HashMap<>();
            java.util.Map<String, onekey.testkit.Ws> ws = new java.util.HashMap<>();
            for (String a : new String[] {"1001", "1002"}) {
                var login = api.send("POST", "/api/login", null, "{\"username\":\"" + a + "\",\"password\":\"agent" + a + "\"}");
                tokens.put(a, login.json().path("token").asText());
                ids.put(a, login.json().path("accountId").asLong());
                onekey.testkit.Ws w = new onekey.testkit.Ws(stack.server.apiPort(), tokens.get(a));
                w.await("hello", 10);
                w.send("{\"type\":\"agent.ready\"}");
                w.await("ack", 10);
                ws.put(a, w);
            }
            onekey.testkit.Ws sup = new onekey.testkit.Ws(stack.server.apiPort(), api.login("super", "super1234"));
            sup.await("hello", 10);
            Awaitility.await("both idle").atMost(Duration.ofSeconds(10)).until(() -> stack.asterisk.cli("queue show onekey")
                    .lines().filter(l -> l.contains("Not in use")).count() == 2);

            String first;
            try (Sipp.Caller caller = new Sipp.Caller(stack.asterisk.sipPort, "02155550001", "1234901", 2500)) {
                first = Awaitility.await("answered").atMost(Duration.ofSeconds(20)).until(() ->
                        ws.entrySet().stream().filter(e -> e.getValue().frames().stream()
                                .anyMatch(f -> f.json().path("type").asText().equals("call.answered")))
                                .map(java.util.Map.Entry::getKey).findFirst().orElse(null), a -> a != null);
                assertThat(caller.await(30)).as(caller.log()).isZero();
            }
            String second = first.equals("1001") ? "1002" : "1001";
            long callId = Awaitility.await("stored").atMost(Duration.ofSeconds(15)).until(() -> {
                JsonNode c = api.get("/api/calls?limit=1", tokens.get(first)).json().path(0);
                return c.path("endedAt").isNumber() ? c.path("id").asLong() : null;
            }, id -> id != null);
            long id = api.send("POST", "/api/calls/" + callId + "/no-response", tokens.get(first), null).json().path("id").asLong();

            // escalation: seat B goes to the other ready agent, who is told; nobody takes it within 3 s
            JsonNode toSecond = ws.get(second).await("incident.task",
                    j -> j.path("task").asText().equals("stay-with-elder"), 60).json();
            // issue 20: the son reads the escalation text while his phone rings and replies "1": that is his
            // acknowledgement, as pressing 1 on the call; the 居委 and the 驿站 are not called
            Awaitility.await("the escalation text reached the son").atMost(Duration.ofSeconds(10)).until(() ->
                    smsc.textsTo(SON).stream().anyMatch(t -> t.text().contains("紧急：张桂英两次回拨均无回应")));
            smsc.inject(SON, "1");
            JsonNode reply = ws.get(first).await("sms.reply", j -> j.path("reply").path("meaning").asText().equals("ack"), 10)
                    .json();
            assertThat(reply.path("reply").path("incidentId").asLong()).isEqualTo(id);
            Awaitility.await("the son's acknowledgement recorded").atMost(Duration.ofSeconds(10))
                    .until(() -> results(api.get("/api/incidents/" + id, tokens.get(first)).json(), "contact").contains("ack"));
            JsonNode acked = api.get("/api/incidents/" + id, tokens.get(first)).json();
            assertThat(results(acked, "contact")).containsExactly("ack", "cancelled", "cancelled");
            assertThat(acked.path("steps").findValuesAsText("detail")).anyMatch(d -> d.contains("replied \"1\" by text"));
            assertThat(results(acked, "sms-reply")).containsExactly("ack");
            assertThat(toSecond.path("incident").path("id").asLong()).isEqualTo(id);
            JsonNode late = sup.await("queue.alert", j -> j.path("kind").asText().equals("task-not-taken"), 20).json();
            assertThat(late.path("taskKind").asText()).isEqualTo("task-b");
            JsonNode inc = api.get("/api/incidents/" + id, tokens.get(first)).json();
            JsonNode taskB = null;
            for (JsonNode st : inc.path("steps")) {
                if (st.path("kind").asText().equals("task-b")) {
                    taskB = st;
                }
            }
            assertThat(taskB).isNotNull();
            int seq = taskB.path("seq").asInt();
            // the seat-B agent takes it (the incident's own agent could too); a third party could not
            var taken = api.send("POST", "/api/incidents/" + id + "/tasks/" + seq + "/take", tokens.get(second), null);
            assertThat(taken.status()).as(taken.body()).isEqualTo(200);
            assertThat(taken.body()).contains("taken by " + second);
            assertThat(api.send("POST", "/api/incidents/" + id + "/tasks/" + seq + "/take", tokens.get(second), null).status())
                    .isEqualTo(409);
            assertThat(api.send("POST", "/api/incidents/" + id + "/tasks/" + seq + "/take", api.login("1003", "agent1003"),
                    null).status()).isEqualTo(403);
            assertThat(pstn.callsTo(COMMITTEE)).as("the 居委 is not called once the son acknowledged by text").isEmpty();
            assertThat(pstn.callsTo(STATION)).isEmpty();
            ws.values().forEach(onekey.testkit.Ws::close);
            sup.close();
            phones.close();
        }
    }
}
