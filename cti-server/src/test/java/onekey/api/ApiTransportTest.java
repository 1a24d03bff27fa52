package onekey.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLSocket;
import onekey.recording.Recording;
import onekey.testkit.TlsTrust;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 16, on a real ApiServer on loopback (no Asterisk): a recording downloads whole and in ranges, byte-equal
 * to the file on disk, over HTTPS (the demo's default: the zero-copy FileRegion the SslHandler cannot encrypt sent
 * headers and no body) and in clear, to the JDK's own HTTP client; and a connection that trickles its request
 * head is closed by the head bound, while a slow body and a WebSocket are not.
 */
class ApiTransportTest {

    /**
     * The bound counts from connect, TLS handshake included: 2 s, not less, so that a handshake slowed by a busy machine
     * (three test forks on two cores) is not what a test meets.
     */
    static final Duration HEAD_TIMEOUT = Duration.ofSeconds(2);
    /** Longer than twice the bound: a connection still open after it was not closed by the bound. */
    static final Duration PAST_THE_BOUND = HEAD_TIMEOUT.multipliedBy(2).plusMillis(500);

    @TempDir
    static Path dir;
    static ApiFixture https;
    static ApiFixture http;
    static byte[] audio;

    @BeforeAll
    static void up() throws IOException {
        TlsTrust.Pem pem = TlsTrust.demoCertificate(dir.resolve("tls"));
        Path recordings = Files.createDirectories(dir.resolve("recordings"));
        audio = new byte[96_044];
        new Random(16).nextBytes(audio);
        Files.write(recordings.resolve("r16.wav"), audio);
        https = new ApiFixture(recordings, pem, HEAD_TIMEOUT);
        http = new ApiFixture(recordings, null, HEAD_TIMEOUT);
        for (ApiFixture f : new ApiFixture[] {https, http}) {
            f.recordings.save(new Recording(16, 1L, "r16.wav", 3000, audio.length, "abc", "ok", 1L));
        }
    }

    @AfterAll
    static void down() {
        for (ApiFixture f : new ApiFixture[] {https, http}) {
            if (f != null) {
                f.close();
            }
        }
    }

    private static ApiFixture fixture(String scheme) {
        return scheme.equals("https") ? https : http;
    }

    private static HttpResponse<byte[]> download(ApiFixture f, String range) {
        HttpRequest.Builder b = HttpRequest.newBuilder(f.uri("/api/recordings/16")).timeout(Duration.ofSeconds(20))
                .header("Authorization", "Bearer " + f.token(f.supervisor));
        if (range != null) {
            b.header("Range", range);
        }
        try {
            return f.http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"https", "http"})
    void aRecordingDownloadsWholeAndInRangesByteEqualToTheFile(String scheme) throws Exception {
        ApiFixture f = fixture(scheme);
        assertThat(f.uri("/").getScheme()).isEqualTo(scheme);

        HttpResponse<byte[]> whole = download(f, null);
        assertThat(whole.statusCode()).isEqualTo(200);
        assertThat(whole.headers().firstValueAsLong("Content-Length")).hasValue(audio.length);
        assertThat(whole.body()).isEqualTo(audio);
        if (scheme.equals("https")) {
            assertThat(whole.sslSession()).isPresent();
        }

        HttpResponse<byte[]> middle = download(f, "bytes=1000-50999");
        assertThat(middle.statusCode()).isEqualTo(206);
        assertThat(middle.headers().firstValue("Content-Range")).hasValue("bytes 1000-50999/" + audio.length);
        assertThat(middle.body()).isEqualTo(Arrays.copyOfRange(audio, 1000, 51000));

        HttpResponse<byte[]> tail = download(f, "bytes=-12345");
        assertThat(tail.statusCode()).isEqualTo(206);
        assertThat(tail.headers().firstValue("Content-Range"))
                .hasValue("bytes " + (audio.length - 12345) + "-" + (audio.length - 1) + "/" + audio.length);
        assertThat(tail.body()).isEqualTo(Arrays.copyOfRange(audio, audio.length - 12345, audio.length));

        // the connection the downloads used still carries requests (the body's end was where the header said)
        assertThat(f.send("GET", "/api/recordings?callId=1", f.token(f.supervisor), null).statusCode()).isEqualTo(200);
    }

    /** A raw client socket to the fixture's port: TLS (trusting the test certificate) or clear. */
    private static Socket connect(String scheme, ApiFixture f) throws IOException {
        if (scheme.equals("http")) {
            return new Socket("127.0.0.1", f.server.port());
        }
        SSLSocket s = (SSLSocket) TlsTrust.trusting(f.tls.cert()).getSocketFactory()
                .createSocket("127.0.0.1", f.server.port());
        s.startHandshake();
        return s;
    }

    /** True once the server closed the connection: a read sees the end of the stream or a reset. */
    private static CompletableFuture<Void> closedByServer(Socket s) {
        return CompletableFuture.runAsync(() -> {
            try {
                InputStream in = s.getInputStream();
                while (in.read() != -1) {
                    // nothing is expected before the close
                }
            } catch (IOException e) {
                // reset or TLS alert: closed as well
            }
        }, Executors.newVirtualThreadPerTaskExecutor());
    }

    @ParameterizedTest
    @ValueSource(strings = {"https", "http"})
    void aRequestHeadTrickledLineByLineIsClosedByTheHeadBound(String scheme) throws Exception {
        ApiFixture f = fixture(scheme);
        long before = f.server.headTimeouts();
        ScheduledExecutorService pace = Executors.newSingleThreadScheduledExecutor();
        AtomicInteger sent = new AtomicInteger();
        AtomicBoolean writeFailed = new AtomicBoolean();
        try (Socket s = connect(scheme, f)) {
            OutputStream out = s.getOutputStream();
            out.write("GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            CompletableFuture<Void> closed = closedByServer(s);
            // one header line every 200 ms, never the blank line: each read sees data well within any read timeout
            pace.scheduleAtFixedRate(() -> {
                try {
                    out.write(("X-Trickle-" + sent.incrementAndGet() + ": x\r\n").getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                } catch (IOException e) {
                    writeFailed.set(true);
                    throw new java.io.UncheckedIOException(e);
                }
            }, 200, 200, TimeUnit.MILLISECONDS);
            Awaitility.await("server closes the trickling connection").atMost(Duration.ofSeconds(15))
                    .until(closed::isDone);
            assertThat(sent.get()).as("the trickle was going on when the bound closed it").isGreaterThanOrEqualTo(1);
            assertThat(f.server.headTimeouts()).isEqualTo(before + 1);
        } finally {
            pace.shutdownNow();
        }
        // the server goes on serving well-behaved clients
        assertThat(f.send("GET", "/api/health", null, null).statusCode()).isEqualTo(200);
    }

    /** Reads one HTTP response with a Content-Length from {@code in}; returns its status line. */
    private static String readResponse(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("closed after " + head);
            }
            head.append((char) b);
        }
        long length = head.toString().lines().filter(l -> l.regionMatches(true, 0, "content-length:", 0, 15))
                .mapToLong(l -> Long.parseLong(l.substring(15).trim())).findFirst().orElse(0);
        in.readNBytes((int) length);
        return head.substring(0, head.indexOf("\r\n"));
    }

    @Test
    void aKeptAliveConnectionMayIdleButItsNextHeadIsBoundedToo() throws Exception {
        long before = http.server.headTimeouts();
        ScheduledExecutorService pace = Executors.newSingleThreadScheduledExecutor();
        try (Socket s = connect("http", http)) {
            OutputStream out = s.getOutputStream();
            InputStream in = s.getInputStream();
            byte[] request = "GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
            out.write(request);
            out.flush();
            assertThat(readResponse(in)).isEqualTo("HTTP/1.1 200 OK");
            // idle between requests for more than twice the head bound: a kept-alive connection, left open
            CompletableFuture<Void> closed = CompletableFuture.runAsync(() -> {
                try {
                    while (in.read() != -1) {
                        // nothing comes until the next request
                    }
                } catch (IOException e) {
                    // closed
                }
            }, Executors.newVirtualThreadPerTaskExecutor());
            Awaitility.await().during(PAST_THE_BOUND).atMost(PAST_THE_BOUND.plusSeconds(3)).until(() -> !closed.isDone());
            // then a trickled head on the same connection is closed by the head bound, long before the idle limit
            out.write("GET /api/health HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            pace.scheduleAtFixedRate(() -> {
                try {
                    out.write("X-Trickle: x\r\n".getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }, 200, 200, TimeUnit.MILLISECONDS);
            Awaitility.await("server closes the trickling connection").atMost(Duration.ofSeconds(15))
                    .until(closed::isDone);
            assertThat(http.server.headTimeouts()).isEqualTo(before + 1);
        } finally {
            pace.shutdownNow();
        }
    }

    @Test
    void aConnectionThatSendsNothingIsClosed() throws Exception {
        long before = https.server.headTimeouts();
        try (Socket s = new Socket("127.0.0.1", https.server.port())) {
            // not even a TLS handshake
            CompletableFuture<Void> closed = closedByServer(s);
            Awaitility.await("server closes the silent connection").atMost(Duration.ofSeconds(15)).until(closed::isDone);
        }
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> https.server.headTimeouts() > before);
    }

    @Test
    void aBodyStillArrivingAfterTheHeadIsNotCutByTheHeadBound() throws Exception {
        byte[] body = "{\"username\":\"ann\",\"password\":\"not-the-password\"}".getBytes(StandardCharsets.UTF_8);
        ScheduledExecutorService pace = Executors.newSingleThreadScheduledExecutor();
        try (Socket s = connect("https", https)) {
            OutputStream out = s.getOutputStream();
            out.write(("POST /api/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    + "Connection: close\r\nContent-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            // the body in 12 pieces, one every quarter of the bound: it arrives over about three times the head bound
            AtomicInteger at = new AtomicInteger();
            int piece = (body.length + 11) / 12;
            pace.scheduleAtFixedRate(() -> {
                int from = at.getAndAdd(piece);
                if (from >= body.length) {
                    throw new IllegalStateException("done"); // ends the schedule
                }
                try {
                    out.write(body, from, Math.min(piece, body.length - from));
                    out.flush();
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }, HEAD_TIMEOUT.toMillis() / 4, HEAD_TIMEOUT.toMillis() / 4, TimeUnit.MILLISECONDS);
            s.setSoTimeout(20_000);
            String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(at.get()).as("the whole body was sent before the answer").isGreaterThanOrEqualTo(body.length);
            assertThat(answer).startsWith("HTTP/1.1 401").contains("invalid_credentials");
        } finally {
            pace.shutdownNow();
        }
    }

    @Test
    void aWebSocketIsNotClosedByTheHeadBound() throws Exception {
        long before = https.server.headTimeouts();
        AtomicBoolean closed = new AtomicBoolean();
        CompletableFuture<String> hello = new CompletableFuture<>();
        WebSocket.Listener listener = new WebSocket.Listener() {
            @Override
            public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
                hello.complete(data.toString());
                ws.request(1);
                return null;
            }

            @Override
            public CompletionStage<?> onClose(WebSocket ws, int status, String reason) {
                closed.set(true);
                return null;
            }

            @Override
            public void onError(WebSocket ws, Throwable error) {
                closed.set(true);
            }
        };
        WebSocket ws = https.http.newWebSocketBuilder()
                .header("Authorization", "Bearer " + https.token(https.agent))
                .buildAsync(java.net.URI.create("wss://127.0.0.1:" + https.server.port() + "/ws"), listener)
                .get(10, TimeUnit.SECONDS);
        try {
            assertThat(hello.get(10, TimeUnit.SECONDS)).contains("\"type\":\"hello\"");
            // open for more than twice the head bound
            Awaitility.await().during(PAST_THE_BOUND).atMost(PAST_THE_BOUND.plusSeconds(3)).until(() -> !closed.get());
            assertThat(https.server.headTimeouts()).as("not counted as a slow head either").isEqualTo(before);
        } finally {
            ws.abort();
        }
    }
}
