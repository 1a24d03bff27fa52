package onekey.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.Locale;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.jooq.conf.RenderQuotedNames;
import org.jooq.conf.Settings;
import org.jooq.impl.DSL;

/**
 * The database: a HikariCP pool, the Flyway migrations of {@code sql/} (classpath {@code db/migration}) run at
 * open, and a jOOQ {@link DSLContext} for the repositories.
 *
 * <p>Two engines, same migrations, same jOOQ code:
 * <ul>
 *   <li><b>H2</b> (embedded, the default): the URL must open H2 in MariaDB compatibility mode with lowercase
 *   identifiers. The required suffix is {@value #H2_FLAGS} — {@link #h2FileUrl(Path)} builds such a URL, and
 *   {@link #open} appends {@code MODE} / {@code DATABASE_TO_LOWER} to a {@code jdbc:h2:} URL that lacks
 *   them. {@code DEFAULT_NULL_ORDERING=LOW} makes NULLs sort as MariaDB sorts them (first ascending, last
 *   descending); {@code CACHE_SIZE} (KB) keeps the caller-number index in memory.</li>
 *   <li><b>MariaDB</b> 10.11+: {@code jdbc:mariadb://host:3306/onekey}; the database should have
 *   {@code utf8mb4} as its default character set (elders' names are Chinese).</li>
 * </ul>
 * Names are rendered unquoted ({@link RenderQuotedNames#NEVER}) so the generated lowercase names work on both.
 */
public final class Database implements AutoCloseable {

    /** The flags an H2 URL of OneKey carries after the file path. */
    /**
     * WRITE_DELAY=0: a commit reaches the file before it returns (H2's default keeps commits in memory for up to
     * 0.5 s, so a kill -9 lost the last ones: a rescue step marked done came back as "dialing").
     */
    public static final String H2_FLAGS = ";MODE=MariaDB;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=LOW;CACHE_SIZE=262144;WRITE_DELAY=0";

    private static final Pattern SECRET_IN_URL =
            Pattern.compile("(?i)(password|pwd)=([^;&]*)");

    static {
        // jOOQ prints a banner and tips on first use; not in a server's log.
        System.setProperty("org.jooq.no-logo", "true");
        System.setProperty("org.jooq.no-tips", "true");
    }

    private final HikariDataSource pool;
    private final SQLDialect dialect;
    private final DSLContext dsl;
    private final String maskedUrl;

    private Database(HikariDataSource pool, SQLDialect dialect, String maskedUrl) {
        this.pool = pool;
        this.dialect = dialect;
        this.maskedUrl = maskedUrl;
        Settings settings = new Settings()
                .withRenderQuotedNames(RenderQuotedNames.NEVER)
                .withRenderSchema(false)
                .withExecuteLogging(false)
                .withRenderCatalog(false);
        DbStats st = DbStats.ifEnabled();
        this.stats = st;
        if (st == null) {
            this.dsl = DSL.using(new Bound(pool, bound), dialect, settings);
        } else {
            // -Donekey.db.stats=FILE (benches): every statement and commit counted
            this.dsl = DSL.using(new org.jooq.impl.DefaultConfiguration().set(new Bound(pool, bound)).set(dialect)
                    .set(settings).set((org.jooq.ExecuteListener) st).set((org.jooq.TransactionListener) st));
        }
    }

    /** The statement counts of -Donekey.db.stats, or null. */
    private final DbStats stats;

    /** The connection of {@link #inOneTransaction} on this thread, while it runs. */
    private final ThreadLocal<Connection> bound = new ThreadLocal<>();

    /** Something run in one transaction: its statements through {@link #dsl()} on this thread. */
    public interface Work {
        void run() throws Exception;
    }

    /** Whether this thread is inside {@link #inOneTransaction} (a repository then writes without a transaction of its own). */
    public boolean inTransaction() {
        return bound.get() != null;
    }

    /**
     * Runs {@code work} so that every statement it makes through {@link #dsl()} on this thread uses one connection and
     * one transaction, committed at the end (rolled back, and the exception thrown, when {@code work} throws). For
     * writes that are each a single statement and cost a commit each otherwise (the call journal's, issue 23). Nested
     * calls join the outer transaction. Other threads are not affected; {@code work} must not start jOOQ transactions
     * of its own.
     */
    public void inOneTransaction(Work work) throws Exception {
        if (bound.get() != null) {
            work.run();
            return;
        }
        try (Connection c = pool.getConnection()) {
            boolean auto = c.getAutoCommit();
            // MariaDB (issue 23): START TRANSACTION … COMMIT on the pooled autocommit connection, two round trips; the
            // driver's setAutoCommit(false) … commit() … setAutoCommit(true) was three (each a statement: SET
            // autocommit), a third of the journal's commits' statements. Ended by COMMIT or ROLLBACK on every path, so
            // the connection goes back to the pool with no transaction open. H2 (in process) keeps the JDBC way.
            boolean explicit = auto && dialect == SQLDialect.MARIADB;
            if (explicit) {
                run(c, "START TRANSACTION");
            } else {
                c.setAutoCommit(false);
            }
            bound.set(c);
            try {
                work.run();
                if (explicit) {
                    run(c, "COMMIT");
                } else {
                    c.commit();
                }
                if (stats != null) {
                    stats.oneTransactionCommitted();
                }
            } catch (Exception | Error e) {
                try {
                    if (explicit) {
                        run(c, "ROLLBACK");
                    } else {
                        c.rollback();
                    }
                } catch (java.sql.SQLException x) {
                    e.addSuppressed(x);
                    if (explicit) {
                        pool.evictConnection(c); // not known to be out of its transaction: never back to the pool
                    }
                }
                throw e;
            } finally {
                bound.remove();
                if (!explicit) {
                    c.setAutoCommit(auto);
                }
            }
        }
    }

    private static void run(Connection c, String sql) throws java.sql.SQLException {
        try (java.sql.Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

    /** {@link #inOneTransaction} for work that throws no checked exception. */
    public void together(Runnable work) {
        try {
            inOneTransaction(work::run);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The pool as jOOQ sees it: the thread's bound connection (not closed on release) while one is bound. */
    private static final class Bound implements DataSource {
        private final HikariDataSource pool;
        private final ThreadLocal<Connection> bound;

        Bound(HikariDataSource pool, ThreadLocal<Connection> bound) {
            this.pool = pool;
            this.bound = bound;
        }

        @Override
        public Connection getConnection() throws java.sql.SQLException {
            Connection c = bound.get();
            return c == null ? pool.getConnection() : kept(c);
        }

        @Override
        public Connection getConnection(String user, String password) throws java.sql.SQLException {
            Connection c = bound.get();
            return c == null ? pool.getConnection(user, password) : kept(c);
        }

        /** {@code c} with close() doing nothing: the transaction's owner closes it. */
        private static Connection kept(Connection c) {
            return (Connection) java.lang.reflect.Proxy.newProxyInstance(Connection.class.getClassLoader(),
                    new Class<?>[] {Connection.class}, (proxy, m, args) -> {
                        if (m.getName().equals("close") && m.getParameterCount() == 0) {
                            return null;
                        }
                        if (m.getName().equals("isClosed") && m.getParameterCount() == 0) {
                            return c.isClosed();
                        }
                        try {
                            return m.invoke(c, args);
                        } catch (java.lang.reflect.InvocationTargetException e) {
                            throw e.getCause();
                        }
                    });
        }

        @Override
        public java.io.PrintWriter getLogWriter() throws java.sql.SQLException {
            return pool.getLogWriter();
        }

        @Override
        public void setLogWriter(java.io.PrintWriter out) throws java.sql.SQLException {
            pool.setLogWriter(out);
        }

        @Override
        public void setLoginTimeout(int seconds) throws java.sql.SQLException {
            pool.setLoginTimeout(seconds);
        }

        @Override
        public int getLoginTimeout() throws java.sql.SQLException {
            return pool.getLoginTimeout();
        }

        @Override
        public java.util.logging.Logger getParentLogger() throws java.sql.SQLFeatureNotSupportedException {
            return pool.getParentLogger();
        }

        @Override
        public <T> T unwrap(Class<T> iface) throws java.sql.SQLException {
            return iface.isInstance(this) ? iface.cast(this) : pool.unwrap(iface);
        }

        @Override
        public boolean isWrapperFor(Class<?> iface) throws java.sql.SQLException {
            return iface.isInstance(this) || pool.isWrapperFor(iface);
        }
    }

    /** The JDBC URL of an H2 file database at {@code dbFileWithoutExtension} (H2 adds {@code .mv.db}). */
    public static String h2FileUrl(Path dbFileWithoutExtension) {
        return "jdbc:h2:file:" + dbFileWithoutExtension.toAbsolutePath() + H2_FLAGS;
    }

    /**
     * Opens the pool and migrates the schema.
     *
     * @throws IllegalStateException naming the URL (password masked) when the database cannot be reached or
     *                               migrated
     * @throws IllegalArgumentException for a URL that is neither H2 nor MariaDB/MySQL
     */
    public static Database open(String jdbcUrl, String user, String password, int maxPoolSize) {
        if (jdbcUrl == null || jdbcUrl.isBlank()) {
            throw new IllegalArgumentException("database url is empty: expected jdbc:h2:file:/path/onekey"
                    + H2_FLAGS + " or jdbc:mariadb://host:3306/onekey");
        }
        String url = jdbcUrl.trim();
        SQLDialect dialect = dialectOf(url);
        if (dialect == SQLDialect.H2) {
            url = withH2Flags(url);
        } else {
            url = withMariaDbTimeouts(url);
        }
        String masked = mask(url);
        HikariConfig cfg = new HikariConfig();
        cfg.setJdbcUrl(url);
        cfg.setUsername(user);
        cfg.setPassword(password);
        cfg.setMaximumPoolSize(Math.max(1, maxPoolSize));
        cfg.setMinimumIdle(Math.min(2, Math.max(1, maxPoolSize)));
        // RULE (ARCHITECTURE "Faults": database slow or away): nothing waits long for a connection; the
        // call path has its own shorter deadlines, the journal retries what could not be written
        cfg.setConnectionTimeout(1_000);
        cfg.setValidationTimeout(500);
        cfg.setPoolName("onekey-db");
        cfg.setAutoCommit(true);
        HikariDataSource pool;
        try {
            pool = new HikariDataSource(cfg);
        } catch (RuntimeException e) {
            throw new IllegalStateException("cannot connect to database " + masked + " as user " + user + ": "
                    + rootMessage(e), e);
        }
        try {
            String[] locations = dialect == SQLDialect.H2
                    ? new String[] {"classpath:db/migration"}
                    : new String[] {"classpath:db/migration", "classpath:db/mariadb"};
            // its own connections, not the pool's: the pool gives up on a connection after 1 s (the call path's rule),
            // and a migration that needed a second connection while the pool was still opening it failed so on a
            // loaded machine; a start may wait for its schema
            Flyway.configure(Database.class.getClassLoader())
                    .dataSource(url, user, password)
                    .locations(locations)
                    .failOnMissingLocations(true)
                    .load()
                    .migrate();
        } catch (RuntimeException e) {
            pool.close();
            throw new IllegalStateException("cannot migrate database " + masked + ": " + rootMessage(e), e);
        }
        if (dialect == SQLDialect.MARIADB) {
            try {
                checkUnicode(DSL.using(pool, dialect), masked);
            } catch (RuntimeException e) {
                pool.close();
                throw e;
            }
        }
        return new Database(pool, dialect, masked);
    }

    /** A Chinese name, an emoji-free round trip through the connection and a text column. */
    static final String PROBE = "一键通·张桂英";

    /**
     * Stops the start when Chinese text cannot be stored and read back: every text column must be
     * utf8mb4 (migration V3 converts them; a table created by hand afterwards might not be), and the
     * connection must carry it both ways.
     */
    static void checkUnicode(DSLContext dsl, String masked) {
        var bad = dsl.fetch("SELECT TABLE_NAME, COLUMN_NAME, CHARACTER_SET_NAME FROM information_schema.COLUMNS"
                + " WHERE TABLE_SCHEMA = DATABASE() AND CHARACTER_SET_NAME IS NOT NULL AND CHARACTER_SET_NAME <> 'utf8mb4'"
                + " AND TABLE_NAME <> 'flyway_schema_history'");
        if (bad.isNotEmpty()) {
            StringBuilder cols = new StringBuilder();
            for (var r : bad) {
                cols.append(' ').append(r.get(0)).append('.').append(r.get(1)).append(" (").append(r.get(2)).append(')');
            }
            throw new IllegalStateException("database " + masked + " cannot store Chinese text: these columns are not utf8mb4:"
                    + cols + ". Run ALTER TABLE <table> CONVERT TO CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci for each"
                    + " table, or create the database with CREATE DATABASE onekey CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci.");
        }
        Object back = dsl.fetchValue("SELECT CAST(? AS CHAR CHARACTER SET utf8mb4)", PROBE);
        if (!PROBE.equals(back)) {
            throw new IllegalStateException("database " + masked + " does not return Chinese text intact over this connection"
                    + " (sent " + PROBE + ", got " + back + "): set the driver's character set to utf8mb4"
                    + " (MariaDB Connector/J uses utf8mb4 unless the URL says otherwise).");
        }
    }

    /** H2 for {@code jdbc:h2:}, MariaDB for {@code jdbc:mariadb:} and {@code jdbc:mysql:}. */
    static SQLDialect dialectOf(String url) {
        String u = url.toLowerCase(Locale.ROOT);
        if (u.startsWith("jdbc:h2:")) {
            return SQLDialect.H2;
        }
        if (u.startsWith("jdbc:mariadb:") || u.startsWith("jdbc:mysql:")) {
            return SQLDialect.MARIADB;
        }
        throw new IllegalArgumentException("unsupported database url " + mask(url)
                + ": expected jdbc:h2:... or jdbc:mariadb://host:port/db");
    }

    /** Adds the flags the schema and the generated code rely on when an H2 URL lacks them. */
    static String withH2Flags(String url) {
        String u = url.toUpperCase(Locale.ROOT);
        StringBuilder sb = new StringBuilder(url);
        if (!u.contains(";MODE=")) {
            sb.append(";MODE=MariaDB");
        }
        if (!u.contains(";DATABASE_TO_LOWER=")) {
            sb.append(";DATABASE_TO_LOWER=TRUE");
        }
        return sb.toString();
    }

    /**
     * A MariaDB URL with connect and socket timeouts unless it sets its own: without them a frozen or
     * unreachable server holds a connection (and the thread using it) for as long as TCP does.
     */
    static String withMariaDbTimeouts(String url) {
        String u = url.toLowerCase(Locale.ROOT);
        StringBuilder sb = new StringBuilder(url);
        char sep = url.contains("?") ? '&' : '?';
        if (!u.contains("connecttimeout=")) {
            sb.append(sep).append("connectTimeout=2000");
            sep = '&';
        }
        if (!u.contains("sockettimeout=")) {
            sb.append(sep).append("socketTimeout=10000");
        }
        return sb.toString();
    }

    /** The URL with any password parameter replaced by ***. */
    public static String mask(String url) {
        return url == null ? null : SECRET_IN_URL.matcher(url).replaceAll("$1=***");
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        String m = t.getMessage();
        return t == e ? String.valueOf(m) : e.getMessage() + " (" + t.getClass().getSimpleName() + ": " + m + ")";
    }

    public DSLContext dsl() {
        return dsl;
    }

    public DataSource dataSource() {
        return pool;
    }

    /** The pool's figures now (GET /metrics): active, idle and total connections, threads waiting for one. */
    public com.zaxxer.hikari.HikariPoolMXBean poolStats() {
        return pool.getHikariPoolMXBean();
    }

    /** "h2" or "mariadb". */
    public String dialect() {
        return dialect == SQLDialect.H2 ? "h2" : "mariadb";
    }

    /** The URL this database was opened with, password masked (for health output and logs). */
    public String url() {
        return maskedUrl;
    }

    /** How long {@link #ping()} waits at most: /api/health answers within a second whatever the database does. */
    static final long PING_MS = 800;

    /**
     * True when a connection answers within {@value #PING_MS} ms (for /api/health). Never throws and never
     * waits longer: a frozen or unreachable database, or a pool exhausted by stuck queries, reports false.
     */
    public boolean ping() {
        if (pool.isClosed()) {
            return false;
        }
        java.util.concurrent.CompletableFuture<Boolean> f = new java.util.concurrent.CompletableFuture<>();
        Thread.ofVirtual().name("db-ping").start(() -> {
            try (Connection c = pool.getConnection()) {
                f.complete(c.isValid(1));
            } catch (Exception e) {
                f.complete(false);
            }
        });
        try {
            return f.get(PING_MS, java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Override
    public void close() {
        pool.close();
    }

    @Override
    public String toString() {
        return "Database[" + dialect() + " " + maskedUrl + "]";
    }
}
