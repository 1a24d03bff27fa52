package onekey.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import onekey.broadcast.Templates;
import onekey.broadcast.Templates.Template;
import onekey.tts.AudioFiles;
import onekey.tts.EspeakTts;
import onekey.tts.FreeTts;
import onekey.tts.Loudness;
import onekey.tts.PromptCache;
import onekey.tts.RecordedPrompts;
import onekey.tts.TtsEngine;
import onekey.testkit.ProcessStats;

/**
 * {@code ./onekey bench broadcast --only TtsBench} (issue 9): how fast the voices are and how fast a prompt that is
 * already made is found.
 * <ul>
 *   <li>real-time factor (synthesis time / audio length) of espeak-ng cmn, FreeTTS kevin16 and espeak-ng en-us over
 *   the four broadcast templates (registration, taxi, reminder, check-in) rendered by {@link Templates} with
 *   realistic fields, each message synthesised {@code bench.reps} times (default 5) after one warm-up; the time is the
 *   whole {@code synthesize}: the voice, resampling to 8 kHz, loudness normalisation and the atomic write. Median and
 *   spread (p10–p90, min–max), and the level the prompts came out at.</li>
 *   <li>cache hits: {@code PromptCache.prompt} on an existing prompt, and {@code compose} of a broadcast message with a
 *   recorded phrase (recordings configured, as in production), {@code bench.hits} times each (default 10,000) after
 *   1,000 warm-up hits: p50 / p99 / max. Target p99 ≤ 1 ms.</li>
 * </ul>
 * Prints the figures and appends a section to the markdown file given as the first argument (default
 * docs/benchmarks.md). No test asserts these times.
 */
public final class TtsBench {

    static final int REPS = Integer.getInteger("bench.reps", 5);
    static final int HITS = Integer.getInteger("bench.hits", 10_000);
    static final double TARGET_HIT_P99_MS = 1.0;

    private TtsBench() {}

    record Row(String engine, int runs, double audioSeconds, double synthMillis, double rtfMedian, double rtfP10,
               double rtfP90, double rtfMin, double rtfMax, double levelMin, double levelMax) {}

    record Hits(String what, int n, double p50, double p99, double max, double cpuP50, double cpuP99) {}

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args.length > 0 ? args[0] : "docs/benchmarks.md");
        String started = java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString();
        String loadBefore = ProcessStats.loadAverage();
        Path work = Files.createTempDirectory("ttsbench-");
        try {
            EspeakTts cmn = EspeakTts.mandarin();
            FreeTts kevin = new FreeTts();
            EspeakTts enUs = EspeakTts.english();
            for (TtsEngine e : List.of(cmn, kevin, enUs)) {
                if (!e.available()) {
                    throw new IllegalStateException(e + " is not available: run ./onekey setup (espeak-ng, FreeTTS jar)");
                }
            }
            List<String> zh = messages("zh");
            List<String> en = messages("en");
            List<Row> rows = new ArrayList<>();
            rows.add(rtf("espeak-ng cmn (zh)", cmn, zh, work));
            rows.add(rtf("FreeTTS kevin16 (en)", kevin, en, work));
            rows.add(rtf("espeak-ng en-us (en)", enUs, en, work));
            List<Hits> hits = hits(work);
            String loadAfter = ProcessStats.loadAverage();
            print(rows, hits);
            append(out, started, loadBefore, loadAfter, zh, rows, hits);
        } finally {
            try (Stream<Path> files = Files.walk(work)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** The four templates with realistic fields, as an elder would hear them. */
    static List<String> messages(String lang) {
        boolean zh = lang.equals("zh");
        String name = zh ? "张桂英" : "Margaret Liu";
        Map<Template, Map<String, String>> f = new LinkedHashMap<>();
        f.put(Template.REGISTRATION, zh
                ? Map.of("hospital", "瑞金医院", "department", "心内科", "doctor", "王建华", "time", "2026-12-08T09:30")
                : Map.of("hospital", "Ruijin Hospital", "department", "Cardiology", "doctor", "Wang Jianhua",
                        "time", "2026-12-08T09:30"));
        f.put(Template.TAXI, zh
                ? Map.of("from", "控江路1029弄", "to", "瑞金医院", "time", "2026-12-08T08:30", "plate", "沪A12345",
                        "driverPhone", "13912345678", "eta", "10")
                : Map.of("from", "1029 Kongjiang Road", "to", "Ruijin Hospital", "time", "2026-12-08T08:30",
                        "plate", "沪A12345", "driverPhone", "13912345678", "eta", "10"));
        f.put(Template.REMINDER, zh
                ? Map.of("time", "2026-12-08T09:30", "hospital", "瑞金医院", "department", "心内科", "doctor", "王建华")
                : Map.of("time", "2026-12-08T09:30", "hospital", "Ruijin Hospital", "department", "Cardiology",
                        "doctor", "Wang Jianhua"));
        f.put(Template.CHECK_IN, Map.of());
        List<String> out = new ArrayList<>();
        f.forEach((t, fields) -> out.add(Templates.render(t, lang, name, Templates.validate(t, fields))));
        return out;
    }

    static Row rtf(String label, TtsEngine engine, List<String> messages, Path work) throws IOException {
        Path wav = work.resolve("rtf.wav");
        engine.synthesize(messages.get(0), wav); // warm-up: voice loading, JIT
        List<Double> rtf = new ArrayList<>();
        List<Double> millis = new ArrayList<>();
        List<Double> seconds = new ArrayList<>();
        double levelMin = Double.MAX_VALUE, levelMax = -Double.MAX_VALUE;
        for (int r = 0; r < REPS; r++) {
            for (String m : messages) {
                long t0 = System.nanoTime();
                engine.synthesize(m, wav);
                double ms = (System.nanoTime() - t0) / 1e6;
                double audio = AudioFiles.samples(wav).length / (double) AudioFiles.rate(wav);
                double level = AudioFiles.level(wav);
                levelMin = Math.min(levelMin, level);
                levelMax = Math.max(levelMax, level);
                rtf.add(ms / 1000 / audio);
                millis.add(ms);
                seconds.add(audio);
            }
        }
        double[] s = rtf.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return new Row(label, s.length, median(seconds), median(millis), q(s, 0.5), q(s, 0.1), q(s, 0.9), s[0],
                s[s.length - 1], levelMin, levelMax);
    }

    /** Hits on prompts that are made: a plain prompt, and a broadcast message composed with a recorded phrase. */
    static List<Hits> hits(Path work) throws IOException {
        Path recorded = work.resolve("recorded");
        Path zh = Files.createDirectories(recorded.resolve("zh"));
        AudioFiles.speech(zh.resolve("keys.booking.wav"), "cmn+f2", "确认请按1，再听一遍请按2，转人工服务请按0。");
        PromptCache cache = PromptCache.standard(work.resolve("prompts"), RecordedPrompts.in(recorded),
                PromptCache.DEFAULT_MAX_BYTES);
        String text = "您好，马上为您接通。";
        cache.prompt(text, "zh").orElseThrow();
        Map<String, String> fields = Templates.validate(Template.REGISTRATION, Map.of("hospital", "瑞金医院",
                "department", "心内科", "doctor", "王建华", "time", "2026-12-08T09:30"));
        List<PromptCache.Part> parts = Templates.segments(Template.REGISTRATION, "zh", "张桂英", fields).stream()
                .map(s -> new PromptCache.Part(s.phrase(), s.text())).toList();
        cache.compose(parts, "zh").orElseThrow();
        long made = cache.synthesized();
        Hits plain = time("PromptCache.prompt, an existing TTS prompt", () -> cache.prompt(text, "zh").orElseThrow());
        Hits composed = time("PromptCache.compose, a registration message with a recorded phrase",
                () -> cache.compose(parts, "zh").orElseThrow());
        if (cache.synthesized() != made) {
            throw new IllegalStateException("a hit synthesised: the cache is broken");
        }
        return List.of(plain, composed);
    }

    static Hits time(String what, Runnable hit) {
        for (int i = 0; i < 1000; i++) {
            hit.run();
        }
        long[] ns = new long[HITS];
        // CPU time of the thread as well: on a shared machine the wall-clock tail includes time spent descheduled
        long[] cpu = new long[HITS];
        java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        for (int i = 0; i < HITS; i++) {
            long c0 = threads.getCurrentThreadCpuTime();
            long t0 = System.nanoTime();
            hit.run();
            ns[i] = System.nanoTime() - t0;
            cpu[i] = threads.getCurrentThreadCpuTime() - c0;
        }
        Arrays.sort(ns);
        Arrays.sort(cpu);
        double[] ms = Arrays.stream(ns).mapToDouble(n -> n / 1e6).toArray();
        double[] cpuMs = Arrays.stream(cpu).mapToDouble(n -> n / 1e6).toArray();
        return new Hits(what, HITS, q(ms, 0.5), q(ms, 0.99), ms[ms.length - 1], q(cpuMs, 0.5), q(cpuMs, 0.99));
    }

    private static void print(List<Row> rows, List<Hits> hits) {
        for (Row r : rows) {
            System.out.printf(Locale.ROOT, "%-22s runs %d, audio %.1f s, synthesis %.0f ms, RTF median %.3f (p10 %.3f, p90 %.3f,"
                            + " min %.3f, max %.3f), level %.2f..%.2f dBFS%n", r.engine(), r.runs(), r.audioSeconds(),
                    r.synthMillis(), r.rtfMedian(), r.rtfP10(), r.rtfP90(), r.rtfMin(), r.rtfMax(), r.levelMin(), r.levelMax());
        }
        for (Hits h : hits) {
            System.out.printf(Locale.ROOT, "%s: %d hits, p50 %.3f ms, p99 %.3f ms, max %.3f ms; CPU p50 %.3f ms, p99 %.3f ms%n",
                    h.what(), h.n(), h.p50(), h.p99(), h.max(), h.cpuP50(), h.cpuP99());
        }
    }

    private static void append(Path out, String started, String loadBefore, String loadAfter, List<String> zh,
                               List<Row> rows, List<Hits> hits) throws IOException {
        StringBuilder md = new StringBuilder();
        md.append(String.format(Locale.ROOT, """

                ## TTS: real-time factor of the voices, prompt-cache hits (TtsBench) — %s

                - machine: %d CPUs (%s), %s RAM; Java %s (%s); %s
                - load average before: %s; after: %s
                - messages: the 4 broadcast templates (registration, taxi, reminder, check-in) rendered by `Templates` with \
                realistic fields, in Mandarin for espeak-ng cmn (%d to %d characters) and in English for FreeTTS and \
                espeak-ng en-us; each synthesised %d times after one warm-up. Time: the whole `TtsEngine.synthesize` (the \
                voice, resampling to 8 kHz, loudness normalisation, the atomic write); RTF = time / audio length (below 1: \
                faster than real time)

                | engine | runs | audio per message, median | synthesis per message, median | RTF median | RTF p10 – p90 | RTF min – max | level of the prompts (target %.0f dBFS) |
                |---|---|---|---|---|---|---|---|
                """, started, Runtime.getRuntime().availableProcessors(), ProcessStats.cpuModel(), ProcessStats.memTotal(),
                System.getProperty("java.version"), System.getProperty("java.vm.name"), espeakVersion(), loadBefore,
                loadAfter, zh.stream().mapToInt(String::length).min().orElse(0),
                zh.stream().mapToInt(String::length).max().orElse(0), REPS, Loudness.TARGET_DBFS));
        for (Row r : rows) {
            md.append(String.format(Locale.ROOT, "| %s | %d | %.1f s | %.0f ms | %.3f | %.3f – %.3f | %.3f – %.3f | %.2f … %.2f dBFS |%n",
                    r.engine(), r.runs(), r.audioSeconds(), r.synthMillis(), r.rtfMedian(), r.rtfP10(), r.rtfP90(),
                    r.rtfMin(), r.rtfMax(), r.levelMin(), r.levelMax()));
        }
        md.append("\n| prompt cache hit (recordings configured), one thread | hits | p50 | p99 | max | CPU time p50 / p99 | target p99 ≤ 1 ms |\n|---|---|---|---|---|---|---|\n");
        for (Hits h : hits) {
            md.append(String.format(Locale.ROOT, "| %s | %,d after 1,000 warm-up | %.3f ms | %.3f ms | %.3f ms | %.3f / %.3f ms | %s |%n",
                    h.what(), h.n(), h.p50(), h.p99(), h.max(), h.cpuP50(), h.cpuP99(),
                    h.p99() <= TARGET_HIT_P99_MS ? "met" : "NOT met"));
        }
        if (out.getParent() != null) {
            Files.createDirectories(out.getParent());
        }
        if (!Files.exists(out)) {
            Files.writeString(out, "# OneKey benchmarks\n\nFigures appended by the benchmark mains; newest last.\n",
                    StandardCharsets.UTF_8);
        }
        Files.writeString(out, md.toString(), StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        System.out.println("appended to " + out.toAbsolutePath());
    }

    private static double median(List<Double> v) {
        return q(v.stream().mapToDouble(Double::doubleValue).sorted().toArray(), 0.5);
    }

    /** The q-quantile of sorted values (nearest rank). */
    private static double q(double[] sorted, double q) {
        int idx = (int) Math.ceil(q * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, idx))];
    }

    private static String espeakVersion() {
        try {
            Process p = new ProcessBuilder("espeak-ng", "--version").redirectErrorStream(true).start();
            String v = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().findFirst().orElse("");
            p.waitFor();
            return v.replaceAll("\\s+Data at:.*", "").trim();
        } catch (IOException e) {
            return "espeak-ng version unknown";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "espeak-ng version unknown";
        }
    }
}
