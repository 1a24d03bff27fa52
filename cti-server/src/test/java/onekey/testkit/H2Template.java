package onekey.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import onekey.store.Database;
import org.h2.api.ErrorCode;

/**
 * An empty OneKey schema on H2, migrated once per test JVM (and H2 user) by the same {@link Database#open} (Flyway,
 * every migration of {@code sql/}) the server runs; a {@link Stack}'s fresh H2 database, and a unit test's
 * ({@link #open}), starts as a copy of its file. {@link Database#open} then runs as usual and Flyway finds nothing left
 * to apply. A fresh schema cost each of the ITs' server starts 1–2 s of CPU (62 migrations, H2's ALTER TABLE copies its
 * table; cold) and each of the ~130 unit tests on a database ~160 ms warm, on the two cores the forks share.
 * Migrating a fresh database is still tested: StorageIT on both engines, the demo's first start, DemoKillIT.
 */
public final class H2Template {

    /** H2's file for a URL {@code jdbc:h2:file:<base>;…}. */
    static final String SUFFIX = ".mv.db";

    /** One template per user name: H2 makes the user who creates a database its owner. */
    private static final java.util.Map<String, Path> TEMPLATES = new java.util.HashMap<>();

    private H2Template() {}

    /**
     * {@link Database#open} on {@code base}'s H2 file as {@code user}, the file first copied from the template when it
     * is not there yet: what a unit test's fresh database needs, for ~25 ms of CPU instead of ~160 ms (warm) for the
     * migrations.
     */
    public static Database open(Path base, String user, int poolSize) {
        seedIfAbsent(base.toAbsolutePath(), user);
        return Database.open(Database.h2FileUrl(base), user, "", poolSize);
    }

    /** Copies the template into {@code base + ".mv.db"} when no database is there yet; returns whether it did. */
    static boolean seedIfAbsent(Path base) {
        return seedIfAbsent(base, "onekey");
    }

    static boolean seedIfAbsent(Path base, String user) {
        Path target = Path.of(base + SUFFIX);
        if (Files.exists(target)) {
            return false;
        }
        try {
            Files.createDirectories(target.getParent());
            Files.copy(file(user), target);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy the migrated H2 template to " + target, e);
        }
        return true;
    }

    private static synchronized Path file(String user) throws IOException {
        Path template = TEMPLATES.get(user);
        if (template == null) {
            Path dir = Files.createTempDirectory("okh2template");
            Path base = dir.resolve("onekey");
            String url = Database.h2FileUrl(base);
            Database.open(url, user, "", 1).close();
            // closed and written whole (compacted: a smaller copy) before it is copied
            try (Connection c = DriverManager.getConnection(url, user, ""); Statement st = c.createStatement()) {
                st.execute("SHUTDOWN COMPACT");
            } catch (SQLException e) {
                if (e.getErrorCode() != ErrorCode.DATABASE_IS_CLOSED) { // the shutdown's own doing
                    throw new IOException("cannot close the H2 template " + base + ": " + e.getMessage(), e);
                }
            }
            template = Path.of(base + SUFFIX);
            TEMPLATES.put(user, template);
            dir.toFile().deleteOnExit();
            template.toFile().deleteOnExit();
        }
        return template;
    }
}
