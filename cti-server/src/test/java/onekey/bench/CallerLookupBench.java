package onekey.bench;

import static onekey.store.jooq.Tables.ELDERS;
import static onekey.store.jooq.Tables.ELDER_CONTACTS;
import static onekey.store.jooq.Tables.ELDER_PHONES;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.LocalDate;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import onekey.elders.JooqElderRepository;
import onekey.testkit.ProcessStats;
import onekey.store.Database;
import org.jooq.BatchBindStep;
import org.jooq.DSLContext;

/**
 * Caller lookup benchmark (not a test): the hot path of every inbound call, {@code ElderRepository.findByPhone},
 * against an H2 file database holding 1,000,000 elders (one or two phones and two contacts each).
 * Target: p99 ≤ 1 ms. Prints the figures and appends a section to the markdown file given as the first argument.
 *
 * <pre>
 * ./mvnw -q -o -B test-compile -pl cti-server
 * ./mvnw -q -o -B exec:java -pl cti-server -Dexec.classpathScope=test \
 *     -Dexec.mainClass=onekey.bench.CallerLookupBench -Dexec.args="$PWD/docs/benchmarks.md"
 * </pre>
 * Optional second argument: the number of elders (default 1000000).
 */
public final class CallerLookupBench {

    private static final int LOOKUPS = 100_000;
    private static final int WARMUP = 50_000;
    private static final int BATCH = 5_000;
    private static final double MISS_RATE = 0.10;

    private CallerLookupBench() {}

    public static void main(String[] args) throws Exception {
        quietLogs();
        Path out = Path.of(args.length > 0 ? args[0] : "docs/benchmarks.md");
        int elders = args.length > 1 ? Integer.parseInt(args[1]) : 1_000_000;
        // -Donekey.bench.dir=/some/dir keeps the loaded database there and reuses it on the next run (for tuning).
        String keep = System.getProperty("onekey.bench.dir");
        Path dir = keep != null ? Files.createDirectories(Path.of(keep)) : Files.createTempDirectory("onekey-bench-");
        boolean reuse = keep != null && Files.exists(dir.resolve("onekey.mv.db"));
        // -Donekey.bench.h2flags=";MODE=..." tries other H2 settings than Database.H2_FLAGS.
        String flags = System.getProperty("onekey.bench.h2flags", Database.H2_FLAGS);
        String url = "jdbc:h2:file:" + dir.resolve("onekey").toAbsolutePath() + flags;
        try (Database db = Database.open(url, "sa", "", 4)) {
            long t0 = System.nanoTime();
            if (!reuse) {
                load(db.dsl(), elders);
            }
            double loadSeconds = (System.nanoTime() - t0) / 1e9;
            long fileBytes = Files.size(dir.resolve("onekey.mv.db"));
            System.out.printf(Locale.ROOT, "loaded %,d elders in %.1f s (H2 file %,d MB)%n",
                    elders, loadSeconds, fileBytes >> 20);

            JooqElderRepository repo = new JooqElderRepository(db, "21");
            SplittableRandom rnd = new SplittableRandom(42);
            int hits = 0;
            for (int i = 0; i < WARMUP; i++) {
                hits += repo.findByPhone(randomCaller(rnd, elders)).isPresent() ? 1 : 0;
            }
            long[] nanos = new long[LOOKUPS];
            // CPU time of the lookup thread as well: on a shared machine wall-clock tails include time spent
            // descheduled, which CPU time does not.
            long[] cpu = new long[LOOKUPS];
            ThreadMXBean threads = ManagementFactory.getThreadMXBean();
            hits = 0;
            int expectedHits = 0;
            for (int i = 0; i < LOOKUPS; i++) {
                String phone = randomCaller(rnd, elders);
                expectedHits += phone.startsWith("214") ? 0 : 1;
                long c0 = threads.getCurrentThreadCpuTime();
                long s = System.nanoTime();
                boolean found = repo.findByPhone(phone).isPresent();
                nanos[i] = System.nanoTime() - s;
                cpu[i] = threads.getCurrentThreadCpuTime() - c0;
                hits += found ? 1 : 0;
            }
            Arrays.sort(cpu);
            String cpuFigures = String.format(Locale.ROOT, "p50 %.0f µs, p99 %.0f µs, p99.9 %.0f µs",
                    micros(cpu, 0.50), micros(cpu, 0.99), micros(cpu, 0.999));
            System.out.println("CPU time per lookup: " + cpuFigures);
            if (hits != expectedHits) {
                throw new IllegalStateException("lookup results wrong: " + hits + " hits, expected " + expectedHits);
            }
            Arrays.sort(nanos);
            double p50 = micros(nanos, 0.50), p99 = micros(nanos, 0.99), p999 = micros(nanos, 0.999);
            double max = nanos[nanos.length - 1] / 1000.0;
            boolean met = p99 <= 1000.0;
            System.out.printf(Locale.ROOT, "findByPhone x %,d (%,d hits, %,d misses): p50 %.0f µs, p99 %.0f µs, "
                            + "p99.9 %.0f µs, max %.0f µs -> target p99 <= 1 ms %s%n",
                    LOOKUPS, hits, LOOKUPS - hits, p50, p99, p999, max, met ? "MET" : "NOT MET");
            append(out, elders, loadSeconds, fileBytes, hits, p50, p99, p999, max, met, flags, cpuFigures);
        } finally {
            if (keep == null) {
                try (Stream<Path> s = Files.walk(dir)) {
                    s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
        }
    }

    /** 90 % phones of existing elders (landline or mobile), 10 % unknown numbers (prefix 214, never stored). */
    private static String randomCaller(SplittableRandom rnd, int elders) {
        if (rnd.nextDouble() < MISS_RATE) {
            return "214" + String.format(Locale.ROOT, "%07d", rnd.nextInt(10_000_000));
        }
        int i = 1 + rnd.nextInt(elders);
        return (i % 2 == 0 && rnd.nextBoolean()) ? mobile(i) : landline(i);
    }

    private static String landline(int i) {
        return "215" + String.format(Locale.ROOT, "%07d", i);
    }

    private static String mobile(int i) {
        return "139" + String.format(Locale.ROOT, "%08d", i);
    }

    /** Batched inserts with explicit ids, one transaction per batch. Every second elder has a mobile too. */
    private static void load(DSLContext dsl, int n) {
        String[] surnames = {"张", "王", "李", "陈", "刘", "赵", "黄", "周", "吴", "徐"};
        String[] districts = {"杨浦区", "徐汇区", "静安区", "长宁区", "浦东新区", "黄浦区", "虹口区", "普陀区"};
        long now = System.currentTimeMillis();
        for (int from = 1; from <= n; from += BATCH) {
            int to = Math.min(n, from + BATCH - 1);
            int first = from;
            dsl.transaction(cfg -> {
                DSLContext tx = cfg.dsl();
                BatchBindStep e = tx.batch(tx.insertInto(ELDERS, ELDERS.ID, ELDERS.NAME, ELDERS.BIRTH_DATE, ELDERS.GENDER,
                                ELDERS.ADDRESS, ELDERS.LANDMARKS, ELDERS.DISTRICT, ELDERS.LANGUAGE, ELDERS.CATEGORY,
                                ELDERS.HEALTH_CONDITIONS, ELDERS.MEDICATIONS, ELDERS.ALLERGIES, ELDERS.MOBILITY,
                                ELDERS.DEVICE, ELDERS.NOTES, ELDERS.CREATED_AT, ELDERS.UPDATED_AT)
                        .values((Long) null, null, null, null, null, null, null, null, null, null, null, null, null,
                                null, null, null, null));
                BatchBindStep p = tx.batch(tx.insertInto(ELDER_PHONES, ELDER_PHONES.ELDER_ID, ELDER_PHONES.ORD,
                        ELDER_PHONES.PHONE).values((Long) null, null, null));
                BatchBindStep c = tx.batch(tx.insertInto(ELDER_CONTACTS, ELDER_CONTACTS.ELDER_ID, ELDER_CONTACTS.ORD,
                        ELDER_CONTACTS.NAME, ELDER_CONTACTS.RELATION, ELDER_CONTACTS.PHONE).values((Long) null, null, null, null, null));
                for (int i = first; i <= to; i++) {
                    String surname = surnames[i % surnames.length];
                    e = e.bind((long) i, surname + "老人" + i, LocalDate.of(1930 + i % 15, 1 + i % 12, 1 + i % 28),
                            i % 2 == 0 ? "female" : "male", districts[i % districts.length] + "测试路" + (i % 2000) + "弄"
                                    + (i % 50) + "号" + (100 + i % 600) + "室", "小区门口有便利店，近地铁站",
                            districts[i % districts.length], i % 20 == 0 ? "en" : "zh", "district-paid",
                            "高血压，糖尿病", "氨氯地平 5mg 每日一次", "青霉素", "拄拐杖", "one-key landline",
                            null, now, now);
                    p = p.bind((long) i, 0, landline(i));
                    if (i % 2 == 0) {
                        p = p.bind((long) i, 1, mobile(i));
                    }
                    c = c.bind((long) i, 0, surname + "子女" + i, "儿子", "138" + String.format(Locale.ROOT, "%08d", i));
                    c = c.bind((long) i, 1, "测试居委会" + (i % 500), "居委", "2166" + String.format(Locale.ROOT, "%06d", i % 1_000_000));
                }
                e.execute();
                p.execute();
                c.execute();
            });
            if (to % 100_000 == 0) {
                System.out.printf(Locale.ROOT, "  %,d elders%n", to);
            }
        }
    }

    /** Without a logback.xml on the class path logback logs DEBUG: not what is being measured. */
    private static void quietLogs() {
        if (org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)
                instanceof ch.qos.logback.classic.Logger root) {
            root.setLevel(ch.qos.logback.classic.Level.INFO);
        }
    }

    private static double micros(long[] sorted, double q) {
        int idx = (int) Math.ceil(q * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, idx))] / 1000.0;
    }

    private static void append(Path out, int elders, double loadSeconds, long fileBytes, int hits, double p50,
                               double p99, double p999, double max, boolean met, String flags, String cpuFigures) throws IOException {
        String md = String.format(Locale.ROOT, """

                ## Caller lookup (ElderRepository.findByPhone), H2 file database — %s

                - machine: %d CPUs (%s), %s RAM; Java %s (%s); H2 flags `%s`
                - data: %,d elders, %,d phones (every second elder has a mobile), 2 contacts each; loaded in %.1f s (batched inserts); file %,d MB
                - lookups: %,d random caller numbers after %,d warm-up lookups, one thread, %,d hits and %,d misses
                - latency (wall clock): p50 %.0f µs, p99 %.0f µs, p99.9 %.0f µs, max %.0f µs
                - CPU time of the lookup thread: %s
                - load average during the run (other processes on the machine): %s
                - target p99 ≤ 1 ms: **%s**
                """,
                ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME.withLocale(Locale.ROOT)).substring(0, 19),
                Runtime.getRuntime().availableProcessors(), ProcessStats.cpuModel(), ProcessStats.memTotal(),
                System.getProperty("java.version"), System.getProperty("java.vm.name"), flags,
                elders, elders + elders / 2, loadSeconds, fileBytes >> 20,
                LOOKUPS, WARMUP, hits, LOOKUPS - hits, p50, p99, p999, max, cpuFigures, ProcessStats.loadAverage(),
                met ? "met" : "NOT met");
        if (out.getParent() != null) {
            Files.createDirectories(out.getParent());
        }
        if (!Files.exists(out)) {
            Files.writeString(out, "# OneKey benchmarks\n\nFigures appended by the benchmark mains; newest last.\n",
                    StandardCharsets.UTF_8);
        }
        Files.writeString(out, md, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        System.out.println("appended to " + out.toAbsolutePath());
    }
}
