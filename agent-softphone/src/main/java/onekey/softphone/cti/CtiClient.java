package onekey.softphone.cti;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLContext;

/**
 * The one CTI client of the cti-server, used by the console agent, the softphone and tests: logs in over REST
 * (http or https with a CA file), keeps one WebSocket with typed events ({@link CtiEvent}), resumes by event
 * number after a reconnect (back-off 1 s doubling to 30 s), sends agent commands. A WebSocket closed with
 * 4401 means the session ended (token revoked or expired, account disabled): the client reports
 * {@link Status#SESSION_ENDED} and stops; it never reconnects with the dead token.
 */
public final class CtiClient implements AutoCloseable {

    public enum Status { CONNECTING, CONNECTED, DISCONNECTED, SESSION_ENDED, LOGIN_REFUSED, STOPPED }

    /** Callbacks come from the client's threads: a UI must hop to its own thread. */
    public interface Listener {
        default void status(Status status, String detail) {
        }

        default void event(CtiEvent event) {
        }
    }

    /** Close code of a WebSocket whose session ended (docs/api.md). */
    public static final int SESSION_ENDED_CODE = 4401;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final System.Logger log = System.getLogger(CtiClient.class.getName());
    private static final long MAX_BACKOFF_MS = 30_000;

    private final URI api;
    private final String user;
    private final String password;
    private final HttpClient http;
    private final Listener listener;
    private volatile String token;
    private volatile WebSocket socket;
    private volatile long lastSeq = -1;
    private volatile boolean everConnected;
    private volatile boolean stopping;
    private volatile Status status = Status.DISCONNECTED;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private Thread loop;
    private volatile long minBackoffMs = 1000;

    public CtiClient(URI api, String user, String password, SSLContext tls, Listener listener) {
        String s = api.toString();
        this.api = URI.create(s.endsWith("/") ? s.substring(0, s.length() - 1) : s);
        this.user = user;
        this.password = password;
        HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5));
        if (tls != null) {
            b.sslContext(tls);
        }
        this.http = b.build();
        this.listener = listener == null ? new Listener() { } : listener;
    }

    /** An SSLContext that trusts exactly the PEM certificate(s) in {@code file}, like curl --cacert. */
    public static SSLContext trusting(Path file) throws IOException, GeneralSecurityException {
        java.security.KeyStore ks = java.security.KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        int n = 0;
        try (var in = java.nio.file.Files.newInputStream(file)) {
            for (var c : java.security.cert.CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                ks.setCertificateEntry("ca" + n++, c);
            }
        }
        if (n == 0) {
            throw new java.security.cert.CertificateException("no PEM certificate in " + file);
        }
        var tmf = javax.net.ssl.TrustManagerFactory.getInstance(javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        var ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx;
    }

    public URI api() {
        return api;
    }

    public String user() {
        return user;
    }

    public Status status() {
        return status;
    }

    /** The last event number seen (resume point). */
    public long lastSeq() {
        return lastSeq;
    }

    /** Shortest reconnect back-off (default 1 s); tests may shorten it. */
    public CtiClient backoff(Duration d) {
        minBackoffMs = Math.max(50, d.toMillis());
        return this;
    }

    // ---- REST --------------------------------------------------------------------------------------------

    /** Logs in; returns the login answer (token, role, extension, …). */
    public JsonNode login() throws IOException, InterruptedException {
        ObjectNode body = JSON.createObjectNode().put("username", user).put("password", password);
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(api.resolve("/api/login"))
                .timeout(Duration.ofSeconds(10)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))).build(),
                HttpResponse.BodyHandlers.ofString());
        JsonNode j = parse(r.body());
        if (r.statusCode() == 401 || r.statusCode() == 403 || r.statusCode() == 400 || r.statusCode() == 429) {
            throw new LoginRefused("HTTP " + r.statusCode() + " " + j.path("message").asText(r.body()));
        }
        if (r.statusCode() != 200 || !j.path("token").isTextual()) {
            throw new IOException("login answered HTTP " + r.statusCode());
        }
        token = j.get("token").asText();
        return j;
    }

    /** GET /api/me: the signed-in account and its own SIP settings. */
    public JsonNode me() throws IOException, InterruptedException {
        return request("GET", "/api/me", null);
    }

    /** PUT /api/calls/{id}/disposition. */
    public JsonNode saveDisposition(long callId, String disposition, String notes) throws IOException, InterruptedException {
        ObjectNode b = JSON.createObjectNode().put("disposition", disposition);
        if (notes != null) {
            b.put("notes", notes);
        }
        return request("PUT", "/api/calls/" + callId + "/disposition", b);
    }

    /** An authenticated REST call; a non-2xx answer throws with the server's message. */
    public JsonNode request(String method, String path, JsonNode body) throws IOException, InterruptedException {
        String t = token;
        if (t == null) {
            throw new IOException("not logged in");
        }
        HttpRequest.Builder b = HttpRequest.newBuilder(api.resolve(path)).timeout(Duration.ofSeconds(10))
                .header("Authorization", "Bearer " + t)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        JsonNode j = parse(r.body());
        if (r.statusCode() / 100 != 2) {
            throw new HttpError(method + " " + path + ": HTTP " + r.statusCode() + " " + j.path("message").asText(r.body()),
                    r.statusCode(), j.path("message").asText(r.body()), j.path("field").isTextual() ? j.path("field").asText() : null);
        }
        return j;
    }

    /**
     * An authenticated GET whose body is read as it arrives (issue 19: the recordings player), with a {@code Range}
     * header when {@code range} is not null ({@code bytes=a-b}). The caller checks the status and closes the body.
     */
    public HttpResponse<java.io.InputStream> stream(String path, String range) throws IOException, InterruptedException {
        String t = token;
        if (t == null) {
            throw new IOException("not logged in");
        }
        HttpRequest.Builder b = HttpRequest.newBuilder(api.resolve(path)).timeout(Duration.ofSeconds(10))
                .header("Authorization", "Bearer " + t).GET();
        if (range != null) {
            b.header("Range", range);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
    }

    private static JsonNode parse(String s) {
        try {
            return JSON.readTree(s);
        } catch (IOException e) {
            return JSON.createObjectNode();
        }
    }

    // ---- WebSocket ---------------------------------------------------------------------------------------

    /** Connects (logging in first if needed) and keeps connected on a background thread until {@link #close()}. */
    public synchronized CtiClient start() {
        if (loop == null) {
            loop = new Thread(this::run, "cti-client-" + user);
            loop.setDaemon(true);
            loop.start();
        }
        return this;
    }

    private void setStatus(Status s, String detail) {
        status = s;
        try {
            listener.status(s, detail);
        } catch (RuntimeException e) {
            // a listener's bug must not stop the reconnect loop, nor vanish
            log.log(System.Logger.Level.ERROR, "cti.listener-failed user=" + user + " status=" + s + " error=" + e, e);
        }
    }

    private void run() {
        long backoff = minBackoffMs;
        while (!stopping) {
            CountDownLatch closed = new CountDownLatch(1);
            int[] closeCode = {0};
            try {
                setStatus(Status.CONNECTING, api.toString());
                if (token == null) {
                    login();
                }
                connect(closed, closeCode);
                backoff = minBackoffMs;
                closed.await();
                if (closeCode[0] == SESSION_ENDED_CODE) {
                    token = null;
                    setStatus(Status.SESSION_ENDED, "session ended by the server: sign in again");
                    return;
                }
            } catch (LoginRefused e) {
                setStatus(Status.LOGIN_REFUSED, e.getMessage());
                return;
            } catch (WebSocketHandshakeException e) {
                int code = e.getResponse() == null ? 0 : e.getResponse().statusCode();
                if (code == 401) {
                    token = null; // expired or unknown to a restarted server: log in again with the password
                }
                setStatus(Status.DISCONNECTED, "WebSocket refused (HTTP " + code + ")");
            } catch (IOException e) {
                setStatus(Status.DISCONNECTED, "cti-server not reachable at " + api + " (" + describe(e) + ")");
            } catch (InterruptedException e) {
                return;
            }
            if (stopping) {
                break;
            }
            if (status == Status.CONNECTED || status == Status.CONNECTING) {
                setStatus(Status.DISCONNECTED, "connection lost");
            }
            try {
                if (stopped.await(backoff, TimeUnit.MILLISECONDS)) {
                    break;
                }
            } catch (InterruptedException e) {
                return;
            }
            backoff = Math.min(MAX_BACKOFF_MS, backoff * 2);
        }
    }

    private void connect(CountDownLatch closed, int[] closeCode) throws IOException, InterruptedException {
        String scheme = "https".equals(api.getScheme()) ? "wss" : "ws";
        URI ws = URI.create(scheme + "://" + api.getRawAuthority() + "/ws?token=" + URLEncoder.encode(token, StandardCharsets.UTF_8));
        try {
            // the same socket Frames.onOpen took already
            socket = http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10))
                    .buildAsync(ws, new Frames(closed, closeCode)).get(15, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof WebSocketHandshakeException h) {
                throw h;
            }
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
        } catch (TimeoutException e) {
            throw new IOException("WebSocket connect timed out");
        }
    }

    private final class Frames implements WebSocket.Listener {
        private final CountDownLatch closed;
        private final int[] closeCode;
        private final StringBuilder partial = new StringBuilder();

        Frames(CountDownLatch closed, int[] closeCode) {
            this.closed = closed;
            this.closeCode = closeCode;
        }

        @Override
        public void onOpen(WebSocket ws) {
            // the socket is ours from here: the hello can arrive (and a listener send ready()) before buildAsync's
            // future hands the same socket to connect(), which used to leave ready() with no socket (issue 16)
            socket = ws;
            // must be the first frame: the server replays what we missed, then goes live
            if (everConnected && lastSeq >= 0) {
                ws.sendText("{\"type\":\"resume\",\"afterSeq\":" + lastSeq + "}", true);
            }
            ws.request(1);
        }

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                String text = partial.toString();
                partial.setLength(0);
                JsonNode j = parse(text);
                if (j.has("type")) {
                    CtiEvent ev = CtiEvent.of(j);
                    long seq = j.path("seq").asLong(-1);
                    if (ev instanceof CtiEvent.Hello) {
                        // a hello below our resume point means a restarted server (event numbers start again):
                        // follow its numbering, or the next resume would skip its events
                        if (lastSeq < 0 || seq < lastSeq) {
                            lastSeq = seq;
                        }
                        everConnected = true;
                        setStatus(Status.CONNECTED, "connected to " + api.getAuthority());
                    } else if (seq >= 0) {
                        lastSeq = Math.max(lastSeq, seq);
                    }
                    try {
                        listener.event(ev);
                    } catch (RuntimeException e) {
                        // a listener's bug must not drop the connection, nor vanish
                        log.log(System.Logger.Level.ERROR, "cti.listener-failed user=" + user + " event="
                                + j.path("type").asText() + " seq=" + seq + " error=" + e, e);
                    }
                }
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
            closeCode[0] = statusCode;
            closed.countDown();
            return null;
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            closed.countDown();
        }
    }

    private void send(ObjectNode msg) {
        WebSocket ws = socket;
        if (ws == null || ws.isOutputClosed() || status != Status.CONNECTED) {
            throw new IllegalStateException("not connected to the cti-server");
        }
        try {
            ws.sendText(JSON.writeValueAsString(msg), true);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public void ready() {
        send(JSON.createObjectNode().put("type", "agent.ready"));
    }

    public void pause(String reason) {
        send(JSON.createObjectNode().put("type", "agent.pause").put("reason", reason == null || reason.isBlank() ? "break" : reason));
    }

    public void logout() {
        send(JSON.createObjectNode().put("type", "agent.logout"));
    }

    /**
     * Logs the agent out because this program stops (the console agent on Ctrl-C, the softphone closing). The server
     * does so only when no other session of the account is open: a second copy of a seat that stops leaves the live
     * one as it is (issue 16). {@link #logout()} is the agent's own logout, which always applies.
     */
    public void logoutOnExit() {
        send(JSON.createObjectNode().put("type", "agent.logout").put("onExit", true));
    }

    /**
     * Supervisors: listen to, whisper into or barge into call {@code callId} ({@code mode} listen, whisper, barge);
     * Asterisk rings the signed-in account's own phone. The ack ({@code command} call.spy) carries the session.
     */
    public void spy(long callId, String mode) {
        send(JSON.createObjectNode().put("type", "call.spy").put("callId", callId).put("mode", mode));
    }

    /** Changes the mode of a spy session; the supervisor's phone stays up. */
    public void spyMode(String session, String mode) {
        send(JSON.createObjectNode().put("type", "spy.mode").put("session", session).put("mode", mode));
    }

    /** Ends a spy session (Asterisk hangs up the supervisor's phone; spy.ended follows). */
    public void spyStop(String session) {
        send(JSON.createObjectNode().put("type", "spy.stop").put("session", session));
    }

    /**
     * The elder on call {@code linkedid} does not respond (issue 8; issue 18 item 1): starts the no-response rescue, as
     * POST /api/calls/{id}/no-response. The ack ({@code command} call.no-response) carries the incident.
     */
    public void noResponse(String linkedid) {
        send(JSON.createObjectNode().put("type", "call.no-response").put("linkedid", linkedid));
    }

    /**
     * 紧急救援 on call {@code linkedid} (issue 18 item 2), as POST /api/calls/{id}/emergency. The ack ({@code command}
     * call.emergency) carries the incident and seat B ({@code seatB.extension}, null when no second seat was ready).
     */
    public void emergency(String linkedid) {
        send(JSON.createObjectNode().put("type", "call.emergency").put("linkedid", linkedid));
    }

    /** Stops reconnecting and closes the socket (without logging the agent out). */
    @Override
    public void close() {
        stopping = true;
        stopped.countDown();
        WebSocket ws = socket;
        if (ws != null && !ws.isOutputClosed()) {
            try {
                ws.sendClose(WebSocket.NORMAL_CLOSURE, "client exits").get(2, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException | TimeoutException e) {
                ws.abort();
            }
        }
        if (status != Status.SESSION_ENDED && status != Status.LOGIN_REFUSED) {
            setStatus(Status.STOPPED, "closed");
        }
    }

    static String describe(Throwable t) {
        for (Throwable x = t; x != null; x = x.getCause()) {
            if (x instanceof ConnectException) {
                return "connection refused";
            }
        }
        Throwable c = t;
        while (c.getCause() != null && c.getMessage() == null) {
            c = c.getCause();
        }
        return c.getMessage() == null ? c.getClass().getSimpleName() : c.getMessage();
    }

    /** A REST call answered non-2xx: the status, the server's message and the request field it names (or null). */
    public static final class HttpError extends IOException {
        public final int status;
        public final String serverMessage;
        public final String field;

        public HttpError(String m, int status, String serverMessage, String field) {
            super(m);
            this.status = status;
            this.serverMessage = serverMessage;
            this.field = field;
        }
    }

    /** The server refused the username/password (or throttled it). */
    public static final class LoginRefused extends IOException {
        public LoginRefused(String m) {
            super(m);
        }
    }
}
