package onekey.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.awaitility.Awaitility;

/** A WebSocket client that keeps every frame it got, with the local receive time in ms. */
public final class Ws implements AutoCloseable {

    public record Frame(long receivedAt, JsonNode json) {}

    private final List<Frame> frames = new CopyOnWriteArrayList<>();
    private final WebSocket ws;
    private volatile String closedWith;
    private final List<Long> pings = new CopyOnWriteArrayList<>();

    public Ws(int port, String token) {
        this(HttpClient.newHttpClient(), "ws://127.0.0.1:" + port, token);
    }

    /** To the server {@code api} talks to: wss:// (with the Api's trusted certificate) when the Api is https. */
    public Ws(Api api, String token) {
        this(api.client(), api.base.replaceFirst("^http", "ws"), token);
    }

    private Ws(HttpClient client, String base, String token) {
        StringBuilder partial = new StringBuilder();
        try {
            ws = client.newWebSocketBuilder()
                    .buildAsync(URI.create(base + "/ws?token=" + token), new WebSocket.Listener() {
                        @Override
                        public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
                            partial.append(data);
                            if (last) {
                                long at = System.currentTimeMillis();
                                try {
                                    frames.add(new Frame(at, Api.JSON.readTree(partial.toString())));
                                } catch (Exception e) {
                                    throw new IllegalStateException("bad frame " + partial, e);
                                }
                                partial.setLength(0);
                            }
                            w.request(1);
                            return CompletableFuture.completedFuture(null);
                        }

                        @Override
                        public CompletionStage<?> onPing(WebSocket w, java.nio.ByteBuffer message) {
                            pings.add(System.currentTimeMillis()); // the JDK answers with a pong by itself
                            w.request(1);
                            return null;
                        }

                        @Override
                        public CompletionStage<?> onClose(WebSocket w, int statusCode, String reason) {
                            closedWith = statusCode + " " + reason;
                            return null;
                        }

                        @Override
                        public void onError(WebSocket w, Throwable error) {
                            closedWith = "error " + error;
                        }
                    }).get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("websocket connect failed: " + e.getMessage(), e);
        }
    }

    public void send(String json) {
        ws.sendText(json, true).join();
    }

    /** Null while the connection is open; else the close code and reason the server sent, or the error. */
    public String closedWith() {
        return closedWith;
    }

    /** When the server's WebSocket ping frames arrived (local ms). */
    public List<Long> pings() {
        return new ArrayList<>(pings);
    }

    public List<Frame> frames() {
        return new ArrayList<>(frames);
    }

    /** The first frame (from the start) of this type matching {@code p}, waiting up to {@code seconds}. */
    public Frame await(String type, Predicate<JsonNode> p, long seconds) {
        Frame[] found = new Frame[1];
        Awaitility.await(type).atMost(Duration.ofSeconds(seconds)).pollInterval(Duration.ofMillis(20)).until(() -> {
            for (Frame f : frames) {
                if (type.equals(f.json().path("type").asText()) && p.test(f.json())) {
                    found[0] = f;
                    return true;
                }
            }
            return false;
        });
        return found[0];
    }

    public Frame await(String type, long seconds) {
        return await(type, j -> true, seconds);
    }

    @Override
    public void close() {
        ws.abort();
    }
}
