package onekey.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import onekey.testkit.Api;
import onekey.testkit.AsteriskInstance;
import onekey.testkit.Sipp;
import org.awaitility.Awaitility;

/**
 * The bench's agents, hosted in the bench JVM (not the server's): accounts made over the REST API, SIP
 * registrations all pointing at one sipp phone that answers at once, and one WebSocket per agent that logs in,
 * goes ready and times the screen pop (AgentCalled's AMI timestamp → the {@code call.offered} frame here).
 * The WebSocket client keeps no frames: 250 of them must cost the machine little.
 */
final class BenchAgents implements AutoCloseable {

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final List<WebSocket> sockets = new ArrayList<>();
    private final ConcurrentLinkedQueue<Long> popMillis = new ConcurrentLinkedQueue<>();
    private final AtomicLong frames = new AtomicLong();
    private final AtomicLong offered = new AtomicLong();
    private volatile boolean timing;
    /** A screen pop as a client received it: the call's linkedid, the agent's extension, when (this JVM's clock). */
    record Offer(String linkedid, String agent, long receivedAt, long amiEventAt) {}

    private final ConcurrentLinkedQueue<Offer> offers = new ConcurrentLinkedQueue<>();
    private volatile boolean keepOffers;

    /**
     * Creates {@code count} agents b{ext} (extensions from {@code firstExtension}), registers each extension on
     * {@code phone}, connects their WebSockets and makes them ready; returns when Asterisk shows that many queue
     * members not in use.
     */
    BenchAgents(Api api, int httpPort, AsteriskInstance asterisk, Sipp.AgentPhone phone, int firstExtension, int count) {
        String admin = api.login("admin", onekey.testkit.Stack.ADMIN_PASSWORD);
        List<String> exts = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String ext = String.valueOf(firstExtension + i);
            var r = api.send("POST", "/api/agents", admin, "{\"username\":\"b" + ext + "\",\"password\":\"bench-pass-" + ext
                    + "\",\"role\":\"agent\",\"extension\":\"" + ext + "\",\"sipSecret\":\"bench-sip-" + ext + "\"}");
            if (r.status() != 201) {
                throw new IllegalStateException("agent " + ext + ": " + r.status() + " " + r.body());
            }
            exts.add(ext);
        }
        int membersBefore = membersNotInUse(asterisk);
        for (String ext : exts) {
            phone.registerAlso(ext, "bench-sip-" + ext);
            connect(httpPort, api.login("b" + ext, "bench-pass-" + ext));
        }
        Awaitility.await(count + " bench agents ready in the queue").atMost(Duration.ofSeconds(60 + count / 5))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> membersNotInUse(asterisk) >= membersBefore + count);
    }

    static int membersNotInUse(AsteriskInstance asterisk) {
        return (int) asterisk.cli("queue show onekey").lines().filter(l -> l.contains("Not in use")).count();
    }

    private void connect(int httpPort, String token) {
        CompletableFuture<Void> hello = new CompletableFuture<>();
        WebSocket ws;
        try {
            ws = http.newWebSocketBuilder().buildAsync(URI.create("ws://127.0.0.1:" + httpPort + "/ws?token=" + token),
                    new Listener(hello)).get(10, TimeUnit.SECONDS);
            hello.get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("agent WebSocket did not connect or say hello: " + e, e);
        }
        ws.sendText("{\"type\":\"agent.ready\"}", true).join();
        sockets.add(ws);
    }

    /** From now on, every call.offered frame's latency is kept (see {@link #stopTiming()}). */
    void startTiming() {
        popMillis.clear();
        timing = true;
    }

    /** Stops timing; returns the screen-pop latencies (ms) in arrival order. */
    List<Long> stopTiming() {
        timing = false;
        return new ArrayList<>(popMillis);
    }

    /** From now on every call.offered is kept with its linkedid ({@link #offers()}). */
    void keepOffers() {
        offers.clear();
        keepOffers = true;
    }

    List<Offer> offers() {
        return new ArrayList<>(offers);
    }

    long offered() {
        return offered.get();
    }

    long frames() {
        return frames.get();
    }

    @Override
    public void close() {
        for (WebSocket ws : sockets) {
            ws.abort();
        }
        sockets.clear();
        http.close();
    }

    private final class Listener implements WebSocket.Listener {
        private final StringBuilder partial = new StringBuilder();
        private final CompletableFuture<Void> hello;

        Listener(CompletableFuture<Void> hello) {
            this.hello = hello;
        }

        @Override
        public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                long at = System.currentTimeMillis();
                frames.incrementAndGet();
                String text = partial.toString();
                partial.setLength(0);
                // only the frames the bench needs are parsed
                if (text.contains("\"call.offered\"")) {
                    offered.incrementAndGet();
                    if (timing || keepOffers) {
                        try {
                            JsonNode j = Api.JSON.readTree(text);
                            if (keepOffers) {
                                offers.add(new Offer(j.path("call").path("linkedid").asText(), j.path("agent").asText(), at,
                                        j.path("amiEventAt").asLong()));
                            }
                            if (timing) {
                                popMillis.add(at - j.path("amiEventAt").asLong());
                            }
                        } catch (Exception e) {
                            throw new IllegalStateException("bad call.offered frame " + text, e);
                        }
                    }
                } else if (!hello.isDone() && text.contains("\"hello\"")) {
                    hello.complete(null);
                }
            }
            w.request(1);
            return null;
        }
    }
}
