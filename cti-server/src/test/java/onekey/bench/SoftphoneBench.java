package onekey.bench;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import onekey.softphone.audio.Audio;
import onekey.softphone.audio.AudioSink;
import onekey.softphone.audio.AudioSource;
import onekey.softphone.rtp.RtpSession;
import onekey.softphone.sip.SipPhone;
import onekey.testkit.ProcessStats;
import onekey.testkit.SoftphoneProcess;
import onekey.testkit.Stack;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;

/**
 * {@code ./onekey bench softphone} (issue 7). A private Asterisk and cti-server, the Swing softphone of agent 1001 in
 * its own JVM (-Xmx256m, as {@code ./onekey softphone}) on an Xvfb display, and an elder's phone (the softphone's SIP
 * core) in this JVM. {@code bench.calls} SOS calls (default 500), one after another: each rings the softphone, pops,
 * is answered through the window (a mouse click on Answer, as an agent makes it: {@code doClick()} would hold the
 * Swing thread 68 ms and delay the pop behind it), talks {@code bench.talkMs} (default 300 ms) and is hung up by the
 * elder; wrap-up 0.
 * <ul>
 *   <li>{@code call.offered} frame handed to the window → pop painted (measured inside the softphone: the pop's
 *   labels set and the pop's panel painted at once with {@code paintImmediately}), p50 / p99 / max, split into the
 *   wait for the Swing thread, filling and painting; target p99 ≤ 50 ms.</li>
 *   <li>the softphone's heap after a full GC, every {@code bench.heapEvery} calls (default 50): first, last, max, and
 *   the trend (least-squares slope in MB per 100 calls over the samples after the first); target ≤ 256 MB, no
 *   growth.</li>
 *   <li>issue 18: {@code call.silent} / {@code incident.*} frame handed to the window → its panel painted (the 无响应
 *   banner, the incident panel), measured inside the softphone as the pop is; {@code bench.incidents} (default 40)
 *   silent SOS callers, each answered, left silent until the banner (rescue.silenceSeconds 3), started as a rescue
 *   with a click on 启动无响应救援 and resolved with 救援人员已到达 from the panel; target p99 ≤ 50 ms.</li>
 *   <li>issue 18: the first pop after sign-in, each in a fresh softphone JVM that signs in, gets ready and takes one
 *   SOS call at once, {@code bench.coldStarts} (default 5) times with the sign-in's warm-up and as many without it
 *   ({@code -Dsoftphone.warmup=false}, as before), alternately; target ≤ 100 ms.</li>
 *   <li>the delay the softphone adds to the audio (mouth to ear, without the network): two RTP sessions of the
 *   softphone's core on loopback, a tone switched on at the sender's microphone and timed at the receiver's
 *   speaker — the sender's 20 ms frame clock, the receiver's jitter buffer (3 frames) and play-out tick;
 *   {@code bench.onsets} (default 50) onsets. A sound card adds its line buffers on top (4 frames each way).</li>
 * </ul>
 */
public final class SoftphoneBench {

    static final int CALLS = Integer.getInteger("bench.calls", 500);
    static final int HEAP_EVERY = Integer.getInteger("bench.heapEvery", 50);
    static final long TALK_MS = Long.getLong("bench.talkMs", 300);
    static final int ONSETS = Integer.getInteger("bench.onsets", 50);
    static final long TARGET_P99_US = 50_000;
    static final String ELDER = "02155550001";
    static final int WARMUP = 10;
    /** Issue 18: fresh softphones signed in, one SOS call each, with the sign-in's warm-up and (as before) without. */
    static final int COLD = Integer.getInteger("bench.coldStarts", 5);
    /** Issue 18: silent SOS calls, each started as a no-response rescue from the banner and resolved from the panel. */
    static final int INCIDENTS = Integer.getInteger("bench.incidents", 40);
    static final long TARGET_FIRST_POP_US = 100_000;
    static final String[] PANEL_KINDS = {"call.silent → 无响应 banner", "incident.* → incident panel",
            "no-response ack (carries the incident) → banner and panel"};

    private SoftphoneBench() {}

    private static ConditionFactory await(String what, int seconds) {
        return Awaitility.await(what).atMost(Duration.ofSeconds(seconds)).pollInterval(Duration.ofMillis(20));
    }

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args.length > 0 ? args[0] : "docs/benchmarks.md");
        // as ./onekey softphone runs on a desktop: Java2D's XRender pipeline (the ITs turn it off for screenshots)
        System.setProperty("softphone.xrender", System.getProperty("softphone.xrender", "true"));
        ZonedDateTime started = ZonedDateTime.now().truncatedTo(ChronoUnit.SECONDS);
        String load0 = ProcessStats.loadAverage();
        List<String> rows = new ArrayList<>();
        long[][] pops;
        List<long[]> heap = new ArrayList<>(); // {calls done, bytes}
        List<Long> edtIdle = new ArrayList<>(); // a no-op's wait for the Swing thread between calls (µs)
        int answered = 0;
        long t0 = System.nanoTime();
        long[][] panels = new long[0][];
        List<long[]> cold = new ArrayList<>(); // {warm-up on 1/0, first pop µs, warm-up ms, sign-in → call ms}
        List<String> phaseLoads = new ArrayList<>();
        try (Stack stack = new Stack().with("ONEKEY_CALLS_WRAPUPSECONDS", "0").with("ONEKEY_CALLS_LOOKUPTIMEOUTMS", "3000")
                // issue 18: the silent caller's banner after 3 s (the least allowed); no redial during the bench's
                // incident (each is resolved from the panel long before)
                .with("ONEKEY_RESCUE_SILENCESECONDS", "3").with("ONEKEY_RESCUE_REDIALINTERVALSECONDS", "600")
                .startAsterisk().startServer()) {
            Awaitility.await("AMI connected").atMost(Duration.ofSeconds(30))
                    .until(() -> stack.api.get("/api/health", null).json().path("asterisk").path("connected").asBoolean());
            // issue 18: the first pop after sign-in, each in a fresh softphone JVM, alternately with and without the
            // sign-in's warm-up (-Dsoftphone.warmup=false: as before it)
            if (COLD > 0) {
                String before = ProcessStats.loadAverage();
                try (SipPhone elder = new SipPhone(new SipPhone.Settings("127.0.0.1", "127.0.0.1", stack.asterisk.sipPort,
                        ELDER, null), new Audio.Silence(), new Audio.NoSink(), null).start()) {
                    for (int k = 0; k < 2 * COLD; k++) {
                        cold.add(coldStart(stack, elder, k % 2 == 0));
                        long[] c = cold.getLast();
                        System.out.printf("softphone bench: cold start %d/%d (warm-up %s): first pop %.1f ms, warm-up %d ms, "
                                + "sign-in → call %d ms%n", k + 1, 2 * COLD, c[0] == 1 ? "on" : "off", c[1] / 1e3, c[2], c[3]);
                    }
                }
                phaseLoads.add("cold starts: load " + before + " → " + ProcessStats.loadAverage());
            }
            String popLoad0 = ProcessStats.loadAverage();
            try (SoftphoneProcess ui = new SoftphoneProcess("http://127.0.0.1:" + stack.server.apiPort(), null, "1001",
                    "agent1001", Path.of("silence"), Path.of("none"), "zh");
                 SipPhone elder = new SipPhone(new SipPhone.Settings("127.0.0.1", "127.0.0.1", stack.asterisk.sipPort, ELDER,
                         null), new Audio.Silence(), new Audio.NoSink(), null).start()) {
                await("registered and connected", 30).until(() -> ui.text("sipStatus").contains("话机已注册")
                        && ui.text("ctiStatus").contains("CTI 已连接"));
                ui.click("readyButton");
                await("member idle in the queue", 20).until(() -> stack.asterisk.cli("queue show onekey").lines()
                        .anyMatch(l -> l.contains("PJSIP/1001") && l.contains("Not in use")));
                heap.add(new long[] {0, Long.parseLong(ui.send("heap"))});
                for (int i = 1; i <= CALLS; i++) {
                    elder.call("1234901");
                    await("call " + i + " rings and pops", 30).until(() -> ui.enabled("answerButton"));
                    ui.mouseClick("answerButton"); // as an agent clicks it (X server events), not doClick()
                    await("call " + i + " answered", 15).until(() -> elder.state() == SipPhone.CallState.ACTIVE);
                    answered++;
                    Thread.sleep(TALK_MS); // the conversation itself: a fixed length of talk, not a wait for a condition
                    elder.hangup();
                    int n = i;
                    await("call " + n + " over, agent ready again", 20).until(() -> ui.send("sip").startsWith("IDLE")
                            && ui.text("agentState").contains("就绪") && stack.asterisk.cli("queue show onekey").lines()
                            .anyMatch(l -> l.contains("PJSIP/1001") && l.contains("Not in use")));
                    edtIdle.add(Long.parseLong(ui.send("edt")));
                    if (i % HEAP_EVERY == 0 || i == CALLS) {
                        heap.add(new long[] {i, Long.parseLong(ui.send("heap"))});
                        System.out.printf("softphone bench: %d/%d calls, heap after GC %.1f MB%n", i, CALLS,
                                heap.getLast()[1] / 1e6);
                    }
                }
                String p = ui.send("pops").trim();
                pops = p.isEmpty() ? new long[0][] : Arrays.stream(p.split(" "))
                        .map(x -> Arrays.stream(x.split(",")).mapToLong(Long::parseLong).toArray()).toArray(long[][]::new);
                phaseLoads.add(CALLS + " pops: load " + popLoad0 + " → " + ProcessStats.loadAverage());
                String incLoad0 = ProcessStats.loadAverage();
                for (int i = 1; i <= INCIDENTS; i++) {
                    incident(stack, ui, elder, i);
                    if (i % 10 == 0 || i == INCIDENTS) {
                        System.out.printf("softphone bench: %d/%d silent callers rescued and resolved%n", i, INCIDENTS);
                    }
                }
                String q = ui.send("panels").trim();
                panels = q.isEmpty() ? new long[0][] : Arrays.stream(q.split(" "))
                        .map(x -> Arrays.stream(x.split(",")).mapToLong(Long::parseLong).toArray()).toArray(long[][]::new);
                phaseLoads.add(INCIDENTS + " incidents: load " + incLoad0 + " → " + ProcessStats.loadAverage());
            }
        }
        StringBuilder slow = new StringBuilder(); // which calls' pops waited long for the Swing thread (stdout only)
        for (int i = 0; i < pops.length; i++) {
            if (pops[i][1] >= 20_000) {
                slow.append(String.format(" #%d (wait %.1f ms, total %.1f ms)", i + 1, pops[i][1] / 1e3, pops[i][0] / 1e3));
            }
        }
        System.out.println("softphone bench: pops that waited ≥ 20 ms for the Swing thread:" + (slow.isEmpty() ? " none" : slow));
        StringBuilder slowPanels = new StringBuilder(); // the slow panels, and when their frames came (stdout only)
        for (long[] r : panels) {
            if (r[1] >= 30_000) {
                slowPanels.append(String.format("%n  kind %d: total %.1f ms (wait %.1f, fill %.1f, paint %.1f), frame at %d µs",
                        r[0], r[1] / 1e3, r[2] / 1e3, r[3] / 1e3, r[4] / 1e3, r.length > 5 ? r[5] : -1));
            }
        }
        System.out.println("softphone bench: panels that took ≥ 30 ms (kind 0 call.silent, 1 incident.*, 2 the ack; "
                + "the frame's time is the softphone's System.nanoTime() µs, as in -Dsoftphone.edtLog):"
                + (slowPanels.isEmpty() ? " none" : slowPanels));
        double minutes = (System.nanoTime() - t0) / 60e9;
        long[] m2e = mouthToEar(ONSETS);
        String load1 = ProcessStats.loadAverage();

        long[] total = column(pops, 0);
        rows.add(String.format("| pop: call.offered → painted (%d pops) | p50 %.1f ms, p99 %.1f ms, max %.1f ms "
                + "(target p99 ≤ 50 ms: %s) |", total.length, pct(total, 50) / 1e3, pct(total, 99) / 1e3,
                total.length == 0 ? 0 : total[total.length - 1] / 1e3, pct(total, 99) <= TARGET_P99_US ? "met" : "NOT met"));
        if (pops.length > WARMUP) {
            long[] warm = column(Arrays.copyOfRange(pops, WARMUP, pops.length), 0);
            rows.add(String.format("| … after the first %d pops (warm JVM, as all day at a seat) | p50 %.1f ms, p99 %.1f ms, "
                    + "max %.1f ms (target: %s) |", WARMUP, pct(warm, 50) / 1e3, pct(warm, 99) / 1e3,
                    warm[warm.length - 1] / 1e3, pct(warm, 99) <= TARGET_P99_US ? "met" : "NOT met"));
        }
        if (pops.length > 0) {
            rows.add(String.format("| … the first pop (cold JVM: classes, fonts) | %.1f ms |", pops[0][0] / 1e3));
        }
        String[] parts = {"waiting for the Swing thread", "filling the pop", "painting the pop"};
        for (int k = 0; k < parts.length; k++) {
            long[] c = column(pops, k + 1);
            rows.add(String.format("| … of which %s | p50 %.1f ms, p99 %.1f ms, max %.1f ms |", parts[k], pct(c, 50) / 1e3,
                    pct(c, 99) / 1e3, c.length == 0 ? 0 : c[c.length - 1] / 1e3));
        }
        for (int k = 0; k < PANEL_KINDS.length; k++) {
            int kind = k;
            long[][] of = Arrays.stream(panels).filter(r -> r[0] == kind).toArray(long[][]::new);
            long[] t = column(of, 1);
            if (t.length == 0) {
                continue;
            }
            rows.add(String.format("| %s (%d frames) | p50 %.1f ms, p99 %.1f ms, max %.1f ms (target p99 ≤ 50 ms: %s); "
                    + "waiting for the Swing thread p99 %.1f ms, filling and laying out p99 %.1f ms, painting p99 %.1f ms |",
                    PANEL_KINDS[k], t.length, pct(t, 50) / 1e3, pct(t, 99) / 1e3, t[t.length - 1] / 1e3,
                    pct(t, 99) <= TARGET_P99_US ? "met" : "NOT met", pct(column(of, 2), 99) / 1e3, pct(column(of, 3), 99) / 1e3,
                    pct(column(of, 4), 99) / 1e3));
        }
        if (panels.length > 0) {
            long[] all = column(panels, 1);
            rows.add(String.format("| all call.silent / incident.* panels (%d frames) | p50 %.1f ms, p99 %.1f ms, max %.1f ms "
                    + "(target p99 ≤ 50 ms: %s) |", all.length, pct(all, 50) / 1e3, pct(all, 99) / 1e3, all[all.length - 1] / 1e3,
                    pct(all, 99) <= TARGET_P99_US ? "met" : "NOT met"));
        }
        for (int on = 1; on >= 0; on--) {
            int w = on;
            long[] first = cold.stream().filter(c -> c[0] == w).mapToLong(c -> c[1]).sorted().toArray();
            if (first.length == 0) {
                continue;
            }
            String each = cold.stream().filter(c -> c[0] == w).map(c -> String.format("%.0f (Swing thread %.0f, fill %.0f, "
                    + "paint %.0f)", c[1] / 1e3, c[4] / 1e3, c[5] / 1e3, c[6] / 1e3))
                    .collect(java.util.stream.Collectors.joining(", "));
            String warm = on == 1 ? ", warm-up took " + cold.stream().filter(c -> c[0] == 1).map(c -> c[2] + "")
                    .collect(java.util.stream.Collectors.joining(", ")) + " ms (-1: not finished when the call came)" : "";
            rows.add(String.format("| first pop after sign-in, fresh JVM, warm-up %s (%d sign-ins) | median %.1f ms, min %.1f, "
                    + "max %.1f ms; each: %s ms%s; sign-in → first call %s ms (target ≤ 100 ms: %s) |",
                    on == 1 ? "on" : "off (as before)", first.length, pct(first, 50) / 1e3, first[0] / 1e3,
                    first[first.length - 1] / 1e3, each, warm, cold.stream().filter(c -> c[0] == w).map(c -> c[3] + "")
                            .collect(java.util.stream.Collectors.joining(", ")),
                    on == 0 ? "—" : first[first.length - 1] <= TARGET_FIRST_POP_US ? "met by every one" : "NOT met by every one"));
        }
        long[] idle = edtIdle.stream().mapToLong(Long::longValue).sorted().toArray();
        rows.add(String.format("| baseline: a no-op's wait for the Swing thread between calls (machine load) | p50 %.1f ms, "
                + "p99 %.1f ms, max %.1f ms |", pct(idle, 50) / 1e3, pct(idle, 99) / 1e3,
                idle.length == 0 ? 0 : idle[idle.length - 1] / 1e3));
        long maxHeap = heap.stream().mapToLong(h -> h[1]).max().orElse(0);
        rows.add(String.format("| softphone heap after GC over %d calls | first %.1f MB, last %.1f MB, max %.1f MB, trend "
                + "%+.2f MB per 100 calls (limit 256 MB: %s) |", answered, heap.getFirst()[1] / 1e6, heap.getLast()[1] / 1e6,
                maxHeap / 1e6, slopePer100(heap), maxHeap <= 256L << 20 ? "met" : "NOT met"));
        Arrays.sort(m2e);
        rows.add(String.format("| softphone's added mouth-to-ear delay, loopback (%d onsets) | p50 %.1f ms, min %.1f ms, "
                + "max %.1f ms; a sound card adds its line buffers (4 × 20 ms each way, up to 160 ms) |", m2e.length,
                pct(m2e, 50) / 1e3, m2e.length == 0 ? 0 : m2e[0] / 1e3, m2e.length == 0 ? 0 : m2e[m2e.length - 1] / 1e3));

        StringBuilder md = new StringBuilder();
        md.append("\n## Softphone — ").append(started).append(" (issues 7 and 18, ./onekey bench softphone)\n\n");
        md.append("Machine: ").append(Runtime.getRuntime().availableProcessors()).append(" cores, ")
                .append(System.getProperty("os.name")).append(' ').append(System.getProperty("os.arch")).append(", Java ")
                .append(Runtime.version()).append(". Load average before ").append(load0).append(", after ").append(load1)
                .append(". ").append(CALLS).append(" calls of ").append(TALK_MS).append(" ms talk, one at a time, in ")
                .append(String.format("%.1f", minutes)).append(" min; softphone JVM -Xmx256m under Xvfb, Java2D XRender ")
                .append(System.getProperty("softphone.xrender")).append(".\n\n");
        md.append("| measure | result |\n|---|---|\n");
        rows.forEach(r -> md.append(r).append('\n'));
        md.append("\nLoad average per phase (1 / 5 / 15 min): ").append(String.join("; ", phaseLoads)).append(".\n");
        md.append("\nHeap samples (calls → MB after GC): ");
        heap.forEach(h -> md.append(h[0]).append("→").append(String.format("%.1f", h[1] / 1e6)).append(' '));
        md.append("\n");
        System.out.println(md);
        Files.writeString(out, md.toString(), StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        System.exit(0);
    }

    /**
     * A fresh softphone JVM signs in (with or without the sign-in's warm-up), gets ready and takes one SOS call at once:
     * {warm-up on, the first pop's µs, the warm-up's ms (-1: not finished when the call came), sign-in → call ms, and
     * the first pop's wait for the Swing thread, filling and painting, µs}.
     */
    static long[] coldStart(Stack stack, SipPhone elder, boolean warmup) throws Exception {
        String flags = System.getProperty("softphone.jvmFlags", "");
        System.setProperty("softphone.jvmFlags", (flags + " -Dsoftphone.warmup=" + warmup).trim());
        long t0 = System.nanoTime();
        try (SoftphoneProcess ui = new SoftphoneProcess("http://127.0.0.1:" + stack.server.apiPort(), null, "1001",
                "agent1001", Path.of("silence"), Path.of("none"), "zh")) {
            System.setProperty("softphone.jvmFlags", flags);
            await("registered and connected", 30).until(() -> ui.text("sipStatus").contains("话机已注册")
                    && ui.text("ctiStatus").contains("CTI 已连接"));
            ui.mouseClick("readyButton");
            await("member idle in the queue", 20).until(() -> stack.asterisk.cli("queue show onekey").lines()
                    .anyMatch(l -> l.contains("PJSIP/1001") && l.contains("Not in use")));
            long warm = Long.parseLong(ui.send("warmup"));
            long signIn = (System.nanoTime() - t0) / 1_000_000;
            elder.call("1234901");
            await("the first call rings", 30).until(() -> ui.enabled("answerButton"));
            // the phone may ring before the frame comes (a loaded server): the pop is timed from the frame, so wait for it
            await("the first call's pop", 30).until(() -> !ui.send("pops").isBlank());
            ui.mouseClick("answerButton");
            await("the first call answered", 15).until(() -> elder.state() == SipPhone.CallState.ACTIVE);
            elder.hangup();
            await("the first call over", 20).until(() -> ui.send("sip").startsWith("IDLE"));
            String p = ui.send("pops").trim();
            long[] first = Arrays.stream(p.split(" ")[0].split(",")).mapToLong(Long::parseLong).toArray();
            return new long[] {warmup ? 1 : 0, first[0], warm, signIn, first[1], first[2], first[3]};
        } finally {
            System.setProperty("softphone.jvmFlags", flags);
            await("1001 signed out", 20).until(() -> stack.asterisk.cli("queue show onekey").lines()
                    .noneMatch(l -> l.contains("PJSIP/1001")));
        }
    }

    /**
     * One silent SOS caller: answered, the 无响应 banner after 3 s of silence, 启动无响应救援 clicked (the ack and
     * incident.opened fill the panel), the elder hangs up, the seat types the outcome and clicks 救援人员已到达
     * (incident.resolved empties the panel), the seat is ready again.
     */
    static void incident(Stack stack, SoftphoneProcess ui, SipPhone elder, int i) throws Exception {
        elder.call("1234901");
        await("silent call " + i + " pops", 30).until(() -> ui.enabled("answerButton"));
        ui.mouseClick("answerButton");
        await("silent call " + i + " answered", 15).until(() -> elder.state() == SipPhone.CallState.ACTIVE);
        await("无响应 banner " + i, 30).until(() -> Boolean.parseBoolean(ui.send("visible silentBanner"))
                && ui.enabled("noResponseButton") && ui.text("silentBanner").contains("无响应"));
        ui.mouseClick("noResponseButton");
        await("rescue " + i + " started", 15).until(() -> ui.text("silentBanner").contains("无响应救援已启动")
                && ui.text("incidentHeading").endsWith("(1)"));
        elder.hangup();
        await("silent call " + i + " over", 20).until(() -> ui.send("sip").startsWith("IDLE"));
        ui.send("set arrivedOutcome 救护车已到达，老人已送医");
        ui.mouseClick("arrivedButton");
        await("incident " + i + " resolved", 15).until(() -> ui.text("incidentHeading").endsWith("(0)"));
        await("agent ready after incident " + i, 20).until(() -> ui.text("agentState").contains("就绪")
                && stack.asterisk.cli("queue show onekey").lines()
                .anyMatch(l -> l.contains("PJSIP/1001") && l.contains("Not in use")));
    }

    /** Column k of the pop timings, sorted. */
    static long[] column(long[][] rows, int k) {
        long[] c = new long[rows.length];
        for (int i = 0; i < rows.length; i++) {
            c[i] = rows[i][k];
        }
        Arrays.sort(c);
        return c;
    }

    static long pct(long[] sorted, int p) {
        if (sorted.length == 0) {
            return 0;
        }
        int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }

    /** Least-squares slope of heap over calls, MB per 100 calls, without the first sample (start-up). */
    static double slopePer100(List<long[]> samples) {
        List<long[]> s = samples.size() > 2 ? samples.subList(1, samples.size()) : samples;
        int n = s.size();
        if (n < 2) {
            return 0;
        }
        double mx = s.stream().mapToDouble(h -> h[0]).average().orElse(0);
        double my = s.stream().mapToDouble(h -> h[1]).average().orElse(0);
        double num = 0;
        double den = 0;
        for (long[] h : s) {
            num += (h[0] - mx) * (h[1] - my);
            den += (h[0] - mx) * (h[0] - mx);
        }
        return den == 0 ? 0 : num / den * 100 / 1e6;
    }

    /**
     * Two RTP sessions of the softphone's core on loopback: the sender's microphone turns a tone on; the time until
     * the receiver's speaker gets a loud frame is the delay the softphone adds (frame clock, jitter buffer, play-out).
     */
    static long[] mouthToEar(int onsets) throws Exception {
        Onset mic = new Onset();
        Ear ear = new Ear();
        long[] out = new long[onsets];
        try (RtpSession a = new RtpSession("127.0.0.1", 0, 0, mic, new Audio.NoSink());
             RtpSession b = new RtpSession("127.0.0.1", 0, 0, new Audio.Silence(), ear)) {
            a.start(new InetSocketAddress("127.0.0.1", b.localPort()), 0, 101);
            b.start(new InetSocketAddress("127.0.0.1", a.localPort()), 0, 101);
            for (int i = 0; i < onsets; i++) {
                ear.heardAt = 0;
                mic.spokeAt = 0;
                mic.on = true;
                await("tone heard", 5).until(() -> ear.heardAt != 0 && mic.spokeAt != 0);
                out[i] = (ear.heardAt - mic.spokeAt) / 1000;
                mic.on = false;
                ear.quiet = 0;
                await("silence again", 5).until(() -> ear.quiet >= 10); // the tone has left the jitter buffer
            }
        }
        return out;
    }

    /** A microphone that is silent until switched on, then a 1 kHz tone; notes when the first loud frame was read. */
    static final class Onset implements AudioSource {
        final short[] tone = Arrays.copyOf(Audio.tone(1000, 0.02, 8000), FRAME);
        volatile boolean on;
        volatile long spokeAt;

        @Override
        public short[] read() {
            if (!on) {
                return new short[FRAME];
            }
            if (spokeAt == 0) {
                spokeAt = System.nanoTime();
            }
            return tone;
        }
    }

    /** A speaker that notes when the first loud frame arrived, and counts silent frames after it. */
    static final class Ear implements AudioSink {
        volatile long heardAt;
        volatile int quiet;

        @Override
        public void write(short[] frame) {
            int peak = 0;
            for (short s : frame) {
                peak = Math.max(peak, Math.abs(s));
            }
            if (peak > 2000) {
                if (heardAt == 0) {
                    heardAt = System.nanoTime();
                }
                quiet = 0;
            } else {
                quiet++;
            }
        }
    }
}
