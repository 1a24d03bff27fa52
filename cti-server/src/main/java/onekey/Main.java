package onekey;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import onekey.config.ConfigException;
import onekey.config.ConfigLoader;
import onekey.config.OneKeyConfig;

/**
 * {@code java onekey.Main [--config FILE] [--demo]}: runs the cti-server in the foreground until
 * interrupted (Ctrl-C stops it cleanly). Exits 2 on a usage or configuration error, or on a Java
 * runtime older than 24 ({@link RuntimeCheck}); supervisors do not restart it on status 2.
 */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) throws Exception {
        Path config = null;
        boolean demo = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--config" -> config = Path.of(args[++i]);
                case "--demo" -> demo = true;
                default -> {
                    System.err.println("usage: onekey.Main [--config FILE] [--demo]; unknown argument " + args[i]);
                    System.exit(2);
                }
            }
        }
        var tooOld = RuntimeCheck.refusal(Runtime.version().feature(), Boolean.getBoolean(RuntimeCheck.ALLOW_PINNING));
        if (tooOld.isPresent()) {
            // status 2 like a configuration error: supervisors (./onekey demo, systemd) do not retry it
            System.err.println("onekey: " + tooOld.get());
            System.exit(2);
            return;
        }
        OneKeyConfig cfg;
        try {
            cfg = ConfigLoader.load(config, System.getenv());
        } catch (ConfigException e) {
            System.err.println("onekey: " + e.getMessage());
            System.exit(2);
            return;
        }
        Map<String, String> env = System.getenv();
        OneKeyServer server;
        try {
            server = new OneKeyServer(cfg, demo, env);
        } catch (onekey.demo.DemoData.Refused e) {
            System.err.println("onekey: " + e.getMessage());
            System.exit(2);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stopped.countDown();
        }, "onekey-shutdown"));
        printBanner(cfg, server);
        stopped.await();
    }

    private static void printBanner(OneKeyConfig cfg, OneKeyServer server) {
        StringBuilder b = new StringBuilder("\nOneKey cti-server is running\n");
        String http = server.apiSecure() ? "https://" : "http://";
        String ws = server.apiSecure() ? "wss://" : "ws://";
        b.append("  API        ").append(http).append(cfg.http().bind()).append(':').append(server.apiPort()).append("/api/health\n");
        b.append("  WebSocket  ").append(ws).append(cfg.http().bind()).append(':').append(server.apiPort()).append("/ws?token=...\n");
        if (server.apiSecure()) {
            b.append("  TLS        certificate ").append(cfg.httpTls().cert()).append('\n');
        } else if (cfg.httpTls().allowPlaintext() && !cfg.http().bind().startsWith("127.")
                && !cfg.http().bind().equals("localhost")) {
            b.append("  WARNING    plain HTTP allowed off loopback (http.allowPlaintext=true): tokens and records in clear\n");
        }
        b.append("  FastAGI    ").append(cfg.agi().bind()).append(':').append(cfg.agi().port()).append('\n');
        b.append("  AMI        ").append(cfg.ami().host()).append(':').append(cfg.ami().port()).append('\n');
        if (server.generatedAdminPassword() != null) {
            b.append("  admin password (shown once; set ONEKEY_ADMIN_PASSWORD to choose it): ")
                    .append(server.generatedAdminPassword()).append('\n');
        }
        if (server.seeded() != null && !server.seeded().passwords().isEmpty()) {
            b.append("  demo accounts (user / password):\n");
            server.seeded().passwords().forEach((u, p) -> b.append("    ").append(u).append(" / ").append(p).append('\n'));
        }
        System.out.println(b);
        System.out.flush();
    }
}
