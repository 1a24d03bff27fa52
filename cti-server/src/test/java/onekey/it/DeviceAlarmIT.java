package onekey.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import onekey.testkit.AsteriskInstance;
import onekey.testkit.Ports;
import onekey.testkit.Proc;
import onekey.testkit.Repo;
import onekey.testkit.Sipp;
import onekey.testkit.Stack;
import onekey.testkit.Ws;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Issue 24 on a real Asterisk, one Asterisk and one cti-server (its own JVM, to freeze it) for every method:
 * Contact ID tones made with sox and played into the alarm line as a panel sends them (AlarmReceiver, its eventcmd,
 * OneKey), a SCAIP-style MESSAGE from a sipp device, both again with the cti-server frozen (SIGSTOP: the dialplan
 * queues the alarm as SOS itself), and a terminal test call answered by the IVR with no agent rung. The API speaks
 * HTTPS with a self-signed certificate, as in the demo: the hand-over (alarm-handoff.sh with curl --cacert, the MESSAGE
 * context's CURL on loopback with OneKey's keyed "ack") is shown to reach OneKey, not the fail-open path. A Kamailio
 * front with the alarm script answers MESSAGEs 200 only once OneKey has the alarm or it is queued as SOS.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DeviceAlarmIT {
    static final String ALARM_KEY = "asterisk-alarm-key-" + AsteriskInstance.randomSecret();
    static Stack stack;
    static String sup;
    static Sipp.AgentPhone phone;
    static Ws seat;
    static Sipp.TrunkPhone elderLine;
    static Path audioDir;
    static long panelElder;
    static long fallElder;
    static long buttonDevice;
    static long panelDevice;
    static Path certDir;
    /** A Kamailio front that answers alarm MESSAGEs itself: 200 only once OneKey or the fail-open path has them. */
    static onekey.testkit.KamailioInstance front;

    @BeforeAll
    static void up() throws Exception {
        stack = new Stack();
        // HTTPS with the demo's kind of certificate (./onekey tls-cert), handed to Asterisk as the demo does
        certDir = Files.createTempDirectory("okalarmtls");
        onekey.testkit.TlsTrust.Pem pem = onekey.testkit.TlsTrust.demoCertificate(certDir);
        stack.withTls(pem.cert(), pem.key());
        stack.asterisk.with("ONEKEY_API_URL", "https://127.0.0.1:" + stack.httpPort()).with("ONEKEY_ALARM_KEY", ALARM_KEY)
                .with("ONEKEY_API_CAFILE", pem.cert().toString());
        stack.with("ONEKEY_DEVICES_PLATFORMKEYS", "asterisk:" + ALARM_KEY)
                .with("ONEKEY_RESCUE_LISTENSECONDS", "2");
        stack.startAsterisk().startServerProcess();
        front = new onekey.testkit.KamailioInstance(List.of("127.0.0.1:" + stack.asterisk.sipPort))
                .with("ONEKEY_KAM_ALARM_SCRIPT", stack.asterisk.rundir.resolve("agi-bin/alarm-message.sh").toString())
                .start();
        audioDir = Files.createTempDirectory("okalarm");
        elderLine = Sipp.TrunkPhone.silent(stack.asterisk.trunkPort(), 300);
        sup = stack.api.login("super", "super1234");
        JsonNode elders = stack.api.get("/api/elders?limit=10", sup).json();
        panelElder = elderId(elders, "张桂英");
        fallElder = elderId(elders, "王德明");
        long buttonElder = elderId(elders, "陈秀兰");
        panelDevice = register("{\"elderId\":" + panelElder + ",\"kind\":\"alarm-panel\",\"serial\":\"PANEL-1\",\"contactIdAccount\":\"1234\"}");
        register("{\"elderId\":" + fallElder + ",\"kind\":\"fall-sensor\",\"serial\":\"FALL-1\",\"sipIdentity\":\"fall-1\"}");
        buttonDevice = register("{\"elderId\":" + buttonElder + ",\"kind\":\"one-key-phone\",\"serial\":\"BTN-3\","
                + "\"callerNumber\":\"02155550003\"}");
        phone = new Sipp.AgentPhone(stack.asterisk, "1001", stack.sipSecret("1001"), 300);
        seat = new Ws(stack.api, stack.api.login("1001", "agent1001"));
        seat.await("hello", 10);
        seat.send("{\"type\":\"agent.ready\"}");
        seat.await("agent.state", j -> j.path("agent").path("state").asText().equals("ready"), 10);
    }

    @AfterAll
    static void down() {
        for (AutoCloseable c : new AutoCloseable[] {seat, phone, elderLine, front, stack}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception ignored) {
                // the next one still closes
            }
        }
        if (audioDir != null) {
            deleteTree(audioDir);
        }
        if (certDir != null) {
            deleteTree(certDir);
        }
    }

    /** Awaits the condition; on a timeout fails with the server's and Asterisk's side of the story. */
    static void awaitOr(String what, int seconds, java.util.concurrent.Callable<Boolean> c) {
        try {
            Awaitility.await(what).atMost(Duration.ofSeconds(seconds)).until(c);
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            // the test's own polls left out
            String out = stack.process.output().lines().filter(l -> !l.contains("api method=GET"))
                    .collect(java.util.stream.Collectors.joining("\n"));
            throw new AssertionError(what + " did not happen; server output tail:\n"
                    + out.substring(Math.max(0, out.length() - 8000)) + "\nasterisk:\n" + stack.asterisk.messagesLog()
                    + "\n" + stack.asterisk.cli("queue show onekey") + "\n" + stack.asterisk.cli("core show channels")
                    + "\nalarm spool:\n" + spoolStory(), e);
        }
    }

    /** The alarm spool's files and its retrier's log, for a failure's message. */
    static String spoolStory() {
        Path spool = stack.asterisk.rundir.resolve("spool/alarms");
        StringBuilder b = new StringBuilder();
        try (var s = Files.walk(spool)) {
            s.forEach(p -> b.append(spool.relativize(p)).append('\n'));
            Path log = spool.resolve(".retrier.log");
            if (Files.exists(log)) {
                b.append(".retrier.log:\n").append(Files.readString(log));
            }
        } catch (IOException e) {
            b.append(e);
        }
        return b.toString();
    }

    static void deleteTree(Path dir) {
        try (var s = Files.walk(dir)) {
            s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temp folder left behind
        }
    }

    static long fileCount(Path dir, String part) throws IOException {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (var s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().contains(part)).count();
        }
    }

    static long elderId(JsonNode list, String name) {
        for (JsonNode e : list.has("elders") ? list.path("elders") : list) {
            if (name.equals(e.path("name").asText())) {
                return e.path("id").asLong();
            }
        }
        throw new IllegalStateException("no demo elder " + name + " in " + list);
    }

    static long register(String body) {
        var r = stack.api.send("POST", "/api/devices", sup, body);
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return r.json().path("id").asLong();
    }

    @Test
    @Order(1)
    void contactIdAlarmOpensAnIncidentPopsToTheSeatAndCallsTheElder_aTestReportAndABadChecksumDoNot() throws Exception {
        String medical = contactId("1234", '1', "100", "01", "015");
        String test = contactId("1234", '1', "602", "00", "000");
        String bad = medical.substring(0, 15) + (medical.charAt(15) == '3' ? '4' : '3');
        List<Sipp.Caller> panels = new ArrayList<>();
        try {
            // the medical alarm's panel first, alone: AlarmReceiver decodes the tones in real time, and three decodes at
            // once on a loaded 2-core machine (the suite's parallel ITs) missed digits
            panels.add(new Sipp.Caller(stack.asterisk.sipPort, "02155559001", "1234905", 8_500, panelAudio("medical", medical)));
            // the seat's pop: device, kind, position (the panel has none: the home), at SOS priority
            JsonNode pop = seat.await("device.alarm", j -> j.path("device").path("serial").asText().equals("PANEL-1"), 40)
                    .json();
            // the test report's panel next, alone too (two decodes at once missed digits in a CI run), the bad one after
            Sipp.Caller testPanel = new Sipp.Caller(stack.asterisk.sipPort, "02155559002", "1234905", 8_500,
                    panelAudio("test", test));
            panels.add(testPanel);
            assertThat(pop.path("priority").asText()).isEqualTo("sos");
            assertThat(pop.path("alarm").path("kind").asText()).isEqualTo("medical");
            assertThat(pop.path("alarm").path("detail").asText()).contains("account=1234", "event=1100", "zone=015");
            assertThat(pop.path("elder").path("home").path("lat").asDouble()).isEqualTo(31.2788);
            long incident = pop.path("incident").path("id").asLong();
            JsonNode inc = stack.api.get("/api/incidents/" + incident, sup).json();
            assertThat(inc.path("reason").asText()).isEqualTo("device-alarm");
            assertThat(inc.path("detail").asText()).contains("kind=medical", "device=PANEL-1");
            // the elder's phone behind the trunk is called (the incident's first step, through the outbound service)
            Awaitility.await("the elder's phone called").atMost(Duration.ofSeconds(30))
                    .until(() -> elderLine.successfulCalls() >= 1);
            testPanel.await(30);
            panels.add(new Sipp.Caller(stack.asterisk.sipPort, "02155559003", "1234905", 8_500, panelAudio("bad", bad)));
            for (Sipp.Caller p : panels) {
                p.await(30);
            }
            // the 602 test report updated the panel's last test and escalated nothing
            awaitOr("602 recorded", 30, () ->
                    stack.api.get("/api/devices/" + panelDevice, sup).json().path("lastTest").path("result")
                            .asText().equals("ok"));
            JsonNode alarms = stack.api.get("/api/alarms?elderId=" + panelElder, sup).json();
            assertThat(alarms).extracting(a -> a.path("kind").asText()).containsExactlyInAnyOrder("medical", "test");
            assertThat(alarms).filteredOn(a -> a.path("kind").asText().equals("test"))
                    .allSatisfy(a -> assertThat(a.path("escalated").asBoolean()).isFalse());
            // the bad checksum was refused by AlarmReceiver (no kissoff, nothing written) and counted
            assertThat(stack.asterisk.cli("database get onekey-alarmreceiver checksum-errors")).contains("Value: ");
            assertThat(alarms.size()).isEqualTo(2);
            // handed over by alarm-handoff.sh over HTTPS (curl --cacert): the event files taken, none queued fail-open
            Path spool = stack.asterisk.rundir.resolve("spool/alarms");
            awaitOr("the event files in done/", 10, () -> fileCount(spool.resolve("done"), "event-") >= 2);
            assertThat(fileCount(spool, ".queued")).isZero();
            assertThat(stack.asterisk.cli("queue show onekey")).doesNotContain("onekey-alarm-sos");
        } finally {
            panels.forEach(Sipp.Caller::close);
        }
    }

    @Test
    @Order(2)
    void aSipMessageFallAlarmWithAPositionOpensAnIncidentWithTheFix() {
        assertThat(message("fall-1", "F-1", "31.2021", "121.4425")).as("sipp MESSAGE answered 202").isZero();
        JsonNode pop = seat.await("device.alarm", j -> j.path("device").path("serial").asText().equals("FALL-1"), 20).json();
        assertThat(pop.path("alarm").path("kind").asText()).isEqualTo("fall");
        assertThat(pop.path("elder").path("fix").path("lat").asDouble()).isEqualTo(31.2021);
        assertThat(pop.path("elder").path("fix").path("accuracyM").asDouble()).isEqualTo(9.0);
        JsonNode inc = stack.api.get("/api/incidents/" + pop.path("incident").path("id").asLong(), sup).json();
        assertThat(inc.path("reason").asText()).isEqualTo("device-alarm");
        assertThat(inc.path("detail").asText()).contains("kind=fall", "at=31.2021,121.4425");
        // the dialplan counted it taken (OneKey's ack over HTTPS on loopback), not queued fail-open
        awaitOr("the MESSAGE counted as taken", 10, () -> stack.asterisk.cli("database get onekey-alarm message-taken")
                .contains("Value: 1"));
        assertThat(stack.asterisk.cli("database get onekey-alarm message-failopen")).doesNotContain("Value: ");
        assertThat(stack.asterisk.cli("queue show onekey")).doesNotContain("onekey-alarm-sos");
    }

    @Test
    @Order(3)
    void aMessageToTheKamailioFrontIsAnswered200OnlyOnceOneKeyHasIt() {
        assertThat(message(front.port, "alarm-message-front.xml", "fall-1", "F-10", "31.2025", "121.4428"))
                .as("sipp MESSAGE to the front answered 200; " + front.log()).isZero();
        // 200 came after OneKey stored it: the alarm is there the moment sipp has its answer
        JsonNode alarms = stack.api.get("/api/alarms?elderId=" + fallElder, sup).json();
        assertThat(alarms).anySatisfy(a -> {
            assertThat(a.path("alarmId").asText()).isEqualTo("fall-1/F-10");
            assertThat(a.path("lat").asDouble()).isEqualTo(31.2025);
        });
        assertThat(stack.asterisk.cli("database get onekey-alarm front-failopen")).doesNotContain("Value: ");
        assertThat(stack.asterisk.cli("queue show onekey")).doesNotContain("onekey-alarm-sos");
    }

    @Test
    @Order(4)
    void aDeviceInTestModeIsAnsweredByTheIvrAndRecordedWithNoAgentRung() throws Exception {
        var r = stack.api.send("PUT", "/api/devices/" + buttonDevice + "/test-mode", sup, "{\"minutes\":10}");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        // the dialplan knows without asking OneKey
        assertThat(stack.asterisk.cli("database get onekey-devtest 02155550003")).contains("Value: ");
        int agentCalls = phone.successfulCalls();
        try (Sipp.Caller button = new Sipp.Caller(stack.asterisk.sipPort, "02155550003", "1234901", 6_000)) {
            // the IVR answers, says 测试成功 and hangs up by itself (the worker's phone hears the BYE)
            awaitOr("test recorded", 10, () -> stack.api.get("/api/devices/" + buttonDevice, sup).json().path("lastTest")
                    .path("by").asText().equals("ivr"));
            button.await(15);
        }
        assertThat(stack.api.get("/api/devices/" + buttonDevice + "/tests", sup).json().get(0).path("via").asText())
                .isEqualTo("call");
        assertThat(phone.successfulCalls()).isEqualTo(agentCalls);
        assertThat(seat.frames()).noneMatch(f -> f.json().path("type").asText().equals("call.offered")
                && f.json().path("callerNumber").asText().endsWith("0003"));
    }

    @Test
    @Order(5)
    void withTheCtiServerFrozenAlarmsStillReachTheQueueAsSos() throws Exception {
        seat.send("{\"type\":\"agent.pause\",\"reason\":\"test\"}");
        seat.await("agent.state", j -> !j.path("agent").path("state").asText().equals("ready"), 10);
        stack.process.freeze();
        try (Sipp.Caller panel = new Sipp.Caller(stack.asterisk.sipPort, "02155559004", "1234905", 8_000,
                panelAudio("frozen", contactId("1234", '1', "101", "01", "002")))) {
            assertThat(message("fall-1", "F-2", "31.2030", "121.4430")).isZero();
            awaitOr("the MESSAGE alarm in the queue at SOS priority", 10, () -> stack.asterisk.cli("queue show onekey").matches("(?s).*Local/fall1@onekey-alarm-sos.*prio: 10.*"));
            assertThat(stack.asterisk.cli("database get onekey-alarm message-failopen")).contains("Value: 1");
            // and kept in AstDB for OneKey to take once it answers (the dialplan runs no shell)
            assertThat(stack.asterisk.cli("database show onekey-alarm-kept")).contains("/onekey-alarm-kept/").contains("/n");
            // through the Kamailio front: 200 only once the alarm was queued here as SOS (the script's fail-open)
            assertThat(message(front.port, "alarm-message-front.xml", "fall-3", "F-11", "31.2030", "121.4430"))
                    .as("the front answered 200 with OneKey frozen; " + front.log()).isZero();
            assertThat(stack.asterisk.cli("database get onekey-alarm front-failopen")).contains("Value: ");
            awaitOr("the front's MESSAGE alarm in the queue at SOS priority", 10, () -> stack.asterisk.cli("queue show onekey")
                    .matches("(?s).*Local/fall-?3@onekey-alarm-sos.*prio: 10.*"));
            awaitOr("the Contact ID alarm in the queue at SOS priority", 30, () -> stack.asterisk.cli("queue show onekey").matches("(?s).*Local/02155559004@onekey-alarm-sos.*prio: 10.*"));
        } finally {
            stack.process.thaw();
        }
        // the event file was kept and its retrier hands it to OneKey once it answers again (not only at the next
        // alarm): stored with when the line queued it as SOS, escalated (the seat's pop, the elder's incident), the
        // file in done/, nothing left queued
        Path spool = stack.asterisk.rundir.resolve("spool/alarms");
        awaitOr("the frozen panel's alarm handed over late", 60, () -> stack.api.get("/api/alarms?elderId=" + panelElder,
                sup).json().findValuesAsText("detail").stream().anyMatch(d -> d.contains("event=1101")));
        for (JsonNode a : stack.api.get("/api/alarms?elderId=" + panelElder, sup).json()) {
            if (a.path("detail").asText().contains("event=1101")) {
                assertThat(a.path("detail").asText()).contains("queued as SOS by the alarm line at");
            }
        }
        // escalated (an escalation that timed out behind the thawed server's backlog is done on the retrier's replay)
        awaitOr("the frozen panel's alarm escalated", 60, () -> stack.api.get("/api/alarms?elderId=" + panelElder, sup)
                .json().findParents("detail").stream().anyMatch(a -> a.path("detail").asText().contains("event=1101")
                        && a.path("escalated").asBoolean()));
        // the MESSAGE Asterisk's own [onekey-message] queued as SOS is taken from AstDB (KeptAlarms), its key deleted,
        // with the note (its first request, read by the thawed server after the line gave up, stored it without)
        awaitOr("the MESSAGE alarm Asterisk kept taken late with its note", 60, () -> stack.api.get("/api/alarms?limit=50",
                sup).json().findParents("alarmId").stream().anyMatch(a -> a.path("alarmId").asText().equals("fall-1/F-2")
                        && a.path("detail").asText().contains("queued as SOS by the alarm line at")
                        && a.path("lat").asDouble() == 31.2030));
        awaitOr("the kept MESSAGE's key deleted", 10, () -> !stack.asterisk.cli("database show onekey-alarm-kept")
                .contains("/onekey-alarm-kept/"));
        // the MESSAGE the Kamailio front queued as SOS is kept in the spool and handed over by the retrier
        awaitOr("the front's MESSAGE alarm handed over late", 60, () -> stack.api.get("/api/alarms?limit=50", sup).json()
                .findValuesAsText("alarmId").contains("fall-3/F-11"));
        for (JsonNode a : stack.api.get("/api/alarms?limit=50", sup).json()) {
            if (a.path("alarmId").asText().equals("fall-3/F-11")) {
                assertThat(a.path("detail").asText()).contains("queued as SOS by the alarm line at");
            }
        }
        awaitOr("nothing left queued", 20, () -> fileCount(spool, ".queued") == 0);
        assertThat(Files.readString(spool.resolve(".retrier.log"))).as(spoolStory()).contains("done");
    }

    /** {@code java} sends nothing the panel would not: silence, the 16 digits as DTMF, silence (µ-law, 8 kHz). */
    static Path panelAudio(String name, String digits) throws IOException {
        Proc.require("sox");
        Path dir = audioDir.resolve(name);
        Files.createDirectories(dir);
        List<String> parts = new ArrayList<>();
        // AlarmReceiver answers, waits answait (1250 ms), sends its handshake (1400 Hz, 2300 Hz: ~300 ms), then
        // waits up to fdtimeout (4 s, alarmreceiver.conf) for the first digit: the panel starts at 2.5 s, in the middle
        parts.add(silence(dir, "lead", 2.5).toString());
        for (int i = 0; i < digits.length(); i++) {
            int[] f = dtmf(digits.charAt(i));
            Path tone = dir.resolve("d" + i + ".wav");
            Path pair = dir.resolve("p" + i + ".wav");
            Proc.run(List.of("sox", "-n", "-r", "8000", "-c", "2", "-b", "16", pair.toString(), "synth", "0.06", "sine",
                    String.valueOf(f[0]), "sine", String.valueOf(f[1])), dir, Map.of(), 20);
            Proc.run(List.of("sox", pair.toString(), "-c", "1", tone.toString(), "remix", "1v0.35,2v0.35"), dir, Map.of(), 20);
            parts.add(tone.toString());
            parts.add(silence(dir, "gap", 0.06).toString());
        }
        parts.add(silence(dir, "tail", 7.0).toString());
        Path out = dir.resolve("panel.ul");
        List<String> cmd = new ArrayList<>(List.of("sox"));
        cmd.addAll(parts);
        cmd.addAll(List.of("-t", "ul", "-r", "8000", "-c", "1", out.toString()));
        Proc.run(cmd, dir, Map.of(), 20);
        return out;
    }

    private static Path silence(Path dir, String name, double seconds) {
        Path p = dir.resolve(name + ".wav");
        if (!Files.exists(p)) {
            Proc.run(List.of("sox", "-n", "-r", "8000", "-c", "1", "-b", "16", p.toString(), "trim", "0",
                    String.valueOf(seconds)), dir, Map.of(), 20);
        }
        return p;
    }

    static int[] dtmf(char c) {
        String keys = "123A456B789C*0#D";
        int i = keys.indexOf(c == 'E' ? '*' : c == 'F' ? '#' : c);
        if (i < 0) {
            throw new IllegalArgumentException("no DTMF key for " + c);
        }
        return new int[] {new int[] {697, 770, 852, 941}[i / 4], new int[] {1209, 1336, 1477, 1633}[i % 4]};
    }

    static String contactId(String account, char q, String code, String group, String zone) {
        String first = account + "18" + q + code + group + zone;
        return first + onekey.devices.ContactId.checksumFor(first);
    }

    /** A SCAIP-style MESSAGE from a sipp device; sipp's exit code (0: answered 202). */
    static int message(String device, String ref, String lat, String lon) {
        return message(stack.asterisk.sipPort, "alarm-message.xml", device, ref, lat, lon);
    }

    /** The same MESSAGE to {@code port} with {@code scenario} (its expected answer); sipp's exit code. */
    static int message(int port, String scenario, String device, String ref, String lat, String lon) {
        Path dir;
        try {
            dir = Files.createTempDirectory("okmsg");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        try {
            var p = Proc.start(List.of("sipp", "127.0.0.1:" + port, "-sf",
                    Repo.asteriskConfig().resolve("sipp/" + scenario).toString(), "-i", "127.0.0.1", "-p",
                    String.valueOf(Ports.free()), "-key", "device", device, "-key", "ref", ref, "-key", "type", "fall",
                    "-key", "lat", lat, "-key", "lon", lon, "-key", "acc", "9", "-m", "1", "-nostdin", "-timeout", "15s"),
                    dir, Map.of(), dir.resolve("out.log"));
            if (!p.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return -1;
            }
            return p.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        } finally {
            deleteTree(dir);
        }
    }
}
