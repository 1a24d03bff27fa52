package onekey.it;

import static onekey.store.jooq.Tables.CALLS;
import static onekey.store.jooq.Tables.RECORDINGS;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import onekey.recording.JooqRecordingRepository;
import onekey.recording.Recording;
import onekey.testkit.Sipp;
import onekey.testkit.Stack;
import onekey.testkit.Ws;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 6, test 5: whatever can reach the FastAGI port cannot make the API serve a file of its choosing.
 * A FastAGI peer that is not the configured Asterisk is refused; a recording path outside the recordings
 * folder, from FastAGI or from the dialplan's UserEvent, is refused while the call goes on; and a recording
 * row that points outside the folder anyway is not served.
 */
class RecordingPathIT {

    static Stack stack;
    static String admin;

    @BeforeAll
    static void up() {
        stack = new Stack().startAsterisk().startServer();
        Awaitility.await("AMI connected").atMost(Duration.ofSeconds(20))
                .until(() -> stack.api.get("/api/health", null).json().path("asterisk").path("connected").asBoolean());
        admin = stack.api.login("admin", Stack.ADMIN_PASSWORD);
    }

    @AfterAll
    static void down() {
        if (stack != null) {
            stack.close();
        }
    }

    private static JsonNode agiMetrics() {
        return stack.api.get("/api/health", null).json().path("agi");
    }

    private static int rows(String linkedid) {
        return stack.server.database().dsl().fetchCount(CALLS, CALLS.LINKEDID.eq(linkedid));
    }

    private static String agiRequest(String linkedid, String recfile) {
        return "agi_network: yes\n"
                + "agi_network_script: inbound\n"
                + "agi_request: agi://127.0.0.1:" + stack.asterisk.agiPort + "/inbound\n"
                + "agi_channel: PJSIP/trunk-0000beef\n"
                + "agi_language: zh\n"
                + "agi_type: PJSIP\n"
                + "agi_uniqueid: " + linkedid + "\n"
                + "agi_version: 16.28.0\n"
                + "agi_callerid: 02155550003\n"
                + "agi_calleridname: unknown\n"
                + "agi_dnid: 1234901\n"
                + "agi_context: onekey-inbound\n"
                + "agi_extension: 1234901\n"
                + "agi_priority: 9\n"
                + "agi_arg_1: " + linkedid + "\n"
                + "agi_arg_2: 1234901\n"
                + "agi_arg_3: " + recfile + "\n"
                + "agi_arg_4: " + System.currentTimeMillis() + "\n"
                + "\n";
    }

    @Test
    void aFastAgiPeerThatIsNotAsteriskIsRefused() throws Exception {
        long sessions = agiMetrics().path("sessions").asLong();
        long refused = agiMetrics().path("refused").asLong();
        try (Socket s = new Socket()) {
            // Linux routes all of 127/8 to lo: a peer at 127.0.0.2 reaches the server bound to 127.0.0.1
            s.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.2"), 0));
            s.connect(new InetSocketAddress("127.0.0.1", stack.asterisk.agiPort), 2000);
            s.setSoTimeout(5000);
            try {
                s.getOutputStream().write(agiRequest("stranger.1", "/etc/passwd").getBytes(StandardCharsets.UTF_8));
                // closed without a single AGI command sent back
                assertThat(s.getInputStream().read()).isEqualTo(-1);
            } catch (SocketException e) {
                assertThat(e.getMessage()).containsIgnoringCase("reset"); // closed while we were still writing
            }
        }
        Awaitility.await("refusal counted").atMost(Duration.ofSeconds(5))
                .until(() -> agiMetrics().path("refused").asLong() == refused + 1);
        assertThat(agiMetrics().path("sessions").asLong()).as("no flow ran").isEqualTo(sessions);
        assertThat(rows("stranger.1")).as("no call row").isZero();
    }

    @Test
    void aFastAgiRecordingPathOutsideTheFolderIsDropped() throws Exception {
        String recdir = stack.asterisk.recordings().toString();
        long before = agiMetrics().path("recordingPathsRefused").asLong();
        int passwdRows = stack.server.database().dsl().fetchCount(RECORDINGS, RECORDINGS.PATH.contains("passwd"));
        // Asterisk's own address: the session runs; the flow's commands are answered as a channel would
        fakeAsteriskSession("fake.1", "/etc/passwd");
        fakeAsteriskSession("fake.2", recdir + "/../../../../etc/passwd");
        assertThat(agiMetrics().path("recordingPathsRefused").asLong()).isEqualTo(before + 2);
        assertThat(stack.server.database().dsl().fetchCount(RECORDINGS, RECORDINGS.PATH.contains("passwd")))
                .as("no recording row from these sessions").isEqualTo(passwdRows);
        // the paths were dropped before the call was tracked: what the call remembers is no path at all
        assertThat(stack.server.database().dsl().fetchCount(RECORDINGS, RECORDINGS.CALL_ID.in(
                stack.server.database().dsl().select(CALLS.ID).from(CALLS).where(CALLS.LINKEDID.in("fake.1", "fake.2")))))
                .isZero();
    }

    /** Plays Asterisk's side of one FastAGI session: every command gets "200 result=0" until the server hangs up. */
    private static void fakeAsteriskSession(String linkedid, String recfile) throws IOException {
        try (Socket s = new Socket("127.0.0.1", stack.asterisk.agiPort)) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write(agiRequest(linkedid, recfile).getBytes(StandardCharsets.UTF_8));
            out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
            int commands = 0;
            for (String line; (line = in.readLine()) != null; ) {
                commands++;
                out.write("200 result=0\n".getBytes(StandardCharsets.UTF_8));
                out.flush();
            }
            assertThat(commands).as("the flow ran for an allowed peer").isPositive();
        }
    }

    @Test
    void aCallWhoseDialplanHandsAPathOutsideTheFolderGoesOnWithoutARowPointingThere() throws Exception {
        Path outside = stack.asterisk.rundir.resolve("outside");
        // the dialplan builds ONEKEY_RECFILE from this global: now it leads out of the recordings folder
        stack.asterisk.cli("dialplan set global ONEKEY_RECDIR " + stack.asterisk.recordings() + "/../outside");
        try (Sipp.AgentPhone phone = new Sipp.AgentPhone(stack.asterisk, "1002", stack.sipSecret("1002"), 500)) {
            String token = stack.api.login("1002", "agent1002");
            Ws ws = new Ws(stack.server.apiPort(), token);
            try {
                ws.await("hello", 10);
                ws.send("{\"type\":\"agent.ready\"}");
                ws.await("agent.state", j -> j.path("agent").path("state").asText().equals("ready"), 10);
                Awaitility.await("1002 idle in the queue").atMost(Duration.ofSeconds(10))
                        .until(() -> stack.asterisk.cli("queue show onekey").lines()
                                .anyMatch(l -> l.contains("PJSIP/1002") && l.contains("Not in use")));
                try (Sipp.Caller caller = new Sipp.Caller(stack.asterisk.sipPort, "02155550002", "1234901", 3000)) {
                    // the call goes on as ever: offered, answered by the agent, ended by the caller
                    ws.await("call.offered", 20);
                    ws.await("call.answered", 20);
                    assertThat(caller.await(40)).as(caller.log()).isZero();
                    long callId = ws.await("call.ended", 20).json().path("call").path("id").asLong();

                    Awaitility.await("refusal on the call's timeline").atMost(Duration.ofSeconds(40)).until(() ->
                            stack.api.get("/api/calls/" + callId, admin).json().path("timeline").toString()
                                    .contains("recording-missing"));
                    String timeline = stack.api.get("/api/calls/" + callId, admin).json().path("timeline").toString();
                    assertThat(timeline).contains("recording-path-refused");
                    // reported missing, with a row (if any) that points into the folder, never to the path given
                    assertThat(stack.server.database().dsl().select(RECORDINGS.PATH).from(RECORDINGS)
                            .where(RECORDINGS.CALL_ID.eq(callId)).fetch(RECORDINGS.PATH))
                            .allSatisfy(path -> assertThat(Path.of(path)).startsWithRaw(stack.asterisk.recordings()));
                }
                ws.send("{\"type\":\"agent.logout\"}");
                ws.await("agent.state", j -> j.path("agent").path("state").asText().equals("logged-out"), 10);
            } finally {
                ws.close();
                stack.asterisk.cli("dialplan set global ONEKEY_RECDIR " + stack.asterisk.recordings());
            }
        }
        // Asterisk did write the file out there; no row points to it
        try (var files = Files.walk(outside)) {
            assertThat(files.filter(f -> f.toString().endsWith(".wav")).count()).isPositive();
        }
        assertThat(stack.server.database().dsl().fetchCount(RECORDINGS, RECORDINGS.PATH.contains("outside"))).isZero();
    }

    @Test
    void aRowPointingOutsideTheFolderIsNotServed() throws Exception {
        var repo = new JooqRecordingRepository(stack.server.database());
        // as if written straight into the database, or by an older version that did not check paths
        Recording passwd = repo.save(new Recording(0, null, "/etc/passwd", 0, 1, "x", "ok", System.currentTimeMillis()));
        Path link = stack.asterisk.recordings().resolve("link-to-passwd.wav");
        Files.createSymbolicLink(link, Path.of("/etc/passwd"));
        Recording linked = repo.save(new Recording(0, null, link.toString(), 0, 1, "x", "ok", System.currentTimeMillis()));
        Recording dotted = repo.save(new Recording(0, null, stack.asterisk.recordings() + "/../../../../etc/passwd", 0, 1,
                "x", "ok", System.currentTimeMillis()));
        try {
            for (Recording r : new Recording[] {passwd, linked, dotted}) {
                var reply = stack.api.get("/api/recordings/" + r.id(), admin);
                assertThat(reply.status()).as(r.path()).isEqualTo(404);
                assertThat(reply.json().path("error").asText()).isEqualTo("recording_outside_folder");
                assertThat(reply.body()).doesNotContain("root:");
            }
        } finally {
            Files.deleteIfExists(link);
        }
    }
}
