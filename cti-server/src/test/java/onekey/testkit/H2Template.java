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
 * An empty OneKey schema on H2, migrated once per test JVM by the same {@link Database#open} (Flyway, every migration
 * of {@code sql/}) the server runs; a {@link Stack}'s fresh H2 database starts as a copy of its file. The server then
 * opens it as usual and Flyway finds nothing left to apply. A fresh schema cost each of the suite's ~80 server starts
 * 1–2 s of CPU (62 migrations, H2's ALTER TABLE copies its table), on the two cores the ITs' four forks share.
 * Migrating a fresh database is still tested: StorageIT on both engines, the demo's first start, DemoKillIT.
 */
final class H2Template {

    /** H2's file for a URL {@code jdbc:h2:file:<base>;…}. */
    static final String SUFFIX = ".mv.db";

    private static Path template;

    private H2Template() {}

    /** Copies the template into {@code base + ".mv.db"} when no database is there yet; returns whether it did. */
    static boolean seedIfAbsent(Path base) {
        Path target = Path.of(base + SUFFIX);
        if (Files.exists(target)) {
            return false;
        }
        try {
            Files.createDirectories(target.getParent());
            Files.copy(file(), target);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy the migrated H2 template to " + target, e);
        }
        return true;
    }

    private static synchronized Path file() throws IOException {
        if (template == null) {
            Path dir = Files.createTempDirectory("okh2template");
            Path base = dir.resolve("onekey");
            String url = Database.h2FileUrl(base);
            Database.open(url, "onekey", "", 1).close();
            // closed and written whole (compacted: a smaller copy) before it is copied
            try (Connection c = DriverManager.getConnection(url, "onekey", ""); Statement st = c.createStatement()) {
                st.execute("SHUTDOWN COMPACT");
            } catch (SQLException e) {
                if (e.getErrorCode() != ErrorCode.DATABASE_IS_CLOSED) { // the shutdown's own doing
                    throw new IOException("cannot close the H2 template " + base + ": " + e.getMessage(), e);
                }
            }
            template = Path.of(base + SUFFIX);
            dir.toFile().deleteOnExit();
            template.toFile().deleteOnExit();
        }
        return template;
    }
}
