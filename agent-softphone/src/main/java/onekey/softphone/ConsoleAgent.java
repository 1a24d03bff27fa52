package onekey.softphone;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import onekey.softphone.cti.CtiClient;
import onekey.softphone.cti.CtiEvent;

/**
 * A console agent seat: logs in over REST, keeps a WebSocket to the cti-server, goes ready and prints every
 * event (a screen pop for each offered call). The audio side (the SIP phone) is separate: the launcher runs a
 * sipp UAS registered as the agent's extension.
 *
 * <pre>java onekey.softphone.ConsoleAgent --api http://127.0.0.1:8080 --user 1001 --password agent1001</pre>
 *
 * With an {@code https://} API it talks WSS; {@code --cacert FILE} names the PEM certificate(s) to trust (the
 * demo's self-signed one), otherwise the JDK's default trust store is used.
 *
 * The connection is the shared {@link CtiClient}: if the socket drops it reconnects with back-off (1 s doubling
 * to 30 s) and first asks for the events it missed ({@code {"type":"resume","afterSeq":n}}); a session ended by
 * the server (close code 4401) is reported and not retried. SIGINT/SIGTERM log the agent out before exiting.
 */
public final class ConsoleAgent {

    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss");
    private static final long MAX_BACKOFF_MS = 30_000;

    private final URI api;
    private final String user;
    private final String password;
    private final PrintStream out;
    private final javax.net.ssl.SSLContext tls;
    private volatile CtiClient client;
    private volatile boolean stopping;
    private volatile CountDownLatch logoutAck;
    private final Object lock = new Object();

    ConsoleAgent(URI api, String user, String password, PrintStream out) {
        this(api, user, password, out, null);
    }

    /** {@code tls}: the SSLContext for an https API (null: the JDK default). */
    ConsoleAgent(URI api, String user, String password, PrintStream out, javax.net.ssl.SSLContext tls) {
        this.tls = tls;
        this.api = api;
        this.user = user;
        this.password = password;
        this.out = out;
    }

    public static void main(String[] args) throws Exception {
        String api = "http://127.0.0.1:8080";
        String user = null;
        String password = null;
        String cacert = null;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (i + 1 >= args.length && a.startsWith("--")) {
                usage("missing value for " + a);
            }
            switch (a) {
                case "--api" -> api = args[++i];
                case "--user" -> user = args[++i];
                case "--password" -> password = args[++i];
                case "--cacert" -> cacert = args[++i];
                default -> usage("unknown argument " + a);
            }
        }
        if (user == null) {
            usage("--user is required");
        }
        if (password == null) {
            password = "agent" + user;
        }
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        javax.net.ssl.SSLContext tls = null;
        if (cacert != null) {
            try {
                tls = trusting(java.nio.file.Path.of(cacert));
            } catch (IOException | java.security.GeneralSecurityException | RuntimeException e) {
                usage("cannot use --cacert " + cacert + ": " + e.getMessage());
            }
        }
        ConsoleAgent agent = new ConsoleAgent(URI.create(api.endsWith("/") ? api.substring(0, api.length() - 1) : api),
                user, password, out, tls);
        Runtime.getRuntime().addShutdownHook(new Thread(agent::shutdown, "console-agent-logout"));
        agent.run();
    }

    /** An SSLContext that trusts exactly the PEM certificate(s) in {@code file}, like curl --cacert. */
    static javax.net.ssl.SSLContext trusting(java.nio.file.Path file)
            throws IOException, java.security.GeneralSecurityException {
        return CtiClient.trusting(file);
    }

    private static void usage(String why) {
        System.err.println("console agent: " + why);
        System.err.println("usage: ConsoleAgent [--api http(s)://127.0.0.1:8080] [--cacert PEM-FILE] --user EXT [--password P]");
        System.exit(2);
    }

    /** Connects and keeps connected (the shared {@link CtiClient}: resume, back-off) until the JVM is asked to stop. */
    void run() throws InterruptedException {
        CountDownLatch done = new CountDownLatch(1);
        int[] exit = {0};
        client = new CtiClient(api, user, password, tls, new CtiClient.Listener() {
            private boolean connectedOnce;

            @Override
            public void status(CtiClient.Status s, String detail) {
                if (stopping) {
                    return;
                }
                switch (s) {
                    case CONNECTED -> {
                        if (!connectedOnce) {
                            say("logged in as " + user);
                        }
                    }
                    case DISCONNECTED -> say(detail + "; reconnecting with back-off");
                    case LOGIN_REFUSED -> {
                        say("login refused for " + user + ": " + detail);
                        exit[0] = 1;
                        done.countDown();
                    }
                    case SESSION_ENDED -> {
                        say("session ended (WebSocket closed 4401: token revoked or account disabled); not reconnecting");
                        exit[0] = 1;
                        done.countDown();
                    }
                    default -> {
                    }
                }
            }

            @Override
            public void event(CtiEvent ev) {
                print(EventFormatter.format(ev.json()));
                if (ev instanceof CtiEvent.Hello h) {
                    boolean first = !connectedOnce;
                    connectedOnce = true;
                    if (!stopping && (first || "logged-out".equals(h.state()))) {
                        client.ready();
                    }
                }
                if ((ev instanceof CtiEvent.Ack a && "agent.logout".equals(a.command()))
                        || (ev instanceof CtiEvent.Error e && "agent.logout".equals(e.command()))) {
                    CountDownLatch l = logoutAck;
                    if (l != null) {
                        l.countDown();
                    }
                }
            }
        });
        client.start();
        while (!stopping && !done.await(200, TimeUnit.MILLISECONDS)) {
            // until Ctrl-C or a refusal
        }
        if (!stopping) {
            client.close();
            System.exit(exit[0]);
        }
    }

    /** Shutdown hook: log out (wait up to 3 s for the ack), close the socket. */
    void shutdown() {
        stopping = true;
        CtiClient c = client;
        if (c == null || c.status() != CtiClient.Status.CONNECTED) {
            return;
        }
        CountDownLatch ack = new CountDownLatch(1);
        logoutAck = ack;
        say("logging out " + user + " ...");
        try {
            c.logoutOnExit(); // not the seat another copy of this agent holds
            if (!ack.await(3, TimeUnit.SECONDS)) {
                say("no answer to agent.logout within 3 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            say("could not log out: " + e.getMessage() + "; closing anyway");
        }
        c.close();
    }

    private void print(String text) {
        synchronized (lock) {
            String stamp = LocalTime.now().format(CLOCK);
            if (text.indexOf('\n') >= 0) {
                out.println();
                out.println("[" + stamp + "]");
                out.println(text);
            } else {
                out.println("[" + stamp + "] " + text);
            }
        }
    }

    private void say(String s) {
        print("* " + s);
    }
}
