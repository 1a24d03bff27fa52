package onekey.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import onekey.testkit.AsteriskInstance;
import onekey.testkit.Proc;
import onekey.testkit.Repo;
import onekey.testkit.Sipp;
import onekey.testkit.Stack;
import onekey.testkit.Ws;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 6, test 7: the Asterisk OneKey renders is locked down, checked on the running Asterisk itself.
 * Its own random AMI secret, an AMI user with only the classes OneKey needs, AMI on loopback only,
 * no shell-running module loaded (nor loadable), and OneKey still works with that user.
 */
class AsteriskLockdownIT {

    static Stack stack;

    @BeforeAll
    static void up() {
        stack = new Stack().startAsterisk().startServer();
        Awaitility.await("AMI connected").atMost(Duration.ofSeconds(20))
                .until(() -> stack.api.get("/api/health", null).json().path("asterisk").path("connected").asBoolean());
    }

    @AfterAll
    static void down() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void amiUserHasOnlyTheClassesOneKeyNeeds() throws Exception {
        String user = stack.asterisk.cli("manager show user onekey");
        // The classes, and why each (tried against Asterisk 16.28 with "manager show command <Action>"):
        //   read  system (FullyBooted: resync), call (Hangup), agent (queue member and caller events),
        //         user (the dialplan's OneKeyQueue / OneKeyOverflow UserEvents)
        //   write system (DBPut of the escalation settings, ModuleLoad reload res_pjsip.so; CoreShowChannels
        //         and CoreSettings accept it too), agent (QueueAdd/Pause/Remove), reporting (Getvar),
        //         originate (Originate: the rescue's calls into OneKey's own contexts, issue 8),
        //         call (Redirect: a spy session changes mode with the supervisor's phone up, issue 7)
        assertThat(line(user, "read perm")).isEqualTo("system,call,agent,user");
        assertThat(line(user, "write perm")).isEqualTo("system,call,agent,reporting,originate");
        for (String perm : new String[] {line(user, "read perm"), line(user, "write perm")}) {
            assertThat(List.of(perm.split(","))).doesNotContain("all", "command", "config", "dialplan");
        }
        assertThat(line(user, "secret")).isEqualTo("<Set>");

        // this instance's own secret (random per instance), in a file only its owner reads
        Path manager = stack.asterisk.rundir.resolve("etc/asterisk/manager.conf");
        assertThat(Files.readString(manager)).contains("secret = " + stack.asterisk.amiSecret())
                .doesNotContain("onekey-ami");
        assertThat(stack.asterisk.amiSecret()).hasSizeGreaterThanOrEqualTo(32);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(manager))).isEqualTo("rw-------");

        // OneKey works with that user: it logged in, and its actions are allowed
        assertThat(stack.api.get("/api/health", null).json().path("asterisk").path("connected").asBoolean()).isTrue();
    }

    @Test
    void noShellRunningModuleIsLoadedOrLoadable() throws Exception {
        assertThat(stack.asterisk.cli("module show like system")).contains("0 modules loaded");
        assertThat(stack.asterisk.cli("module show like shell")).contains("0 modules loaded");
        assertThat(stack.asterisk.cli("module show like externalivr")).contains("0 modules loaded");

        // "noload" alone would not do: an AMI user with "system" may ModuleLoad. The instance's module folder
        // holds only the modules modules.conf loads, so the file is not there to load.
        List<String> replies = ami("Action: ModuleLoad\r\nModule: app_system.so\r\nLoadType: load\r\n",
                "Action: Command\r\nCommand: core show version\r\n");
        assertThat(replies.get(0)).contains("Response: Error");
        assertThat(replies.get(1)).contains("Response: Error").contains("Permission denied");
        assertThat(stack.asterisk.cli("module show like system")).contains("0 modules loaded");
        assertThat(Files.exists(stack.asterisk.rundir.resolve("modules/app_system.so"))).isFalse();
        assertThat(Files.exists(stack.asterisk.rundir.resolve("modules/res_pjsip.so"))).isTrue();
    }

    @Test
    void amiListensOnLoopbackOnly() {
        // bound to 127.0.0.1: another loopback address (Linux routes all of 127/8 to lo) is not served
        assertThatThrownBy(() -> {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(InetAddress.getByName("127.0.0.2"), stack.asterisk.amiPort), 2000);
            }
        }).isInstanceOf(ConnectException.class);
    }

    @Test
    void agentsRegisterWithTheirOwnSecretAndJoinTheQueueWithTheLeastPrivilegeUser() {
        // endpoints provisioned from the demo accounts and loaded by ModuleLoad reload (write "system"); the
        // member added by QueueAdd (write "agent"); the well-known secret of old is refused
        try (Sipp.AgentPhone phone = new Sipp.AgentPhone(stack.asterisk, "1004", stack.sipSecret("1004"), 300)) {
            assertThatThrownBy(() -> phone.registerAlso("1003", "sip1003")).isInstanceOf(IllegalStateException.class);
            Ws ws = new Ws(stack.server.apiPort(), stack.api.login("1004", "agent1004"));
            try {
                ws.await("hello", 10);
                ws.send("{\"type\":\"agent.ready\"}");
                ws.await("agent.state", j -> j.path("agent").path("state").asText().equals("ready"), 10);
                Awaitility.await("1004 idle in the queue").atMost(Duration.ofSeconds(10))
                        .until(() -> stack.asterisk.cli("queue show onekey").lines()
                                .anyMatch(l -> l.contains("PJSIP/1004") && l.contains("Not in use")));
                ws.send("{\"type\":\"agent.logout\"}");
                ws.await("agent.state", j -> j.path("agent").path("state").asText().equals("logged-out"), 10);
            } finally {
                ws.close();
            }
        }
    }

    @Test
    void renderingWithoutASecretIsRefused() throws Exception {
        Path dir = Files.createTempDirectory(Path.of("/tmp"), "oknosec");
        try {
            Map<String, String> env = new HashMap<>(stack.asterisk.env());
            env.remove("ONEKEY_AMI_SECRET");
            String script = Repo.asteriskConfig().resolve("asterisk.sh").toString();
            assertThatThrownBy(() -> Proc.run(List.of("bash", script, "render", dir.toString()), dir, env, 20))
                    .hasMessageContaining("ONEKEY_AMI_SECRET is not set");
            env.put("ONEKEY_AMI_SECRET", AsteriskInstance.randomSecret());
            env.put("ONEKEY_BIND", "0.0.0.0");
            assertThatThrownBy(() -> Proc.run(List.of("bash", script, "render", dir.toString()), dir, env, 20))
                    .hasMessageContaining("refusing to listen on every address");
            assertThat(Files.exists(dir.resolve("etc/asterisk/manager.conf"))).isFalse();
        } finally {
            try (var s = Files.walk(dir)) {
                s.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }

    private static String line(String cliOutput, String key) {
        return cliOutput.lines().map(String::trim).filter(l -> l.startsWith(key + ":"))
                .map(l -> l.substring(key.length() + 1).trim()).findFirst()
                .orElseThrow(() -> new AssertionError("no '" + key + "' in:\n" + cliOutput));
    }

    /** Logs in as OneKey's AMI user and sends each action; returns each action's response block. */
    private static List<String> ami(String... actions) throws Exception {
        try (Socket s = new Socket("127.0.0.1", stack.asterisk.amiPort)) {
            s.setSoTimeout(5000);
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
            OutputStream out = s.getOutputStream();
            in.readLine(); // banner
            out.write(("Action: Login\r\nUsername: onekey\r\nSecret: " + stack.asterisk.amiSecret()
                    + "\r\nEvents: off\r\n\r\n").getBytes(StandardCharsets.UTF_8));
            assertThat(block(in)).contains("Success");
            List<String> replies = new java.util.ArrayList<>();
            for (String a : actions) {
                out.write((a + "\r\n").getBytes(StandardCharsets.UTF_8));
                replies.add(block(in));
            }
            return replies;
        }
    }

    private static String block(BufferedReader in) throws Exception {
        StringBuilder b = new StringBuilder();
        for (String l; (l = in.readLine()) != null && !l.isEmpty(); ) {
            b.append(l).append('\n');
        }
        return b.toString();
    }
}
