package onekey.softphone;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A console agent seat: logs in over REST, keeps a WebSocket to the cti-server, goes ready and prints every
 * event (a screen pop for each offered call). The audio side (the SIP phone) is separate: the launcher runs a
 * sipp UAS registered as the agent's extension.
 *
 * <pre>java onekey.softphone.ConsoleAgent --api http://127.0.0.1:8080 --user 1001 --password agent1001</pre>
 *
 * With an {@code https://} API it talks WSS; {@code --cacert FILE} names the PEM certificate(s) to trust (the
 * demo's self-signed one), otherwise the JDK's default trust store is used.
 *
 * If the socket drops it reconnects with back-off (1 s doubling to 30 s) and first asks for the events it
 * missed ({@code {"type":"resume","afterSeq":n}}). SIGINT/SIGTERM log the agent out before exiting.
 */
public final class ConsoleAgent {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss");
    private static final long MAX_BACKOFF_MS = 30_000;

    private final URI api;
    private final String user;
    private final String password;
    private final PrintStream out;
    private final HttpClient http;

    private volatile String token;
    private volatile WebSocket socket;
    private volatile long lastSeq = -1;
    private volatile boolean everConnected;
    private volatile boolean stopping;
    /** Counted down when the agent is stopping, so a reconnect back-off ends at once on Ctrl-C. */
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile CountDownLatch logoutAck;
    private final Object lock = new Object();

    ConsoleAgent(URI api, String user, String password, PrintStream out) {
        this(api, user, password, out, null);
    }

    /** {@code tls}: the SSLContext for an https API (null: the JDK default). */
    ConsoleAgent(URI api, String user, String password, PrintStream out, javax.net.ssl.SSLContext tls) {
        HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5));
        if (tls != null) {
            b.sslContext(tls);
        }
        this.http = b.build();
        this.api = api;
        this.user = user;
        this.password = password;
        this.out = out;
    }

    public static void main(String[] args) throws Exception {
        String api = "http://127.0.0.1:8080";
        String user = null;
        String password = null;
        String cacert = null;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (i + 1 >= args.length && a.startsWith("--")) {
                usage("missing value for " + a);
            }
            switch (a) {
                case "--api" -> api = args[++i];
                case "--user" -> user = args[++i];
                case "--password" -> password = args[++i];
                case "--cacert" -> cacert = args[++i];
                default -> usage("unknown argument " + a);
            }
        }
        if (user == null) {
            usage("--user is required");
        }
        if (password == null) {
            password = "agent" + user;
        }
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        javax.net.ssl.SSLContext tls = null;
        if (cacert != null) {
            try {
                tls = trusting(java.nio.file.Path.of(cacert));
            } catch (IOException | java.security.GeneralSecurityException | RuntimeException e) {
                usage("cannot use --cacert " + cacert + ": " + e.getMessage());
            }
        }
        ConsoleAgent agent = new ConsoleAgent(URI.create(api.endsWith("/") ? api.substring(0, api.length() - 1) : api),
                user, password, out, tls);
        Runtime.getRuntime().addShutdownHook(new Thread(agent::shutdown, "console-agent-logout"));
        agent.run();
    }

    /** An SSLContext that trusts exactly the PEM certificate(s) in {@code file}, like curl --cacert. */
    static javax.net.ssl.SSLContext trusting(java.nio.file.Path file)
            throws IOException, java.security.GeneralSecurityException {
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
        var ctx = javax.net.ssl.SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx;
    }

    private static void usage(String why) {
        System.err.println("console agent: " + why);
        System.err.println("usage: ConsoleAgent [--api http(s)://127.0.0.1:8080] [--cacert PEM-FILE] --user EXT [--password P]");
        System.exit(2);
    }

    /** Connects and keeps connected until the JVM is asked to stop. */
    void run() throws InterruptedException {
        long backoff = 1000;
        while (!stopping) {
            CountDownLatch closed = new CountDownLatch(1);
            try {
                if (token == null) {
                    login();
                }
                connect(closed);
                backoff = 1000;
                closed.await();
            } catch (LoginRejected e) {
                say("login refused for " + user + ": " + e.getMessage());
                System.exit(1);
            } catch (WebSocketHandshakeException e) {
                int status = e.getResponse() == null ? 0 : e.getResponse().statusCode();
                say("WebSocket refused (HTTP " + status + ")" + (status == 401 ? ": logging in again" : ""));
                if (status == 401) {
                    token = null;
                }
            } catch (IOException e) {
                say("cti-server not reachable at " + api + " (" + describe(e) + ")");
            }
            if (stopping) {
                break;
            }
            say("reconnecting in " + backoff / 1000 + " s");
            if (stopped.await(backoff, java.util.concurrent.TimeUnit.MILLISECONDS)) {
                break;
            }
            backoff = Math.min(MAX_BACKOFF_MS, backoff * 2);
        }
    }

    private void login() throws IOException, InterruptedException {
        ObjectNode body = JSON.createObjectNode().put("username", user).put("password", password);
        HttpRequest req = HttpRequest.newBuilder(api.resolve("/api/login"))
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
                .build();
        HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString());
        JsonNode j;
        try {
            j = JSON.readTree(r.body());
        } catch (IOException e) {
            j = JSON.createObjectNode();
        }
        if (r.statusCode() == 401 || r.statusCode() == 403 || r.statusCode() == 400) {
            throw new LoginRejected("HTTP " + r.statusCode() + " " + j.path("message").asText(r.body()));
        }
        if (r.statusCode() != 200 || !j.path("token").isTextual()) {
            throw new IOException("login answered HTTP " + r.statusCode());
        }
        token = j.get("token").asText();
        say("logged in as " + user + " (" + j.path("role").asText("?") + ")");
    }

    private void connect(CountDownLatch closed) throws IOException, InterruptedException {
        String scheme = "https".equals(api.getScheme()) ? "wss" : "ws";
        URI ws = URI.create(scheme + "://" + api.getRawAuthority() + "/ws?token="
                + URLEncoder.encode(token, StandardCharsets.UTF_8));
        Listener listener = new Listener(closed);
        try {
            socket = http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10))
                    .buildAsync(ws, listener).get(15, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof WebSocketHandshakeException h) {
                throw h;
            }
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
        } catch (TimeoutException e) {
            throw new IOException("WebSocket connect timed out");
        }
    }

    private final class Listener implements WebSocket.Listener {
        private final CountDownLatch closed;
        private final StringBuilder partial = new StringBuilder();
        private boolean resumed;

        Listener(CountDownLatch closed) {
            this.closed = closed;
        }

        @Override
        public void onOpen(WebSocket ws) {
            // must be the first frame: the server replays what we missed, then goes live
            if (everConnected && lastSeq >= 0) {
                resumed = true;
                send(ws, JSON.createObjectNode().put("type", "resume").put("afterSeq", lastSeq));
            }
            ws.request(1);
        }

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                String text = partial.toString();
                partial.setLength(0);
                try {
                    handle(ws, JSON.readTree(text));
                } catch (IOException | RuntimeException e) {
                    say("unreadable frame: " + text);
                }
            }
            ws.request(1);
            return null;
        }

        private void handle(WebSocket ws, JsonNode ev) {
            JsonNode seq = ev.get("seq");
            String type = ev.path("type").asText();
            if (seq != null && seq.canConvertToLong() && !"hello".equals(type)) {
                lastSeq = Math.max(lastSeq, seq.asLong());
            }
            if ("hello".equals(type) && lastSeq < 0 && seq != null) {
                lastSeq = seq.asLong();
            }
            print(EventFormatter.format(ev));
            if ("hello".equals(type)) {
                String state = ev.path("agent").path("state").asText("logged-out");
                boolean first = !everConnected;
                everConnected = true;
                if (!stopping && (first || "logged-out".equals(state) || !resumed)) {
                    send(ws, JSON.createObjectNode().put("type", "agent.ready"));
                }
            }
            if ("ack".equals(type) && "agent.logout".equals(ev.path("command").asText())
                    || "error".equals(type) && "agent.logout".equals(ev.path("command").asText())) {
                CountDownLatch l = logoutAck;
                if (l != null) {
                    l.countDown();
                }
            }
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
            if (!stopping) {
                say((statusCode == 1006 ? "connection lost (" : "connection closed by server (") + statusCode
                        + (reason.isEmpty() ? "" : " " + reason) + ")");
            }
            closed.countDown();
            return null;
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            if (!stopping) {
                say("connection lost: " + describe(error));
            }
            closed.countDown();
        }
    }

    private void send(WebSocket ws, ObjectNode msg) {
        try {
            ws.sendText(JSON.writeValueAsString(msg), true);
        } catch (IOException | RuntimeException e) {
            say("could not send " + msg + ": " + describe(e));
        }
    }

    /** Shutdown hook: log out (wait up to 3 s for the ack), close the socket. */
    void shutdown() {
        stopping = true;
        stopped.countDown();
        WebSocket ws = socket;
        if (ws == null || ws.isOutputClosed()) {
            return;
        }
        CountDownLatch ack = new CountDownLatch(1);
        logoutAck = ack;
        say("logging out " + user + " ...");
        send(ws, JSON.createObjectNode().put("type", "agent.logout"));
        try {
            if (!ack.await(3, TimeUnit.SECONDS)) {
                say("no answer to agent.logout within 3 s");
            }
            CompletableFuture<WebSocket> f = ws.sendClose(WebSocket.NORMAL_CLOSURE, "agent exits");
            f.get(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            // closing anyway
        }
    }

    private void print(String text) {
        synchronized (lock) {
            String stamp = LocalTime.now().format(CLOCK);
            if (text.indexOf('\n') >= 0) {
                out.println();
                out.println("[" + stamp + "]");
                out.println(text);
            } else {
                out.println("[" + stamp + "] " + text);
            }
        }
    }

    private void say(String s) {
        print("* " + s);
    }

    private static String describe(Throwable t) {
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

    private static final class LoginRejected extends IOException {
        LoginRejected(String m) {
            super(m);
        }
    }
}
