package onekey.store;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.jooq.ExecuteContext;
import org.jooq.ExecuteListener;
import org.jooq.TransactionContext;
import org.jooq.TransactionListener;

/**
 * A diagnostic for benches (issue 23): counts every statement jOOQ runs by its SQL and the thread that ran it, and every
 * commit (a write outside a transaction, a jOOQ transaction, {@link Database#inOneTransaction}); written to the file
 * named by {@code -Donekey.db.stats=FILE} every 5 s and at exit. Off (no listener at all) unless that property is set.
 */
final class DbStats implements ExecuteListener, TransactionListener {

    static final String PROPERTY = "onekey.db.stats";

    private static volatile DbStats instance;

    private final Path file;
    private final Map<String, LongAdder> statements = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> commits = new ConcurrentHashMap<>();

    private DbStats(Path file) {
        this.file = file;
    }

    /** The process's statistics when {@code -Donekey.db.stats} names a file, else null. */
    static synchronized DbStats ifEnabled() {
        String f = System.getProperty(PROPERTY);
        if (f == null || f.isBlank()) {
            return null;
        }
        if (instance == null) {
            DbStats s = new DbStats(Path.of(f));
            Thread t = Thread.ofPlatform().daemon().name("db-stats").start(() -> {
                while (true) {
                    try {
                        Thread.sleep(5_000); // a periodic dump, not a wait for a condition
                    } catch (InterruptedException e) {
                        return;
                    }
                    s.write();
                }
            });
            Runtime.getRuntime().addShutdownHook(new Thread(s::write, "db-stats-exit"));
            instance = s;
        }
        return instance;
    }

    private static String thread() {
        return Thread.currentThread().getName().replaceAll("\\d+", "*").replaceFirst("^$", "(virtual)");
    }

    private static String shape(String sql) {
        String s = sql.replaceAll("\\(\\?(, \\?)*\\)", "(?…)").replaceAll("\\s+", " ");
        return s.length() > 160 ? s.substring(0, 160) + "…" : s;
    }

    @Override
    public void executeEnd(ExecuteContext ctx) {
        count(ctx.sql(), ctx.connection());
    }

    /** A statement run outside jOOQ's execution ({@link Prepared}): counted as jOOQ's are, when the statistics are on. */
    static void executed(String sql, java.sql.Connection c) {
        DbStats s = instance;
        if (s != null) {
            s.count(sql, c);
        }
    }

    private void count(String sql, java.sql.Connection c) {
        if (sql == null) {
            return;
        }
        String t = thread();
        statements.computeIfAbsent(t + " | " + shape(sql), k -> new LongAdder()).increment();
        try {
            if (c != null && c.getAutoCommit() && !sql.regionMatches(true, 0, "select", 0, 6)) {
                commits.computeIfAbsent(t + " | autocommit", k -> new LongAdder()).increment();
            }
        } catch (java.sql.SQLException e) {
            // a closed connection: not counted
        }
    }

    @Override
    public void commitEnd(TransactionContext ctx) {
        commits.computeIfAbsent(thread() + " | jOOQ transaction", k -> new LongAdder()).increment();
    }

    /** A commit of {@link Database#inOneTransaction}. */
    void oneTransactionCommitted() {
        commits.computeIfAbsent(thread() + " | inOneTransaction", k -> new LongAdder()).increment();
    }

    synchronized void write() {
        List<String> out = new ArrayList<>();
        out.add("# statements by thread | sql (count)");
        statements.entrySet().stream().sorted((a, b) -> Long.compare(b.getValue().sum(), a.getValue().sum()))
                .forEach(e -> out.add(e.getValue().sum() + "\t" + e.getKey()));
        out.add("# commits by thread | kind (count)");
        commits.entrySet().stream().sorted((a, b) -> Long.compare(b.getValue().sum(), a.getValue().sum()))
                .forEach(e -> out.add(e.getValue().sum() + "\t" + e.getKey()));
        try {
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.write(tmp, out, StandardCharsets.UTF_8);
            Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            System.err.println("db-stats: cannot write " + file + ": " + e);
        }
    }
}
