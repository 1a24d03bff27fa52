package onekey.telephony.agi;

import onekey.net.AddressFilter;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import onekey.flows.FlowHost;
import onekey.flows.FlowLoader;
import onekey.flows.FlowResult;
import onekey.testkit.Ports;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 16, with real sockets and no Asterisk: a FastAGI connection that sends nothing, or half an AGI
 * environment (a trickle of lines included), is closed once the environment bound passes; a real session is
 * not cut by that bound, even while its flow waits for the caller's key press much longer than the bound.
 */
class AgiFlowServerTest {

    static final Duration BOUND = Duration.ofSeconds(1);

    int port;
    AgiFlowServer server;
    final CompletableFuture<FlowResult> result = new CompletableFuture<>();

    @BeforeEach
    void start() throws IOException {
        port = Ports.free();
        // one key press, waited for up to 10 s (the test's fake Asterisk answers after more than the bound)
        var flow = FlowLoader.parse("""
                {"name":"t","steps":[
                  {"step":"readDigits","var":"KEY","maxDigits":1,"timeoutMs":10000,"prompt":{"sound":"beep"}},
                  {"step":"set","var":"ONEKEY_KEY","value":"${KEY}","export":true}]}""", "test");
        AgiFlowServer.Binding binding = new AgiFlowServer.Binding() {
            @Override
            public FlowHost open(AgiFlowServer.Session session) {
                return new FlowHost() {
                    @Override
                    public Map<String, String> lookup(String name, Map<String, String> vars) {
                        return Map.of();
                    }

                    @Override
                    public Optional<String> prompt(String text, String language) {
                        return Optional.empty();
                    }
                };
            }

            @Override
            public void closed(AgiFlowServer.Session session, FlowResult r) {
                result.complete(r);
            }
        };
        server = new AgiFlowServer("127.0.0.1", port, AddressFilter.parse(AddressFilter.LOOPBACK), p -> true,
                Map.of("t", flow), binding, BOUND);
        server.start();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private long metric(String name) {
        return ((Number) server.metrics().get(name)).longValue();
    }

    private static CompletableFuture<Void> closedByServer(Socket s) {
        return CompletableFuture.runAsync(() -> {
            try {
                InputStream in = s.getInputStream();
                while (in.read() != -1) {
                    // no AGI command comes before the close
                }
            } catch (IOException e) {
                // reset: closed as well
            }
        }, Executors.newVirtualThreadPerTaskExecutor());
    }

    private static final String ENV = "agi_network: yes\nagi_network_script: t\nagi_request: agi://127.0.0.1/t\n"
            + "agi_channel: PJSIP/trunk-00000001\nagi_uniqueid: 1700000000.1\nagi_callerid: 02155550001\n"
            + "agi_arg_1: 1700000000.1\nagi_arg_2: 1234901\nagi_arg_3: \n";

    @Test
    void aConnectionThatSendsNothingIsClosed() throws Exception {
        try (Socket s = new Socket("127.0.0.1", port)) {
            CompletableFuture<Void> closed = closedByServer(s);
            Awaitility.await("closed by the bound").atMost(Duration.ofSeconds(15)).until(closed::isDone);
        }
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> metric("headerTimeouts") == 1);
        assertThat(metric("sessions")).as("no flow ran").isZero();
    }

    @Test
    void halfAnEnvironmentTrickledLineByLineIsClosed() throws Exception {
        var pace = Executors.newSingleThreadScheduledExecutor();
        try (Socket s = new Socket("127.0.0.1", port)) {
            OutputStream out = s.getOutputStream();
            out.write("agi_network: yes\nagi_network_script: t\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            CompletableFuture<Void> closed = closedByServer(s);
            // a line every 200 ms and never the blank line that ends the environment
            pace.scheduleAtFixedRate(() -> {
                try {
                    out.write("agi_x: y\n".getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }, 200, 200, TimeUnit.MILLISECONDS);
            Awaitility.await("closed by the bound").atMost(Duration.ofSeconds(15)).until(closed::isDone);
        } finally {
            pace.shutdownNow();
        }
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> metric("headerTimeouts") == 1);
        assertThat(metric("sessions")).as("no flow ran").isZero();
    }

    @Test
    void aSessionWhoseFlowWaitsLongerThanTheBoundIsNotCut() throws Exception {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(20_000);
            OutputStream out = s.getOutputStream();
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
            out.write((ENV + "\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String command = in.readLine();
            while (command != null && !command.startsWith("GET DATA")) {
                out.write("200 result=1\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                command = in.readLine();
            }
            assertThat(command).isEqualTo("GET DATA \"beep\" 10000 1");
            // the caller thinks for more than twice the bound before pressing 5
            Awaitility.await().during(BOUND.multipliedBy(2).plusMillis(500)).atMost(Duration.ofSeconds(6))
                    .until(() -> metric("active") == 1 && !result.isDone());
            out.write("200 result=5\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            // every later command (the SET VARIABLE, asterisk-java's status) is answered as Asterisk would
            for (String line; (line = in.readLine()) != null; ) {
                out.write("200 result=1\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
            }
        }
        FlowResult r = result.get(10, TimeUnit.SECONDS);
        assertThat(r.failed()).as(String.valueOf(r.reason())).isFalse();
        assertThat(r.variables()).containsEntry("KEY", "5");
        assertThat(metric("headerTimeouts")).isZero();
        assertThat(metric("sessions")).isEqualTo(1);
    }
}
