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
import org.junit.jupiter.api.Test;

/**
 * Issue 8, seat A and seat B: after two silent redials the elder's contacts are called in order with a spoken
 * message (TTS, Mandarin for this elder) asking for 1 to acknowledge, while seat B keeps calling the elder. Behind
 * the trunk, {@link Pstn} plays a different person for each number. Demo elder 张桂英: phones 2155550001 and
 * 13917000001; contacts 李建国 13816000001, 居委 02165430001, 驿站 02165430099 (contact numbers are kept as typed).
 */
class RescueEscalationIT {

    static final String ELDER_1 = "2155550001";
    static final String ELDER_2 = "13917000001";
    static final String SON = "13816000001";
    static final String COMMITTEE = "02165430001";
    static final String STATION = "02165430099";

    private static Stack stack() {
        return new Stack()
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

    @Test
    void contactsAreCalledInOrderUntilOneAcknowledgesWhileSeatBKeepsCallingTheElder() throws Exception {
        try (Stack stack = stack().startAsterisk().startServer();
             Pstn pstn = new Pstn(stack.asterisk.trunkPort())) {
            pstn.number(ELDER_1, Behaviour.silent()).number(ELDER_2, Behaviour.silent())
                    .number(SON, Behaviour.noAnswer())
                    .number(COMMITTEE, Behaviour.presses('1', 5000))
                    .number(STATION, Behaviour.silent());
            Api api = stack.api;
            String sup = api.login("super", "super1234");
            Awaitility.await("AMI connected").atMost(Duration.ofSeconds(20))
                    .until(() -> api.get("/api/health", null).json().path("asterisk").path("connected").asBoolean());
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
            assertThat(results(inc, "contact")).containsExactly("no-answer", "ack", "cancelled");
            // the son's phone rang but was not answered; the committee answered; the station was never called
            assertThat(pstn.callsTo(SON)).hasSize(1);
            assertThat(pstn.callsTo(SON).get(0).answered).isFalse();
            assertThat(pstn.callsTo(COMMITTEE)).hasSize(1);
            assertThat(pstn.callsTo(STATION)).isEmpty();
            // the message was spoken, not silence (Mandarin TTS, heard at the contact's phone)
            double rms = pstn.callsTo(COMMITTEE).get(0).heardRms();
            System.out.printf("the committee heard the message at RMS %.3f (%d bytes)%n", rms,
                    pstn.callsTo(COMMITTEE).get(0).heard().length);
            assertThat(rms).isGreaterThan(0.01);
            // seat A's task for a person, and seat B keeps calling the elder
            JsonNode task = null;
            for (JsonNode s : inc.path("steps")) {
                if (s.path("kind").asText().equals("task-a")) {
                    task = s;
                }
            }
            assertThat(task).as("the A task").isNotNull();
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
                assertThat(api.get("/api/worklist", sup).json().size()).isZero();
            }
        }
    }

    @Test
    void whenNoContactAcknowledgesTheATaskIsToCall110AndTheAgentsCallIsInTheTimeline() throws Exception {
        try (Stack stack = stack().startAsterisk().startServer();
             Pstn pstn = new Pstn(stack.asterisk.trunkPort())) {
            pstn.otherwise(Behaviour.noAnswer()).number(ELDER_1, Behaviour.silent()).number(ELDER_2, Behaviour.silent())
                    .number(COMMITTEE, Behaviour.silent()) // answers, hears the message three times, presses nothing
                    .number("110", Behaviour.silent());
            Api api = stack.api;
            String sup = api.login("super", "super1234");
            Awaitility.await("AMI connected").atMost(Duration.ofSeconds(20))
                    .until(() -> api.get("/api/health", null).json().path("asterisk").path("connected").asBoolean());
            long callId = abandonedSosCall(stack, api, sup);
            long id = api.send("POST", "/api/calls/" + callId + "/no-response", sup, null).json().path("id").asLong();

            Awaitility.await("the A task: call 110").atMost(Duration.ofSeconds(150))
                    .until(() -> incident(api, sup, id).toString().contains("call-110"));
            JsonNode inc = incident(api, sup, id);
            assertThat(results(inc, "contact")).containsExactly("no-answer", "no-ack", "no-answer");
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
}
