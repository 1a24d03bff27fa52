package onekey.api;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import onekey.softphone.cti.CtiClient;
import onekey.softphone.cti.CtiEvent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shared CTI client (console agent, softphone, tests) against a real ApiServer: typed events, commands, 4401. */
class CtiClientTest {

    @TempDir
    Path dir;
    ApiFixture f;
    final List<CtiEvent> events = new CopyOnWriteArrayList<>();
    final List<CtiClient.Status> statuses = new CopyOnWriteArrayList<>();
    CtiClient client;

    @BeforeEach
    void start() {
        f = new ApiFixture(dir);
        client = new CtiClient(URI.create("http://127.0.0.1:" + f.server.port()), "ann", ApiFixture.PASSWORD, null,
                new CtiClient.Listener() {
                    @Override
                    public void status(CtiClient.Status s, String detail) {
                        statuses.add(s);
                    }

                    @Override
                    public void event(CtiEvent e) {
                        events.add(e);
                    }
                }).backoff(Duration.ofMillis(100));
    }

    @AfterEach
    void stop() {
        client.close();
        f.close();
    }

    private <T extends CtiEvent> List<T> of(Class<T> type) {
        return events.stream().filter(type::isInstance).map(type::cast).toList();
    }

    @Test
    void logsInGetsItsOwnSipSettingsAndSpeaksTheOneProtocolWithTypedEvents() throws Exception {
        assertEquals("agent", client.login().path("role").asText());
        assertEquals("ann-secret-1", client.me().path("sip").path("secret").asText());
        client.start();
        await().atMost(Duration.ofSeconds(5)).until(() -> !of(CtiEvent.Hello.class).isEmpty());
        assertEquals(CtiClient.Status.CONNECTED, client.status());

        client.ready();
        await().atMost(Duration.ofSeconds(5)).until(() -> of(CtiEvent.Ack.class).stream()
                .anyMatch(a -> a.command().equals("agent.ready")));
        client.pause("meal");
        await().atMost(Duration.ofSeconds(5)).until(() -> of(CtiEvent.Ack.class).stream()
                .anyMatch(a -> a.command().equals("agent.pause") && a.json().path("state").asText().equals("not-ready")));

        f.hub.toAccount(f.agent.id(), "call.offered", Map.of("call", Map.of("id", 7, "line", "sos"),
                "registered", false, "callerNumber", "02155559999"));
        await().atMost(Duration.ofSeconds(5)).until(() -> !of(CtiEvent.CallOffered.class).isEmpty());
        CtiEvent.CallOffered pop = of(CtiEvent.CallOffered.class).get(0);
        assertEquals(7, pop.callId());
        assertEquals("02155559999", pop.callerNumber());
        assertTrue(!pop.registered());
        assertTrue(client.lastSeq() >= pop.seq(), "the resume point follows the events");
    }

    @Test
    void aRevokedSessionIsShownAsEndedAndNeverRetriedWithTheDeadToken() {
        client.start();
        await().atMost(Duration.ofSeconds(5)).until(() -> client.status() == CtiClient.Status.CONNECTED);
        long loginsBefore = f.audit.rows.stream().filter(r -> r.action().equals("login.ok")).count();

        var r = f.send("DELETE", "/api/agents/" + f.agent.id() + "/sessions", f.token(f.admin), null);
        assertEquals(200, r.statusCode(), r.body());

        await().atMost(Duration.ofSeconds(2)).until(() -> client.status() == CtiClient.Status.SESSION_ENDED);
        // it stays ended: no reconnect, no new hello, no new login (back-off is 100 ms here)
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(2))
                .until(() -> client.status() == CtiClient.Status.SESSION_ENDED && of(CtiEvent.Hello.class).size() == 1);
        assertEquals(loginsBefore, f.audit.rows.stream().filter(x -> x.action().equals("login.ok")).count());
        assertEquals(List.of(CtiClient.Status.CONNECTING, CtiClient.Status.CONNECTED, CtiClient.Status.SESSION_ENDED),
                statuses);
    }
}
