package onekey.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import onekey.auth.AuditEntry;
import onekey.calls.CallRecord;
import onekey.elders.Contact;
import onekey.elders.Elder;
import onekey.elders.ElderDraft;
import onekey.lines.Service;
import onekey.rescue.IncidentRepository;
import onekey.rescue.RescueService;
import onekey.store.Database;
import onekey.testkit.RecordingPbx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 17: "no response" is one rule with one audit row whichever door confirms it — POST /api/calls/{id}/no-response,
 * the WebSocket's {@code call.no-response}, or a broadcast's unanswered check-in (which opened incidents with no
 * {@code incident.open} row before the row moved into {@link RescueService}).
 */
class NoResponseDoorsTest {
    @TempDir
    Path tmp;
    Database db;
    RescueService rescue;
    ApiFixture f;
    Elder elder;

    @BeforeEach
    void up() {
        db = onekey.testkit.H2Template.open(tmp.resolve("onekey"), "sa", 2);
        f = new ApiFixture(tmp, fx -> {
            rescue = new RescueService(new IncidentRepository(db), fx.elders, new RecordingPbx(), fx.hub, ApiFixture.CLOCK,
                    new RescueService.Settings(2, 60, 30, 8, 500, 300, 48, 120),
                    (text, lang) -> Optional.of("/var/lib/onekey/prompts/" + lang), null, RescueService.Seats.NONE,
                    fx.audit, null);
            return rescue;
        });
        elder = f.elders.create(new ElderDraft("张桂英", null, "F", List.of("13800000001"), "天平路 88 弄", null, "徐汇", "zh",
                "living-alone", null, null, null, null, null, null, List.of(new Contact("李明", "儿子", "13900000002"))));
        long now = ApiFixture.CLOCK.millis();
        f.calls.update(new CallRecord(42, "l42", "PJSIP/trunk-1", "13800000001", "1234901", Service.SOS, 10, elder.id(),
                f.agent.id(), f.agent.username(), now - 60_000, now - 59_000, now - 50_000, null, 9000L, null, onekey.calls.CallOutcome.ANSWERED,
                null, null, false, null));
    }

    @AfterEach
    void down() {
        f.close();
        rescue.close();
        db.close();
    }

    private List<AuditEntry> rows(String action) {
        return f.audit.rows.stream().filter(r -> r.action().equals(action)).toList();
    }

    @Test
    void restAndWebSocketCallTheSameRuleAndEachWritesItsRow() throws Exception {
        // REST: the incident opens, audited by the service
        HttpResponse<String> r = f.send("POST", "/api/calls/42/no-response", f.token(f.agent), null);
        assertThat(r.statusCode()).isEqualTo(201);
        long incident = Json.MAPPER.readTree(r.body()).path("id").asLong();
        assertThat(rows("incident.open")).singleElement().satisfies(a -> {
            assertThat(a.username()).isEqualTo("ann");
            assertThat(a.detail()).isEqualTo("incident=" + incident + " call=42");
        });

        // WebSocket: the same method; the elder's open incident is joined, and that is audited the same way
        ApiWebSocketTest.Client ws = ApiWebSocketTest.connect(f, f.token(f.agent));
        await().until(() -> !ws.ofType("hello").isEmpty());
        ws.send("{\"type\":\"call.no-response\",\"linkedid\":\"l42\"}");
        await().until(() -> !ws.ofType("ack").isEmpty());
        JsonNode ack = ws.ofType("ack").get(0);
        assertThat(ack.path("created").asBoolean()).isFalse();
        assertThat(ack.path("incident").path("id").asLong()).isEqualTo(incident);
        assertThat(rows("incident.join")).singleElement().satisfies(a -> {
            assertThat(a.username()).isEqualTo("ann");
            assertThat(a.detail()).isEqualTo("incident=" + incident + " call=42");
        });

        // another agent's call: refused by both doors with the service's one message, and nothing audited
        ApiWebSocketTest.Client bob = ApiWebSocketTest.connect(f, f.token(f.agent2));
        await().until(() -> !bob.ofType("hello").isEmpty());
        bob.send("{\"type\":\"call.no-response\",\"linkedid\":\"l42\"}");
        await().until(() -> !bob.ofType("error").isEmpty());
        HttpResponse<String> refused = f.send("POST", "/api/calls/42/no-response", f.token(f.agent2), null);
        assertThat(refused.statusCode()).isEqualTo(403);
        String message = Json.MAPPER.readTree(refused.body()).path("message").asText();
        assertThat(message).contains("taken by another agent");
        assertThat(bob.ofType("error").get(0).path("message").asText()).isEqualTo(message);
        assertThat(rows("incident.open")).hasSize(1);
        assertThat(rows("incident.join")).hasSize(1);
    }

    @Test
    void aBroadcastsUnansweredCheckInOpensTheIncidentWithItsAuditRow() throws Exception {
        // the door OneKeyServer hands the broadcasts (BroadcastService.Wiring's noResponse): OneKey itself confirms
        RescueService.Opened o = rescue.noResponse(elder.id(), null, null, "check-in");
        assertThat(o.created()).isTrue();
        assertThat(rows("incident.open")).singleElement().satisfies(a -> {
            assertThat(a.username()).isEqualTo("system");
            assertThat(a.accountId()).isNull();
            assertThat(a.targetType()).isEqualTo("elder");
            assertThat(a.targetId()).isEqualTo(Long.toString(elder.id()));
            assertThat(a.detail()).isEqualTo("incident=" + o.incident().id() + " reason=check-in");
        });
        // and a seat confirming on its call afterwards joins it, one row more
        HttpResponse<String> r = f.send("POST", "/api/calls/42/no-response", f.token(f.agent), null);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(rows("incident.join")).singleElement()
                .satisfies(a -> assertThat(a.detail()).isEqualTo("incident=" + o.incident().id() + " call=42"));
    }
}
