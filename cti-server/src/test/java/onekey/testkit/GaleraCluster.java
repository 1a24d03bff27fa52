package onekey.testkit;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A three-node MariaDB Galera cluster on loopback for integration tests (issue 10, test 5): each node has its own
 * data directory and its own SQL, group-communication (gmcast), IST and SST ports; node 1 bootstraps the cluster
 * ({@code --wsrep-new-cluster}), nodes 2 and 3 join by a full state transfer (rsync).
 *
 * <pre>{@code
 * try (GaleraCluster g = GaleraCluster.start()) {          // database "onekey", account user()/password()
 *     String url = g.jdbcUrl();                            // jdbc:mariadb:sequential://127.0.0.1:p1,...:p2,...:p3/onekey
 *     g.kill(1);                                           // SIGKILL node 1; the others go on as a two-node cluster
 *     g.start(1);                                          // node 1 rejoins (IST) and is Synced again
 * }
 * }</pre>
 *
 * What this machine needs (found by trial): the rsync SST runs the joiner's rsync daemon as the server's user, and
 * run as root it cannot write the data folder ("cannot stat destination", "Will never receive state"); so, when the
 * tests run as root, the nodes run as the {@code mysql} user ({@code --user=mysql}) with their folders owned by it.
 * Group-communication timeouts are shortened ({@code evs.suspect_timeout=PT3S}) so that a killed node leaves the
 * cluster within seconds instead of the default 5 to 15 s, during which the other nodes' commits wait.
 */
public final class GaleraCluster implements AutoCloseable {

    public static final Path PROVIDER = Path.of(System.getProperty("onekey.galera-provider", "/usr/lib/galera/libgalera_smm.so"));

    private static final String USER = "onekey";
    private static final String PASSWORD = "onekey-galera-it";
    private static final int NODES = 3;

    private final Path dir;
    private final Node[] nodes = new Node[NODES];
    private final Thread shutdownHook;
    private volatile boolean closed;

    private static final class Node {
        final int n;
        final Path dir;
        final int sqlPort;
        final int gmcastPort;
        final int istPort;
        final int sstPort;
        Process process;

        Node(int n, Path dir) {
            this.n = n;
            this.dir = dir;
            this.sqlPort = Ports.free();
            this.gmcastPort = Ports.free();
            this.istPort = Ports.free();
            this.sstPort = Ports.free();
        }
    }

    private GaleraCluster(Path dir) {
        this.dir = dir;
        for (int i = 0; i < NODES; i++) {
            nodes[i] = new Node(i + 1, dir.resolve("node" + (i + 1)));
        }
        this.shutdownHook = new Thread(this::stopQuietly, "galera-stop");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /** Starts the three nodes, creates database {@code onekey} and the test account; waits until all are Synced. */
    public static GaleraCluster start() {
        if (!Files.isReadable(PROVIDER)) {
            throw new IllegalStateException("Galera is not installed (" + PROVIDER + " missing): apt-get install galera-4");
        }
        if (!Files.isExecutable(MariaDbServer.MARIADBD)) {
            throw new IllegalStateException("MariaDB is not installed (" + MariaDbServer.MARIADBD + " missing): run ./onekey setup");
        }
        Path dir;
        try {
            dir = Files.createTempDirectory("onekey-galera-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temp dir for Galera", e);
        }
        GaleraCluster g = new GaleraCluster(dir);
        try {
            for (Node n : g.nodes) {
                Files.createDirectories(n.dir.resolve("data"));
                Files.createDirectories(n.dir.resolve("tmp"));
            }
            if (runningAsRoot()) {
                // the nodes run as mysql: their folders (and the way to them) must be theirs
                run(dir, List.of("chown", "-R", "mysql:mysql", dir.toString()));
                run(dir, List.of("chmod", "755", dir.toString()));
            }
            run(dir, List.of(MariaDbServer.INSTALL_DB.toString(), "--no-defaults",
                    "--datadir=" + g.nodes[0].dir.resolve("data"), "--user=" + osUser(),
                    "--auth-root-authentication-method=normal", "--skip-test-db", "--skip-name-resolve"));
            g.launch(g.nodes[0], true);
            g.awaitSynced(g.nodes[0], Duration.ofSeconds(60));
            g.bootstrap();
            g.launch(g.nodes[1], false);
            g.awaitSynced(g.nodes[1], Duration.ofSeconds(90));
            g.launch(g.nodes[2], false);
            g.awaitSynced(g.nodes[2], Duration.ofSeconds(90));
            g.awaitClusterSize(NODES, Duration.ofSeconds(30));
            return g;
        } catch (IOException e) {
            g.close();
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            String logs = g.logs();
            g.close();
            throw new IllegalStateException(e.getMessage() + "\n" + logs, e);
        }
    }

    private static boolean runningAsRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    private static String osUser() {
        return runningAsRoot() ? "mysql" : System.getProperty("user.name");
    }

    private String gcommAddress() {
        return Stream.of(nodes).map(n -> "127.0.0.1:" + n.gmcastPort).collect(Collectors.joining(","));
    }

    private void launch(Node node, boolean newCluster) {
        Path d = node.dir;
        List<String> cmd = new ArrayList<>(List.of(
                MariaDbServer.MARIADBD.toString(), "--no-defaults",
                "--datadir=" + d.resolve("data"),
                "--socket=" + d.resolve("mariadbd.sock"),
                "--pid-file=" + d.resolve("mariadbd.pid"),
                "--tmpdir=" + d.resolve("tmp"),
                "--log-error=" + d.resolve("error.log"),
                "--port=" + node.sqlPort,
                "--bind-address=127.0.0.1",
                "--user=" + osUser(),
                "--skip-name-resolve",
                "--character-set-server=utf8mb4",
                "--collation-server=utf8mb4_unicode_ci",
                "--innodb-buffer-pool-size=64M",
                "--innodb-log-file-size=16M",
                "--innodb-flush-log-at-trx-commit=2",
                "--max-connections=200",
                "--wsrep-on=ON",
                "--wsrep-provider=" + PROVIDER,
                "--wsrep-cluster-name=onekey-it",
                "--wsrep-cluster-address=gcomm://" + gcommAddress(),
                "--wsrep-node-name=node" + node.n,
                "--wsrep-node-address=127.0.0.1:" + node.gmcastPort,
                "--wsrep-provider-options=gmcast.listen_addr=tcp://127.0.0.1:" + node.gmcastPort
                        + ";ist.recv_addr=127.0.0.1:" + node.istPort
                        + ";evs.suspect_timeout=PT3S;evs.inactive_timeout=PT5S;evs.install_timeout=PT5S"
                        + ";gcache.size=64M",
                "--wsrep-sst-method=rsync",
                "--wsrep-sst-receive-address=127.0.0.1:" + node.sstPort,
                "--binlog-format=ROW",
                "--innodb-autoinc-lock-mode=2",
                "--default-storage-engine=InnoDB"));
        if (newCluster) {
            cmd.add("--wsrep-new-cluster");
        }
        try {
            node.process = new ProcessBuilder(cmd)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("node" + node.n + ".out").toFile()))
                    .start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + MariaDbServer.MARIADBD + ": " + e.getMessage(), e);
        }
    }

    private void bootstrap() {
        try (Connection c = DriverManager.getConnection(rootUrl(nodes[0]), "root", "");
             Statement st = c.createStatement()) {
            st.execute("CREATE USER '" + USER + "'@'%' IDENTIFIED BY '" + PASSWORD + "'");
            st.execute("GRANT ALL PRIVILEGES ON *.* TO '" + USER + "'@'%' WITH GRANT OPTION");
            st.execute("CREATE DATABASE onekey CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci");
        } catch (SQLException e) {
            throw new IllegalStateException("cannot set up the Galera test account: " + e.getMessage(), e);
        }
    }

    private static String rootUrl(Node n) {
        return "jdbc:mariadb://127.0.0.1:" + n.sqlPort + "/?connectTimeout=1000&socketTimeout=5000";
    }

    /** Waits until node {@code n} accepts connections and reports {@code wsrep_local_state_comment = Synced}. */
    private void awaitSynced(Node node, Duration atMost) {
        await("Galera node " + node.n + " Synced").atMost(atMost).pollInterval(Duration.ofMillis(200)).until(() -> {
            if (!node.process.isAlive()) {
                throw new IllegalStateException("Galera node " + node.n + " exited with " + node.process.exitValue());
            }
            return "Synced".equals(status(node, "wsrep_local_state_comment"));
        });
    }

    private void awaitClusterSize(int size, Duration atMost) {
        await("Galera cluster size " + size).atMost(atMost).pollInterval(Duration.ofMillis(200)).until(() -> {
            for (Node n : nodes) {
                if (n.process != null && n.process.isAlive() && !String.valueOf(size).equals(status(n, "wsrep_cluster_size"))) {
                    return false;
                }
            }
            return true;
        });
    }

    /** A {@code SHOW STATUS} value of node {@code n}, or null when it does not answer. */
    private static String status(Node n, String name) {
        try (Connection c = DriverManager.getConnection(rootUrl(n), "root", "");
             Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SHOW STATUS LIKE '" + name + "'")) {
            return rs.next() ? rs.getString(2) : null;
        } catch (SQLException e) {
            return null;
        }
    }

    /** {@code wsrep_cluster_size} as node {@code n} (1..3) sees it, or null when it does not answer. */
    public String clusterSize(int n) {
        return status(node(n), "wsrep_cluster_size");
    }

    /** How many client connections of {@code user} node {@code n} has open now (information_schema.PROCESSLIST). */
    public int connections(int n, String user) {
        try (Connection c = DriverManager.getConnection(rootUrl(node(n)), "root", "");
             Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE USER = '" + user + "'")) {
            rs.next();
            return rs.getInt(1);
        } catch (SQLException e) {
            throw new IllegalStateException("node " + n + " does not answer: " + e.getMessage(), e);
        }
    }

    /** {@code wsrep_local_state_comment} of node {@code n}: "Synced" when it takes part fully. */
    public String state(int n) {
        return status(node(n), "wsrep_local_state_comment");
    }

    private Node node(int n) {
        if (n < 1 || n > NODES) {
            throw new IllegalArgumentException("node " + n + ": expected 1.." + NODES);
        }
        return nodes[n - 1];
    }

    /** SIGKILL node {@code n}, as a crashed machine; waits until the other nodes count one node less. */
    public void kill(int n) {
        Node node = node(n);
        node.process.destroyForcibly();
        try {
            if (!node.process.waitFor(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("Galera node " + n + " did not die");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        long alive = Stream.of(nodes).filter(x -> x.process.isAlive()).count();
        awaitClusterSize((int) alive, Duration.ofSeconds(30));
    }

    /** Starts node {@code n} again (after {@link #kill}): it rejoins the cluster and is Synced when this returns. */
    public void start(int n) {
        Node node = node(n);
        if (node.process != null && node.process.isAlive()) {
            throw new IllegalStateException("Galera node " + n + " is running");
        }
        launch(node, false);
        awaitSynced(node, Duration.ofSeconds(90));
    }

    /** The SQL port of node {@code n}. */
    public int port(int n) {
        return node(n).sqlPort;
    }

    /** {@code jdbc:mariadb:sequential://127.0.0.1:p1,127.0.0.1:p2,127.0.0.1:p3/onekey}: node 1 first, then 2, then 3. */
    public String jdbcUrl() {
        return "jdbc:mariadb:sequential://" + Stream.of(nodes).map(n -> "127.0.0.1:" + n.sqlPort)
                .collect(Collectors.joining(",")) + "/onekey";
    }

    /** {@code jdbc:mariadb://127.0.0.1:PORT/onekey}: node {@code n} alone. */
    public String jdbcUrl(int n) {
        return "jdbc:mariadb://127.0.0.1:" + node(n).sqlPort + "/onekey";
    }

    public String user() {
        return USER;
    }

    public String password() {
        return PASSWORD;
    }

    public Path dir() {
        return dir;
    }

    /** The last lines of each node's error log (for failure messages). */
    public String logs() {
        StringBuilder sb = new StringBuilder();
        for (Node n : nodes) {
            sb.append("--- node ").append(n.n).append(" error.log (").append(n.dir.resolve("error.log")).append("):\n");
            sb.append(tail(read(n.dir.resolve("error.log")) + read(dir.resolve("node" + n.n + ".out")), 15)).append('\n');
        }
        return sb.toString();
    }

    @Override
    public void close() {
        stopQuietly();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException ignored) {
            // JVM already shutting down
        }
    }

    private synchronized void stopQuietly() {
        if (closed) {
            return;
        }
        closed = true;
        for (Node n : nodes) {
            if (n.process != null) {
                n.process.destroy();
            }
        }
        for (Node n : nodes) {
            if (n.process == null) {
                continue;
            }
            try {
                if (!n.process.waitFor(30, TimeUnit.SECONDS)) {
                    n.process.destroyForcibly();
                    n.process.waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                n.process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
        deleteTree(dir);
    }

    private static void run(Path dir, List<String> cmd) {
        Path log = dir.resolve("setup.log");
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(String.join(" ", cmd) + " did not finish within 120 s");
            }
            if (p.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", cmd) + " failed with exit code " + p.exitValue()
                        + ":\n" + tail(read(log), 20));
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + cmd.get(0) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + cmd.get(0), e);
        }
    }

    private static String read(Path p) {
        try {
            return Files.exists(p) ? Files.readString(p, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            return "";
        }
    }

    private static String tail(String s, int n) {
        String[] lines = s.split("\n");
        int from = Math.max(0, lines.length - n);
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
        return "GaleraCluster[" + jdbcUrl() + " " + dir + "]";
    }
}
