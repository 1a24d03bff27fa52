package onekey.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;

/**
 * A real browser for the district's page (issue 22): Debian's {@code chromium} started headless, driven over the
 * DevTools protocol on its remote-debugging port with Java's own HTTP client and WebSocket (no Selenium). Enough of
 * the protocol for a test: navigate, evaluate JavaScript, allow downloads into a folder (and hear when one is
 * complete), take a screenshot.
 *
 * <p>HTTPS: {@link #start(Path, Path)} tells chromium to accept exactly the test-generated certificate, by its public
 * key's SHA-256 ({@code --ignore-certificate-errors-spki-list}; chromium's own switch for a test certificate, which
 * takes effect only with {@code --user-data-dir}); every other certificate is checked as usual. Debian's chromium
 * reads its trust store from the NSS database under {@code $HOME/.pki}, and NSS's {@code certutil} is not installed
 * here, so the certificate is pinned rather than added as a CA.
 */
public final class Chromium implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Process process;
    private final Path profile;
    private final WebSocket ws;
    private final AtomicInteger ids = new AtomicInteger();
    private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
    /** The DevTools events heard (method and params), oldest first. */
    private final List<JsonNode> events = new java.util.concurrent.CopyOnWriteArrayList<>();

    private Chromium(Process process, Path profile, WebSocket ws) {
        this.process = process;
        this.profile = profile;
        this.ws = ws;
    }

    /** Starts chromium headless with a fresh profile and connects to its first page (plain HTTP pages). */
    public static Chromium start(Path dir) throws Exception {
        return start(dir, null);
    }

    /**
     * Starts chromium headless with a fresh profile, accepting the test certificate {@code testCert} (a PEM file, or
     * null for none) and no other untrusted one, and connects to its first page.
     */
    public static Chromium start(Path dir, Path testCert) throws Exception {
        Path profile = Files.createDirectories(dir.resolve("chromium-profile"));
        List<String> cmd = new ArrayList<>(List.of(binary(), "--headless=new", "--no-sandbox", "--disable-gpu",
                "--disable-dev-shm-usage", "--no-first-run", "--no-default-browser-check", "--remote-debugging-port=0",
                "--remote-allow-origins=*", "--user-data-dir=" + profile, "--window-size=1280,1000",
                "--lang=zh-CN"));
        if (testCert != null) {
            cmd.add("--ignore-certificate-errors-spki-list=" + spkiSha256(testCert));
        }
        cmd.add("about:blank");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("chromium.log").toFile())
                .start();
        Path portFile = profile.resolve("DevToolsActivePort");
        try {
            Awaitility.await("chromium's DevTools port").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                    .until(() -> Files.exists(portFile) && Files.readAllLines(portFile).size() >= 1 || !p.isAlive());
        } catch (RuntimeException e) {
            p.destroyForcibly();
            throw e;
        }
        if (!p.isAlive()) {
            throw new IllegalStateException("chromium exited: " + Files.readString(dir.resolve("chromium.log")));
        }
        int port = Integer.parseInt(Files.readAllLines(portFile).get(0).trim());
        HttpClient http = HttpClient.newHttpClient();
        String wsUrl = null;
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (wsUrl == null) {
            JsonNode list = JSON.readTree(http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/json/list"))
                    .build(), HttpResponse.BodyHandlers.ofString()).body());
            for (JsonNode t : list) {
                if (t.path("type").asText().equals("page")) {
                    wsUrl = t.path("webSocketDebuggerUrl").asText();
                }
            }
            if (wsUrl == null && System.nanoTime() > until) {
                throw new IllegalStateException("chromium has no page target");
            }
        }
        Chromium[] self = new Chromium[1];
        StringBuilder buf = new StringBuilder();
        WebSocket ws = http.newWebSocketBuilder().buildAsync(URI.create(wsUrl), new WebSocket.Listener() {
            @Override
            public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
                buf.append(data);
                if (last) {
                    String msg = buf.toString();
                    buf.setLength(0);
                    try {
                        JsonNode n = JSON.readTree(msg);
                        if (n.has("method") && !n.has("id") && self[0] != null) {
                            self[0].events.add(n);
                        } else if (n.has("id") && self[0] != null) {
                            CompletableFuture<JsonNode> f = self[0].pending.remove(n.path("id").asInt());
                            if (f != null) {
                                f.complete(n);
                            }
                        }
                    } catch (IOException e) {
                        // not JSON: ignored
                    }
                }
                w.request(1);
                return null;
            }
        }).get(30, TimeUnit.SECONDS);
        self[0] = new Chromium(p, profile, ws);
        self[0].send("Page.enable", Map.of());
        self[0].send("Runtime.enable", Map.of());
        return self[0];
    }

    private static String binary() {
        for (String b : List.of("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")) {
            if (Files.isExecutable(Path.of(b))) {
                return b;
            }
        }
        throw new IllegalStateException("no chromium: apt-get install chromium (./onekey setup does)");
    }

    /** A DevTools command; its {@code result}, or an exception with its error. */
    public synchronized JsonNode send(String method, Map<String, Object> params) throws Exception {
        int id = ids.incrementAndGet();
        CompletableFuture<JsonNode> f = new CompletableFuture<>();
        pending.put(id, f);
        ObjectNode msg = JSON.createObjectNode();
        msg.put("id", id);
        msg.put("method", method);
        msg.set("params", JSON.valueToTree(params));
        ws.sendText(JSON.writeValueAsString(msg), true).get(10, TimeUnit.SECONDS);
        JsonNode r = f.get(60, TimeUnit.SECONDS);
        if (r.has("error")) {
            throw new IllegalStateException(method + ": " + r.path("error"));
        }
        return r.path("result");
    }

    public void navigate(String url) throws Exception {
        send("Page.navigate", Map.of("url", url));
    }

    /** The value of a JavaScript expression (awaited when it is a promise), as JSON. */
    public JsonNode eval(String js) throws Exception {
        JsonNode r = send("Runtime.evaluate", Map.of("expression", js, "returnByValue", true, "awaitPromise", true));
        if (r.has("exceptionDetails")) {
            throw new IllegalStateException("JavaScript failed: " + r.path("exceptionDetails"));
        }
        return r.path("result").path("value");
    }

    /** Downloads started by the page go into {@code dir}; their progress comes as events ({@link #completedDownloads}). */
    public void downloadsTo(Path dir) throws Exception {
        send("Browser.setDownloadBehavior", Map.of("behavior", "allow", "downloadPath", dir.toAbsolutePath().toString(),
                "eventsEnabled", true));
    }

    /**
     * The downloads chromium says are complete ({@code Browser.downloadProgress} with state "completed"), each as the
     * file name the page suggested ({@code Browser.downloadWillBegin}'s suggestedFilename) in the order they completed.
     */
    public List<String> completedDownloads() {
        Map<String, String> names = new java.util.HashMap<>();
        Map<String, String> done = new java.util.LinkedHashMap<>(); // by guid: the Page and Browser domains both report
        for (JsonNode e : events) {
            JsonNode p = e.path("params");
            switch (e.path("method").asText()) {
                case "Browser.downloadWillBegin", "Page.downloadWillBegin" -> names.put(p.path("guid").asText(), p.path("suggestedFilename").asText());
                case "Browser.downloadProgress", "Page.downloadProgress" -> {
                    if (p.path("state").asText().equals("completed")) {
                        done.putIfAbsent(p.path("guid").asText(), names.getOrDefault(p.path("guid").asText(), "?"));
                    }
                }
                default -> { }
            }
        }
        return List.copyOf(done.values());
    }

    /** Base64 of the SHA-256 of a PEM certificate's SubjectPublicKeyInfo, as chromium's SPKI switch wants it. */
    static String spkiSha256(Path pem) throws Exception {
        try (var in = Files.newInputStream(pem)) {
            var cert = java.security.cert.CertificateFactory.getInstance("X.509").generateCertificate(in);
            return Base64.getEncoder().encodeToString(
                    java.security.MessageDigest.getInstance("SHA-256").digest(cert.getPublicKey().getEncoded()));
        }
    }

    /** A PNG of the page as shown. */
    public byte[] screenshot() throws Exception {
        return Base64.getDecoder().decode(send("Page.captureScreenshot", Map.of("format", "png")).path("data").asText());
    }

    @Override
    public void close() {
        try {
            ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye");
        } catch (RuntimeException ignored) {
            // closing anyway
        }
        List<ProcessHandle> children = process.descendants().toList(); // its renderers and zygote, started by it
        process.destroy();
        children.forEach(ProcessHandle::destroy);
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
