package onekey.api;

import onekey.agents.AgentEvents;
import onekey.calls.CallEvents;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import onekey.agents.AgentState;
import onekey.agents.AgentStatus;
import onekey.auth.Account;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ApiWebSocketTest {

    @TempDir
    Path dir;
    ApiFixture f;

    @BeforeEach
    void start() {
        f = new ApiFixture(dir);
    }

    @AfterEach
    void stop() {
        f.close();
    }

    /** Collects every text frame as JSON. */
    static final class Client implements WebSocket.Listener {
        final List<JsonNode> frames = new CopyOnWriteArrayList<>();
        private final StringBuilder partial = new StringBuilder();
        volatile WebSocket ws;
        volatile boolean closed;
        volatile int closeCode;
        volatile String closeReason;

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closeCode = statusCode;
            closeReason = reason;
            closed = true;
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            closed = true;
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                try {
                    frames.add(Json.MAPPER.readTree(partial.toString()));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                partial.setLength(0);
            }
            webSocket.request(1);
            return null;
        }

        List<JsonNode> ofType(String type) {
            return frames.stream().filter(n -> n.path("type").asText().equals(type)).toList();
        }

        void send(String text) {
            ws.sendText(text, true).join();
        }
    }

    static Client connect(ApiFixture f, String token) {
        Client c = new Client();
        c.ws = f.http.newWebSocketBuilder()
                .buildAsync(URI.create("ws://127.0.0.1:" + f.server.port() + "/ws?token=" + token), c).join();
        return c;
    }

    private Client connect(String query, Map<String, String> headers) {
        Client c = new Client();
        WebSocket.Builder b = f.http.newWebSocketBuilder();
        headers.forEach(b::header);
        c.ws = b.buildAsync(URI.create("ws://127.0.0.1:" + f.server.port() + "/ws" + query), c).join();
        return c;
    }

    private Client connect(Account a) {
        return connect("?token=" + f.token(a), Map.of());
    }

    @Test
    void upgradeWithoutValidTokenIs401() {
        for (String q : List.of("", "?token=bogus")) {
            CompletionException e = org.junit.jupiter.api.Assertions.assertThrows(CompletionException.class,
                    () -> connect(q, Map.of()));
            assertTrue(e.getCause() instanceof WebSocketHandshakeException, e.toString());
            assertEquals(401, ((WebSocketHandshakeException) e.getCause()).getResponse().statusCode());
        }
    }

    @Test
    void helloThenCommandsCallAgentCommands() {
        f.hub.broadcast(new CallEvents.Finished(ApiFixture.call(0)));
        Client c = connect("", Map.of("Authorization", "Bearer " + f.token(f.agent)));
        await().until(() -> !c.ofType("hello").isEmpty());
        JsonNode hello = c.ofType("hello").get(0);
        assertEquals(1, hello.path("seq").asLong());
        assertEquals("ann", hello.path("account").path("username").asText());
        assertTrue(hello.path("agent").isNull());
        assertTrue(hello.path("account").path("sipSecret").isMissingNode());

        c.send("{\"type\":\"agent.ready\"}");
        await().until(() -> !c.ofType("ack").isEmpty());
        assertEquals("ready", c.ofType("ack").get(0).path("state").asText());
        assertEquals(List.of("ann:ready"), f.agents.commands);
        assertEquals(AgentState.READY, f.agents.states.get(f.agent.id()).state());

        c.send("{\"type\":\"agent.pause\",\"reason\":\"lunch\"}");
        await().until(() -> c.ofType("ack").size() == 2);
        assertEquals("not-ready", c.ofType("ack").get(1).path("state").asText());
        assertEquals("lunch", f.agents.states.get(f.agent.id()).reason());

        // an illegal transition is an error frame; the connection stays usable
        c.send("{\"type\":\"agent.logout\"}");
        await().until(() -> c.ofType("ack").size() == 3);
        c.send("{\"type\":\"agent.logout\"}");
        await().until(() -> !c.ofType("error").isEmpty());
        assertEquals("agent.logout", c.ofType("error").get(0).path("command").asText());
        assertTrue(c.ofType("error").get(0).path("message").asText().contains("logged-out"));

        c.send("{not json");
        await().until(() -> c.ofType("error").size() == 2);
        c.send("{\"type\":\"ping\"}");
        await().until(() -> !c.ofType("pong").isEmpty());
    }

    @Test
    void eventsAreDeliveredWithSeqToTheirTargetsOnly() {
        Client ann = connect(f.agent);
        Client sup = connect(f.supervisor);
        ann.send("{\"type\":\"ping\"}");
        sup.send("{\"type\":\"ping\"}");
        await().until(() -> !ann.ofType("pong").isEmpty() && !sup.ofType("pong").isEmpty());

        var offered = f.hub.toAccount(f.agent.id(), ApiFixture.pop(ApiFixture.call(1, null, "13800138000", null), null));
        f.hub.toAccount(f.agent2.id(), ApiFixture.pop(ApiFixture.call(2), null));
        f.hub.broadcast(new CallEvents.NoAgentReady(null, 3, "3 SOS calls waiting"));

        await().until(() -> sup.frames.stream().filter(n -> n.has("seq") && !n.path("type").asText().equals("hello")).count() == 3);
        await().until(() -> !ann.ofType("call.offered").isEmpty());
        JsonNode e = ann.ofType("call.offered").get(0);
        assertEquals(offered.seq(), e.path("seq").asLong());
        assertEquals(offered.at(), e.path("at").asLong());
        assertEquals(1, e.path("call").path("id").asInt());
        assertEquals("13800138000", e.path("callerNumber").asText());
        // ann sees neither bob's call nor the broadcast
        f.hub.toAccount(f.agent.id(), new AgentEvents.StateChanged(new AgentStatus(f.agent.id(), "ann", "1001",
                AgentState.READY, null, 0)));  // a marker
        await().until(() -> !ann.ofType("agent.state").isEmpty());
        assertEquals(1, ann.ofType("call.offered").size());
        assertTrue(ann.ofType("queue.alert").isEmpty());
    }

    @Test
    void resumeReplaysMissedEventsThenLiveOnesInOrder() {
        f.hub.toAccount(f.agent.id(), ApiFixture.pop(ApiFixture.call(1), null));              // seq 1, seen before
        f.hub.toAccount(f.agent.id(), new CallEvents.Answered(ApiFixture.call(1)));         // seq 2, missed
        f.hub.toAccount(f.agent.id(), new CallEvents.Ended(ApiFixture.call(1), null));      // seq 3, missed
        Client c = connect(f.agent);
        c.send("{\"type\":\"resume\",\"afterSeq\":1}");
        await().until(() -> c.frames.stream().anyMatch(n -> n.path("seq").asLong() == 3 && n.has("at")));
        f.hub.toAccount(f.agent.id(), new AgentEvents.StateChanged(new AgentStatus(f.agent.id(), "ann", "1001",
                AgentState.READY, null, 0)));  // seq 4, live
        await().until(() -> !c.ofType("agent.state").isEmpty());

        JsonNode resumed = c.ofType("resumed").get(0);
        assertTrue(resumed.path("complete").asBoolean());
        List<Long> seqs = c.frames.stream().filter(n -> n.has("at")).map(n -> n.path("seq").asLong()).toList();
        assertEquals(List.of(2L, 3L, 4L), seqs);
    }

    @Test
    void withoutResumeLiveEventsStartAfterTheWindow() {
        Client c = connect(f.agent);
        await().until(() -> !c.ofType("hello").isEmpty());
        f.hub.toAccount(f.agent.id(), ApiFixture.pop(ApiFixture.call(9), null));
        await().atMost(Duration.ofSeconds(5)).until(() -> !c.ofType("call.offered").isEmpty());
    }

    @Test
    void closingTheServerClosesClientsAndUnsubscribes() {
        Client c = connect(f.agent);
        c.send("{\"type\":\"ping\"}");
        await().until(() -> !c.ofType("pong").isEmpty());
        f.close();
        // publishing after close must not reach (or break on) a dead session
        f.hub.toAccount(f.agent.id(), ApiFixture.pop(ApiFixture.call(0), null));
        await().until(() -> c.closed);
    }
}
