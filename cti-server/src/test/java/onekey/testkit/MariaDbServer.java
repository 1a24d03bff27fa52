package onekey.testkit;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * A private MariaDB server for integration tests: its own data directory in a temp dir, TCP on a free loopback
 * port, its own socket and pid files, a small buffer pool. Uses the Debian package mariadb-server (installed by
 * {@code ./onekey setup}); a missing binary fails the test run, it is never skipped.
 *
 * <pre>{@code
 * try (MariaDbServer maria = MariaDbServer.start()) {
 *     Database db = Database.open(maria.jdbcUrl(), maria.user(), maria.password(), 4);   // database "onekey"
 *     String other = maria.createDatabase("it_calls");   // a fresh, empty database on the same server
 * }
 * }</pre>
 *
 * Start one per test class ({@code @BeforeAll}), not per test: starting takes one to three seconds.
 * The server runs with {@code --user=root} (tests run as root) and grants checked: the account
 * {@link #user()} / {@link #password()} has all privileges. A JVM shutdown hook stops a server that was not
 * closed.
 */
public final class MariaDbServer implements AutoCloseable {

    public static final Path MARIADBD = Path.of(System.getProperty("onekey.mariadbd", "/usr/sbin/mariadbd"));
    public static final Path INSTALL_DB = Path.of(System.getProperty("onekey.mariadb-install-db", "/usr/bin/mariadb-install-db"));

    private static final String USER = "onekey";
    private static final String PASSWORD = "onekey-it";
    private static final AtomicInteger DB_SEQ = new AtomicInteger();

    private final Path dir;
    private volatile Process process;
    private final int port;
    private final Thread shutdownHook;
    private volatile boolean closed;

    private MariaDbServer(Path dir, Process process, int port) {
        this.dir = dir;
        this.process = process;
        this.port = port;
        this.shutdownHook = new Thread(this::stopQuietly, "mariadb-stop-" + port);
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /** Starts a server with database {@code onekey}; waits (up to 60 s) until it accepts connections. */
    public static MariaDbServer start() {
        requireInstalled();
        Path dir;
        try {
            dir = Files.createTempDirectory("onekey-mariadb-");
            Files.createDirectories(dir.resolve("data"));
            Files.createDirectories(dir.resolve("tmp"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temp dir for MariaDB", e);
        }
        try {
            installDb(dir);
            // A free port can be taken between probing and binding: try a few.
            IllegalStateException last = null;
            for (int attempt = 0; attempt < 3; attempt++) {
                int port = Ports.free();
                Process p = launch(dir, port);
                try {
                    waitReady(dir, p, port);
                    MariaDbServer server = new MariaDbServer(dir, p, port);
                    server.bootstrap();
                    return server;
                } catch (IllegalStateException e) {
                    last = e;
                    p.destroyForcibly();
                    p.waitFor(10, TimeUnit.SECONDS);
                    if (!errorLog(dir).contains("Address already in use")) {
                        break;
                    }
                }
            }
            throw last;
        } catch (RuntimeException | InterruptedException e) {
            deleteTree(dir);
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while starting MariaDB", e);
            }
            throw (RuntimeException) e;
        }
    }

    private static void requireInstalled() {
        if (!Files.isExecutable(MARIADBD) || !Files.isExecutable(INSTALL_DB)) {
            throw new IllegalStateException("MariaDB is not installed (" + MARIADBD + " / " + INSTALL_DB
                    + " missing): run ./onekey setup (it installs the Debian package mariadb-server)");
        }
    }

    /**
     * One mariadb-install-db at a time in this JVM (DatabaseFreezeIT starts two servers at once; two installs side by
     * side once failed with exit code 1), and once more on a clean data folder if it fails, its whole log printed.
     */
    private static final Object INSTALLING = new Object();

    private static void installDb(Path dir) {
        List<String> cmd = List.of(INSTALL_DB.toString(), "--no-defaults", "--datadir=" + dir.resolve("data"),
                "--user=root", "--auth-root-authentication-method=normal", "--skip-test-db", "--skip-name-resolve");
        synchronized (INSTALLING) {
            try {
                run(dir, cmd, "install.log");
            } catch (IllegalStateException first) {
                System.err.println("mariadb-install-db failed, once more on a clean data folder; its log:\n"
                        + read(dir.resolve("install.log")));
                deleteTree(dir.resolve("data"));
                try {
                    Files.createDirectories(dir.resolve("data"));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                run(dir, cmd, "install-again.log");
            }
        }
    }

    private static Process launch(Path dir, int port) {
        List<String> cmd = new ArrayList<>(List.of(
                MARIADBD.toString(), "--no-defaults",
                "--datadir=" + dir.resolve("data"),
                "--socket=" + dir.resolve("mariadbd.sock"),
                "--pid-file=" + dir.resolve("mariadbd.pid"),
                "--tmpdir=" + dir.resolve("tmp"),
                "--log-error=" + dir.resolve("error.log"),
                "--port=" + port,
                "--bind-address=127.0.0.1",
                "--user=root",
                // Start without grant checks just long enough to create the test account (see bootstrap).
                "--skip-grant-tables",
                "--skip-name-resolve",
                "--character-set-server=utf8mb4",
                "--collation-server=utf8mb4_unicode_ci",
                "--innodb-buffer-pool-size=64M",
                "--innodb-log-file-size=16M",
                "--innodb-flush-log-at-trx-commit=2",
                "--max-connections=200",
                "--skip-log-bin"));
        try {
            return new ProcessBuilder(cmd)
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("stdout.log").toFile())
                    .start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + MARIADBD + ": " + e.getMessage(), e);
        }
    }

    private static void waitReady(Path dir, Process p, int port) {
        String url = "jdbc:mariadb://127.0.0.1:" + port + "/?connectTimeout=1000";
        try {
            await("MariaDB on port " + port + " accepting connections")
                    .atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> {
                        if (!p.isAlive()) {
                            throw new IllegalStateException("mariadbd exited with " + p.exitValue()
                                    + "; error log " + dir.resolve("error.log") + ":\n" + tail(errorLog(dir)));
                        }
                        try (Connection c = DriverManager.getConnection(url, "root", "")) {
                            return c.isValid(1);
                        } catch (SQLException e) {
                            return false;
                        }
                    });
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new IllegalStateException("MariaDB did not accept connections on port " + port
                    + " within 60 s; error log:\n" + tail(errorLog(dir)), e);
        }
    }

    /**
     * Loads the grant tables (FLUSH PRIVILEGES ends skip-grant mode for new connections), then creates the
     * test account and the database {@code onekey}.
     */
    private void bootstrap() {
        try (Connection c = DriverManager.getConnection("jdbc:mariadb://127.0.0.1:" + port + "/", "root", "");
             Statement st = c.createStatement()) {
            st.execute("FLUSH PRIVILEGES");
            st.execute("CREATE USER '" + USER + "'@'%' IDENTIFIED BY '" + PASSWORD + "'");
            st.execute("GRANT ALL PRIVILEGES ON *.* TO '" + USER + "'@'%' WITH GRANT OPTION");
            st.execute("CREATE DATABASE onekey CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci");
        } catch (SQLException e) {
            close();
            throw new IllegalStateException("cannot set up the MariaDB test account: " + e.getMessage(), e);
        }
    }

    /** {@code jdbc:mariadb://127.0.0.1:PORT/onekey}. */
    public String jdbcUrl() {
        return jdbcUrl("onekey");
    }

    public String jdbcUrl(String database) {
        return "jdbc:mariadb://127.0.0.1:" + port + "/" + database;
    }

    public String user() {
        return USER;
    }

    public String password() {
        return PASSWORD;
    }

    /**
     * The server's statement counters (SHOW GLOBAL STATUS: Questions and the Com_* counters that are not 0), for a
     * bench to count what a unit of work costs the database.
     */
    public java.util.Map<String, Long> statementCounters() {
        java.util.Map<String, Long> out = new java.util.TreeMap<>();
        try (Connection c = DriverManager.getConnection(jdbcUrl(""), USER, PASSWORD);
             Statement st = c.createStatement();
             var rs = st.executeQuery("SHOW GLOBAL STATUS WHERE Variable_name = 'Questions' OR Variable_name LIKE 'Com\\_%'")) {
            while (rs.next()) {
                long v = rs.getLong(2);
                if (v != 0) {
                    out.put(rs.getString(1), v);
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read MariaDB's status: " + e.getMessage(), e);
        }
        return out;
    }

    /** The server's process id (its CPU, /proc). */
    public long pid() {
        return process.pid();
    }

    public int port() {
        return port;
    }

    /** Freezes the server (SIGSTOP): connections stay open and nothing answers, as with a hung database host. */
    public void freeze() {
        signal("STOP");
    }

    /** Resumes a frozen server (SIGCONT). */
    public void thaw() {
        signal("CONT");
    }

    /**
     * Kills the server with SIGKILL (kill -9), as a crash or the OOM killer does: its connections are reset and the
     * port refuses new ones until {@link #restart()}.
     */
    public void kill() {
        signal("KILL");
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("mariadbd " + process.pid() + " still alive 10 s after kill -9");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Starts the killed server again on the same data and port (crash recovery); waits until it accepts connections. */
    public synchronized void restart() {
        if (process.isAlive()) {
            throw new IllegalStateException("mariadbd " + process.pid() + " is still running");
        }
        Process p = launch(dir, port);
        process = p;
        waitReady(dir, p, port);
        // launched with --skip-grant-tables as at the first start: load the grants so the test account is required
        try (Connection c = DriverManager.getConnection("jdbc:mariadb://127.0.0.1:" + port + "/", "root", "");
             Statement st = c.createStatement()) {
            st.execute("FLUSH PRIVILEGES");
        } catch (SQLException e) {
            throw new IllegalStateException("cannot load the grant tables after the restart: " + e.getMessage(), e);
        }
    }

    private void signal(String sig) {
        try {
            Process k = new ProcessBuilder("kill", "-" + sig, String.valueOf(process.pid())).inheritIO().start();
            if (!k.waitFor(5, TimeUnit.SECONDS) || k.exitValue() != 0) {
                throw new IllegalStateException("kill -" + sig + " " + process.pid() + " failed");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The temp dir holding data, socket, pid and error.log (deleted on close). */
    public Path dir() {
        return dir;
    }

    /**
     * Creates an empty utf8mb4 database named {@code prefix} plus a unique suffix and returns its JDBC URL, so
     * tests that need isolation do not see each other's rows.
     */
    public String createDatabase(String prefix) {
        return createDatabase(prefix, "CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci");
    }

    /**
     * As {@link #createDatabase(String)} with the given options after the name ("" = the server's
     * defaults, which for a server started with MariaDB's built-in defaults, as this one is, is latin1).
     */
    public String createDatabase(String prefix, String options) {
        String name = (prefix == null ? "db" : prefix.replaceAll("[^A-Za-z0-9_]", "_")) + "_" + DB_SEQ.incrementAndGet();
        try (Connection c = DriverManager.getConnection(jdbcUrl(""), USER, PASSWORD);
             Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE " + name + (options.isBlank() ? "" : " " + options));
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create database " + name + ": " + e.getMessage(), e);
        }
        return jdbcUrl(name);
    }

    /** Stops the server (SIGTERM, then SIGKILL after 30 s) and deletes its directory. */
    @Override
    public void close() {
        stopQuietly();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException ignored) {
            // JVM already shutting down: the hook is running or ran.
        }
    }

    private synchronized void stopQuietly() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            thaw(); // a frozen server ignores SIGTERM
        } catch (RuntimeException ignored) {
            // already gone
        }
        process.destroy();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        deleteTree(dir);
    }

    private static void run(Path dir, List<String> cmd, String logName) {
        Path log = dir.resolve(logName);
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(String.join(" ", cmd) + " did not finish within 120 s");
            }
            if (p.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", cmd) + " failed with exit code " + p.exitValue()
                        + ":\n" + tail(read(log)));
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + cmd.get(0) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + cmd.get(0), e);
        }
    }


    private static String errorLog(Path dir) {
        return read(dir.resolve("error.log")) + read(dir.resolve("stdout.log"));
    }

    private static String read(Path p) {
        try {
            return Files.exists(p) ? Files.readString(p, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            return "";
        }
    }

    private static String tail(String s) {
        String[] lines = s.split("\n");
        int from = Math.max(0, lines.length - 20);
        return String.join("\n", java.util.Arrays.copyOfRange(lines, from, lines.length));
    }

    private static void deleteTree(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // best effort: a temp dir
                }
            });
        } catch (IOException ignored) {
            // best effort
        }
    }

    @Override
    public String toString() {
        return "MariaDbServer[127.0.0.1:" + port + " " + dir + "]";
    }
}
