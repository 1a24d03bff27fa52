package onekey.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import onekey.softphone.audio.Audio;
import onekey.softphone.sip.SipPhone;
import onekey.testkit.Api;
import onekey.testkit.Sipp;
import onekey.testkit.Stack;
import onekey.testkit.Ws;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.Test;

/**
 * Issue 22 test 1: a (short) day of calls made through a real Asterisk, and the district's report of it equals what
 * the callers and the agent's phone saw. Agent 1001 on a sipp phone that answers after 300 ms. Calls on four lines:
 * an SOS call and a registration call answered at once; a consultation that waits past 15 s in the queue while the
 * agent is not ready (the seconds counted here); a general and a taxi call whose callers give up while waiting (the
 * two abandoned); then a silent SOS call on which the agent confirms no response (an incident). The report by line,
 * the total and the incidents report are compared with those counts, as the district reads them (role district).
 */
class ReportsIT {

    static final String ELDER = "02155550001";
    static final String ELDER2 = "02155550002";

    private static ConditionFactory await(String what, int seconds) {
        return Awaitility.await(what).atMost(Duration.ofSeconds(seconds)).pollInterval(Duration.ofMillis(100));
    }

    private static SipPhone caller(Stack stack, String number) throws Exception {
        return new SipPhone(new SipPhone.Settings("127.0.0.1", "127.0.0.1", stack.asterisk.sipPort, number, null),
                new Audio.Silence(), new Audio.NoSink(), null).start();
    }

    /** Waits until the agent's WebSocket has had {@code n} call.answered events (the calls its phone answered). */
    private static void answered(Ws ws, int n) {
        await(n + " calls answered by the agent", 30).until(() -> ws.frames().stream()
                .filter(f -> f.json().path("type").asText().equals("call.answered")).count() >= n);
    }

    @Test
    void theDistrictsReportOfADayOfCallsEqualsWhatTheCallersAndTheAgentSaw() throws Exception {
        try (Stack stack = new Stack().with("ONEKEY_CALLS_WRAPUPSECONDS", "1")
                .with("ONEKEY_RESCUE_REDIALINTERVALSECONDS", "60").startAsterisk().startServer();
             onekey.testkit.Pstn pstn = new onekey.testkit.Pstn(stack.asterisk.trunkPort())
                     .otherwise(onekey.testkit.Pstn.Behaviour.noAnswer())) {
            Api api = stack.api;
            await("AMI connected", 40).until(() -> api.get("/api/health", null).json().path("asterisk")
                    .path("connected").asBoolean());
            String admin = api.login("admin", Stack.ADMIN_PASSWORD);
            var made = api.send("POST", "/api/agents", admin,
                    "{\"username\":\"mzj-xuhui\",\"password\":\"district-pass-1\",\"role\":\"district\",\"displayName\":\"区民政局\"}");
            assertThat(made.status()).as(made.body()).isEqualTo(201);
            String district = api.login("mzj-xuhui", "district-pass-1");
            String agent = api.login("1001", "agent1001");
            int[] answered = {0};
            Map<String, long[]> seen = new HashMap<>(); // line → {offered, answered, within 15 s, abandoned}
            try (Sipp.AgentPhone phone = new Sipp.AgentPhone(stack.asterisk, "1001", stack.sipSecret("1001"), 300);
                 Ws ws = new Ws(stack.server.apiPort(), agent)) {
                ws.await("hello", 10);
                ws.send("{\"type\":\"agent.ready\"}");
                await("member in queue", 10).until(() -> stack.asterisk.cli("queue show onekey").contains("Not in use"));

                // answered at once (the agent's phone answers after 300 ms): SOS and registration
                for (String[] c : new String[][] {{ELDER, "1234901", "sos"}, {ELDER2, "1234902", "registration"}}) {
                    try (SipPhone elder = caller(stack, c[0])) {
                        elder.call(c[1]);
                        answered(ws, ++answered[0]); // the agent's side: the call it answered
                        elder.hangup();
                    }
                    seen.put(c[2], new long[] {1, 1, 1, 0});
                    await("wrap-up over", 15).until(() -> stack.asterisk.cli("queue show onekey").contains("Not in use"));
                }

                // nobody ready: a consultation waits past 15 s; a general and a taxi call give up meanwhile
                ws.send("{\"type\":\"agent.pause\",\"reason\":\"meal\"}");
                await("paused", 10).until(() -> stack.asterisk.cli("queue show onekey").contains("paused"));
                try (SipPhone consult = caller(stack, "02155550009");
                     SipPhone general = caller(stack, "02155550008");
                     SipPhone taxi = caller(stack, "02155550007")) {
                    long t0 = System.nanoTime();
                    consult.call("1234904");
                    general.call("12349");
                    taxi.call("1234903");
                    await("three waiting", 15).until(() -> api.get("/api/wallboard", admin).json().path("queues")
                            .findValues("waiting").stream().mapToLong(JsonNode::asLong).sum() == 3);
                    general.hangup();
                    taxi.hangup();
                    seen.put("general", new long[] {1, 0, 0, 1});
                    seen.put("taxi", new long[] {1, 0, 0, 1});
                    await("past 15 s", 20).until(() -> System.nanoTime() - t0 > 16_000_000_000L);
                    ws.send("{\"type\":\"agent.ready\"}");
                    answered(ws, ++answered[0]);
                    long waitedMs = (System.nanoTime() - t0) / 1_000_000;
                    assertThat(waitedMs).isGreaterThan(15_000);
                    seen.put("consult", new long[] {1, 1, 0, 0});
                    consult.hangup();
                }
                await("wrap-up over", 15).until(() -> stack.asterisk.cli("queue show onekey").contains("Not in use"));

                // a silent SOS call: answered, the agent confirms no response → an incident
                try (SipPhone elder = caller(stack, ELDER)) {
                    elder.call("1234901");
                    answered(ws, ++answered[0]);
                    elder.hangup();
                }
                seen.get("sos")[0]++;
                seen.get("sos")[1]++;
                seen.get("sos")[2]++;
                long silentCall = await("the silent call stored", 15).until(() -> {
                    JsonNode c = api.get("/api/calls?limit=1", admin).json().path(0);
                    return c.path("endedAt").isNumber() && c.path("line").asText().equals("sos") ? c.path("id").asLong() : null;
                }, id -> id != null);
                var opened = api.send("POST", "/api/calls/" + silentCall + "/no-response", admin, null);
                assertThat(opened.status()).as(opened.body()).isEqualTo(201);
                // what Asterisk's queue counted: C completed (answered by the agent's phone), A abandoned
                String queue = stack.asterisk.cli("queue show onekey");
                java.util.regex.Matcher m = java.util.regex.Pattern.compile("C:(\\d+), A:(\\d+)").matcher(queue);
                assertThat(m.find()).as(queue).isTrue();
                assertThat(m.group(1) + "/" + m.group(2)).as(queue).isEqualTo("4/2");
            }

            // the district's report of today, by line, equals what was seen
            await("every call ended in the report", 15).until(() -> api.get("/api/reports/calls?groupBy=line", district)
                    .json().path("total").path("offered").asLong() == 6
                    && api.get("/api/reports/calls?groupBy=line", district).json().path("total").path("abandoned").asLong() == 2);
            JsonNode report = api.get("/api/reports/calls?groupBy=line", district).json();
            System.out.println("report: " + report);
            long[] total = new long[4];
            for (JsonNode row : report.path("rows")) {
                long[] s = seen.get(row.path("key").asText());
                assertThat(s).as("a line no call was made on: " + row).isNotNull();
                assertThat(new long[] {row.path("offered").asLong(), row.path("answered").asLong(),
                        row.path("answeredWithin15s").asLong(), row.path("abandoned").asLong()}).as(row.toString()).containsExactly(s);
                for (int i = 0; i < 4; i++) {
                    total[i] += s[i];
                }
            }
            assertThat(report.path("rows").size()).isEqualTo(seen.size());
            JsonNode t = report.path("total");
            assertThat(new long[] {t.path("offered").asLong(), t.path("answered").asLong(), t.path("answeredWithin15s").asLong(),
                    t.path("abandoned").asLong()}).containsExactly(6, 4, 3, 2).containsExactly(total);
            assertThat(t.path("answeredWithin60s").asLong()).isEqualTo(4);
            JsonNode consult = null;
            for (JsonNode row : report.path("rows")) {
                if (row.path("key").asText().equals("consult")) {
                    consult = row;
                }
            }
            assertThat(consult).isNotNull();
            assertThat(consult.path("avgWaitMs").asLong()).as("the consultation waited past 15 s").isBetween(15_000L, 40_000L);
            assertThat(t.path("avgHandleMs").asLong()).as("talk 1.5 s-ish and a 1 s wrap-up").isBetween(1_000L, 15_000L);
            JsonNode sos = api.get("/api/reports/sos?groupBy=reason", district).json();
            assertThat(sos.path("total").path("opened").asLong()).isEqualTo(1);
            assertThat(sos.path("rows").get(0).path("key").asText()).isEqualTo("no-response");
            // and nothing personal for the district
            assertThat(api.get("/api/calls", district).status()).isEqualTo(403);
            assertThat(api.get("/api/elders", district).status()).isEqualTo(403);
        }
    }
}
