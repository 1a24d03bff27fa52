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

        f.hub.toAccount(f.agent.id(), ApiFixture.pop(ApiFixture.call(7, null, "02155559999", onekey.lines.Service.SOS),
                null));
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

    /**
     * Issue 16: the console agent calls ready() from the hello callback; the hello could arrive before the client had
     * its socket (assigned only when buildAsync's future returned), ready() threw, the listener swallowed it and the
     * seat stayed logged out. This server sends hello as soon as the WebSocket is open: every start must go ready.
     */
    @Test
    void readyFromTheHelloCallbackAlwaysReachesTheServer() {
        for (int i = 0; i < 25; i++) {
            f.agents.states.remove(f.agent.id());
            List<CtiEvent> got = new CopyOnWriteArrayList<>();
            List<RuntimeException> thrown = new CopyOnWriteArrayList<>();
            CtiClient[] c = new CtiClient[1];
            c[0] = new CtiClient(URI.create("http://127.0.0.1:" + f.server.port()), "ann", ApiFixture.PASSWORD, null,
                    new CtiClient.Listener() {
                        @Override
                        public void event(CtiEvent e) {
                            got.add(e);
                            if (e instanceof CtiEvent.Hello) {
                                try {
                                    c[0].ready();
                                } catch (RuntimeException x) {
                                    thrown.add(x);
                                }
                            }
                        }
                    });
            try {
                c[0].start();
                int run = i;
                await("start " + run + " goes ready").atMost(Duration.ofSeconds(10)).until(() -> !thrown.isEmpty()
                        || got.stream().anyMatch(e -> e instanceof CtiEvent.Ack a && a.command().equals("agent.ready")));
                assertEquals(List.of(), thrown, "ready() from the hello callback, start " + i);
                assertEquals("ready", f.agents.states.get(f.agent.id()).state().wire());
            } finally {
                c[0].close();
            }
        }
    }

    /**
     * Issue 16: a second copy of a seat (same account) that stops must not log out the live one; the last session
     * that stops does log the agent out. The agent's own logout always applies.
     */
    @Test
    void aSecondCopyOfASeatThatStopsLeavesTheLiveSeatReady() {
        client.start();
        await().atMost(Duration.ofSeconds(5)).until(() -> client.status() == CtiClient.Status.CONNECTED);
        client.ready();
        await().atMost(Duration.ofSeconds(5)).until(() -> of(CtiEvent.Ack.class).stream()
                .anyMatch(a -> a.command().equals("agent.ready")));

        List<CtiEvent> second = new CopyOnWriteArrayList<>();
        try (CtiClient copy = new CtiClient(URI.create("http://127.0.0.1:" + f.server.port()), "ann", ApiFixture.PASSWORD,
                null, new CtiClient.Listener() {
                    @Override
                    public void event(CtiEvent e) {
                        second.add(e);
                    }
                })) {
            copy.start();
            await().atMost(Duration.ofSeconds(5)).until(() -> copy.status() == CtiClient.Status.CONNECTED);
            copy.logoutOnExit();
            await().atMost(Duration.ofSeconds(5)).until(() -> second.stream()
                    .anyMatch(e -> e instanceof CtiEvent.Ack a && a.command().equals("agent.logout")));
            CtiEvent.Ack kept = second.stream().filter(e -> e instanceof CtiEvent.Ack a && a.command().equals("agent.logout"))
                    .map(CtiEvent.Ack.class::cast).findFirst().orElseThrow();
            assertTrue(kept.json().path("kept").asBoolean(), kept.json().toString());
            assertEquals("ready", kept.json().path("state").asText());
        }
        assertEquals("ready", f.agents.states.get(f.agent.id()).state().wire(), "the live seat stays ready");
        assertTrue(f.agents.commands.stream().noneMatch(c -> c.equals("ann:logout")), f.agents.commands.toString());

        // the copy is gone: the live seat's own stop logs the agent out
        await().atMost(Duration.ofSeconds(5)).until(() -> f.server.otherSessions(f.agent.id(), null) == 1);
        client.logoutOnExit();
        await().atMost(Duration.ofSeconds(5)).until(() -> "logged-out".equals(f.agents.states.get(f.agent.id()).state().wire()));
    }
}
