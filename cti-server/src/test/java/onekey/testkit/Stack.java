package onekey.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import onekey.OneKeyServer;
import onekey.config.ConfigLoader;
import onekey.config.OneKeyConfig;
import onekey.store.Database;

/**
 * A whole OneKey for an integration test: a private Asterisk and a cti-server with demo data on a
 * fresh H2 (or the given JDBC URL), wired exactly as `./onekey demo` wires them.
 */
public final class Stack implements AutoCloseable {

    public static final String ADMIN_PASSWORD = "admin-test-pass";

    public final AsteriskInstance asterisk;
    public final Path dataDir;
    private final int httpPort;
    private final String dbUrl;
    public OneKeyServer server;
    /** The cti-server in its own JVM, when started with {@link #startServerProcess()}. */
    public ServerProcess process;
    public Api api;
    private final Map<String, String> overrides = new HashMap<>();
    /** Demo extension → its SIP secret, random per stack (as ./onekey generates them per install). */
    private final Map<String, String> sipSecrets = new HashMap<>();
    /** False for a stack on another stack's Asterisk ({@link #on}): {@link #close()} leaves that Asterisk running. */
    private final boolean ownsAsterisk;

    public Stack() {
        this(null);
    }

    /**
     * A stack on the (started) Asterisk of {@code base}, with the same SIP secrets, and its own data folder, H2 (or
     * {@code dbUrl}), journal, HTTP port and cti-server: an IT class starts one Asterisk and gives each test method a
     * fresh cti-server on a fresh database. {@link #close()} stops only this stack's server.
     */
    public static Stack on(Stack base, String dbUrl) {
        return new Stack(base, dbUrl);
    }

    private Stack(Stack base, String dbUrl) {
        this.asterisk = base.asterisk;
        this.ownsAsterisk = false;
        try {
            this.dataDir = Files.createTempDirectory("okdata");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        this.httpPort = Ports.free();
        this.dbUrl = dbUrl != null ? dbUrl : Database.h2FileUrl(dataDir.resolve("onekey"));
        sipSecrets.putAll(base.sipSecrets);
    }

    public Stack(String dbUrl) {
        this.asterisk = new AsteriskInstance(Ports.free());
        this.ownsAsterisk = true;
        try {
            this.dataDir = Files.createTempDirectory("okdata");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        this.httpPort = Ports.free();
        this.dbUrl = dbUrl != null ? dbUrl : Database.h2FileUrl(dataDir.resolve("onekey"));
        for (String ext : List.of("1001", "1002", "1003", "1004", "1097", "1099")) {
            sipSecrets.put(ext, AsteriskInstance.randomSecret());
        }
    }

    /** The SIP secret the demo data gave extension {@code ext} (1001..1004, 1097, 1099). */
    public String sipSecret(String ext) {
        String s = sipSecrets.get(ext);
        if (s == null) {
            throw new IllegalArgumentException("no demo extension " + ext + " (1001..1004, 1097, 1099)");
        }
        return s;
    }

    /** ONEKEY_DEMO_SIPSECRET_<ext> for each demo extension. */
    private Map<String, String> sipSecretEnv() {
        Map<String, String> m = new HashMap<>();
        sipSecrets.forEach((ext, secret) -> m.put(onekey.demo.DemoData.SIP_SECRET_ENV + ext, secret));
        return m;
    }

    /** Sets a configuration value (env form, e.g. ONEKEY_CALLS_WRAPUPSECONDS) for the next server start. */
    public Stack with(String envKey, String value) {
        overrides.put(envKey, value);
        return this;
    }

    /**
     * Serves the API over HTTPS/WSS with this PEM certificate and PKCS#8 key (e.g. {@link TlsTrust#demoCertificate});
     * {@link #api} then trusts the certificate.
     */
    public Stack withTls(Path cert, Path key) {
        return with("ONEKEY_HTTP_TLSCERT", cert.toString()).with("ONEKEY_HTTP_TLSKEY", key.toString());
    }

    /** A REST client to {@code port}: https trusting the configured certificate when TLS is on, else http. */
    public Api apiFor(int port) {
        String cert = overrides.getOrDefault("ONEKEY_HTTP_TLSCERT", "");
        return cert.isBlank() ? new Api(port) : Api.https(port, Path.of(cert));
    }

    public Stack startAsterisk() {
        asterisk.start();
        return this;
    }

    public OneKeyConfig config() {
        return ConfigLoader.load(null, env());
    }

    /** The ONEKEY_* configuration of the server (environment form), overrides included. */
    public Map<String, String> env() {
        Map<String, String> env = new HashMap<>();
        env.put("ONEKEY_AMI_PORT", String.valueOf(asterisk.amiPort));
        env.put("ONEKEY_AMI_SECRET", asterisk.amiSecret());
        env.put("ONEKEY_AGI_PORT", String.valueOf(asterisk.agiPort));
        env.put("ONEKEY_HTTP_PORT", String.valueOf(httpPort));
        env.put("ONEKEY_DB_URL", dbUrl);
        env.put("ONEKEY_DB_USER", "onekey");
        env.put("ONEKEY_ASTERISK_AGENTSCONF", asterisk.agentsConf().toString());
        env.put("ONEKEY_ASTERISK_SIPPORT", String.valueOf(asterisk.sipPort));
        env.put("ONEKEY_PATHS_RECORDINGS", asterisk.recordings().toString());
        env.put("ONEKEY_PATHS_PROMPTS", asterisk.prompts().toString());
        env.put("ONEKEY_CALLS_WRAPUPSECONDS", "1");
        env.put("ONEKEY_PATHS_JOURNAL", dataDir.resolve("journal").toString());
        // an SOS call left before an answer would start redialling through the trunk in tests about other things;
        // the rescue tests turn it on
        env.put("ONEKEY_RESCUE_OPENONABANDONEDSOS", "false");
        env.putAll(overrides);
        return env;
    }

    public Stack startServer() {
        fromTemplate();
        try {
            Map<String, String> env = sipSecretEnv();
            env.put("ONEKEY_ADMIN_PASSWORD", ADMIN_PASSWORD);
            server = new OneKeyServer(config(), true, env);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        api = apiFor(server.apiPort());
        return this;
    }

    /**
     * Starts the cti-server as a separate JVM ({@link ServerProcess}) instead of in this one, so that a test can
     * freeze or kill it; {@link #close()} stops it.
     */
    public Stack startServerProcess() {
        return startServerProcess(List.of());
    }

    /** As {@link #startServerProcess()}, with extra JVM options for the server. */
    public Stack startServerProcess(List<String> jvmArgs) {
        fromTemplate();
        Map<String, String> env = new HashMap<>(env());
        env.put("ONEKEY_ADMIN_PASSWORD", ADMIN_PASSWORD);
        env.putAll(sipSecretEnv());
        process = new ServerProcess(env, jvmArgs);
        try {
            process.start();
        } catch (RuntimeException e) {
            process.close();
            process = null;
            throw e;
        }
        api = process.api();
        return this;
    }

    /** This stack's own H2 database, before its first start: a copy of the JVM's migrated schema ({@link H2Template}). */
    private void fromTemplate() {
        Path base = dataDir.resolve("onekey").toAbsolutePath();
        if (Database.h2FileUrl(base).equals(env().get("ONEKEY_DB_URL"))) {
            H2Template.seedIfAbsent(base);
        }
    }

    public void stopServer() {
        if (server != null) {
            server.close();
            server = null;
        }
        if (process != null) {
            process.close();
            process = null;
        }
    }

    /**
     * Before the next test method's server on a shared Asterisk ({@link #on}): hangs up every channel left over, removes
     * the queue members OneKey added, what it wrote to AstDB and the recordings, as on a freshly started Asterisk
     * (a fresh database numbers its calls and broadcasts from 1 again, so a recording's name would be the last test's).
     */
    public void quietAsterisk() {
        asterisk.cli("channel request hangup all");
        org.awaitility.Awaitility.await("no channel left on the shared Asterisk").atMost(java.time.Duration.ofSeconds(30))
                .pollInterval(java.time.Duration.ofMillis(200))
                .until(() -> asterisk.cli("core show channels concise").isBlank());
        String queue = null;
        for (String line : asterisk.cli("queue show").lines().toList()) {
            var head = java.util.regex.Pattern.compile("^(\\S+) has \\d+ calls").matcher(line);
            if (head.find()) {
                queue = head.group(1);
                continue;
            }
            var member = java.util.regex.Pattern.compile("^\\s+.*?\\((PJSIP/\\w+) from |^\\s+(PJSIP/\\w+)").matcher(line);
            if (queue != null && member.find()) {
                String iface = member.group(1) != null ? member.group(1) : member.group(2);
                asterisk.cli("queue remove member " + iface + " from " + queue);
            }
        }
        // OneKey's AstDB families, as a fresh Asterisk has none: the lines, an open incident's route to its agent (an SOS
        // call from that elder would ring the last test's agent first), a device in test mode, an alarm's fail-open note
        for (String family : List.of("onekey-line", "onekey-incident", "onekey-devtest", "onekey-alarm")) {
            asterisk.cli("database deltree " + family);
        }
        try (var files = Files.walk(asterisk.recordings())) {
            files.sorted(java.util.Comparator.reverseOrder()).filter(p -> !p.equals(asterisk.recordings())).forEach(p -> {
                try {
                    Files.delete(p);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
        } catch (java.nio.file.NoSuchFileException none) {
            // no recording yet
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    public int httpPort() {
        return httpPort;
    }

    @Override
    public void close() {
        try {
            stopServer();
        } finally {
            if (ownsAsterisk) {
                asterisk.close();
            }
            AsteriskInstance.deleteTree(dataDir);
        }
    }
}
