package onekey.testkit;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;

/**
 * The Swing softphone in its own JVM on a private Xvfb display (a free display number chosen by Xvfb itself),
 * driven by component name through {@link SoftphoneDriver}. Audio from/to WAV files as the real program's flags.
 */
public final class SoftphoneProcess implements AutoCloseable {
    private final Process xvfb;
    private final Process jvm;
    private final Path dir;
    private final PrintStream cmd;
    private final BlockingQueue<String> replies = new ArrayBlockingQueue<>(100);
    public final String display;

    /** {@code cacert}: the PEM file to trust for an https API (as {@code --cacert}); null for http. */
    public SoftphoneProcess(String api, Path cacert, String user, String password, Path audioIn, Path audioOut,
            String lang) throws IOException {
        Proc.require("Xvfb");
        dir = Files.createTempDirectory("oksoftphone");
        Path fd = dir.resolve("display");
        xvfb = new ProcessBuilder("Xvfb", "-displayfd", "1", "-screen", "0", "1280x1024x24", "-nolisten", "tcp")
                .redirectOutput(fd.toFile()).redirectError(dir.resolve("xvfb.err").toFile()).start();
        Awaitility.await("Xvfb display").atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50))
                .until(() -> Files.readString(fd).trim().matches("\\d+\\s*"));
        display = ":" + Files.readString(fd).trim();
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> c = new ArrayList<>(List.of(java, "-Xmx256m", "-Dfile.encoding=UTF-8", "-Dsun.java2d.xrender=" + System.getProperty("softphone.xrender", "false"),
                "-cp", System.getProperty("java.class.path"), SoftphoneDriver.class.getName(), api, user, password,
                audioIn.toString(), audioOut.toString(), lang, cacert == null ? "" : cacert.toString()));
        // diagnostics for the softphone's JVM, off by default: the Swing-thread stall trace (EdtStallTrace) and any
        // further JVM flags, e.g. -Dsoftphone.jvmFlags=-XX:StartFlightRecording=filename=/tmp/sp.jfr
        for (String p : List.of("softphone.edtStalls", "softphone.edtStallMs", "softphone.edtLog")) {
            if (System.getProperty(p) != null) {
                c.add(1, "-D" + p + "=" + System.getProperty(p));
            }
        }
        String flags = System.getProperty("softphone.jvmFlags", "").trim();
        if (!flags.isEmpty()) {
            c.addAll(1, List.of(flags.split("\\s+")));
        }
        ProcessBuilder pb = new ProcessBuilder(c).redirectError(dir.resolve("softphone.err").toFile());
        pb.environment().put("DISPLAY", display);
        pb.environment().put("LANG", "zh_CN.UTF-8");
        jvm = pb.start();
        cmd = new PrintStream(jvm.getOutputStream(), true, StandardCharsets.UTF_8);
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(jvm.getInputStream(), StandardCharsets.UTF_8))) {
                for (String l; (l = r.readLine()) != null; ) {
                    if (l.startsWith("@@")) {
                        replies.add(l);
                    }
                }
            } catch (IOException e) {
                // process gone
            }
        }, "softphone-driver-reader");
        reader.setDaemon(true);
        reader.start();
        String first = reply(60);
        if (!first.startsWith("@@OK")) {
            throw new IllegalStateException("softphone did not start: " + first + "\n" + log());
        }
    }

    private String reply(long seconds) {
        try {
            String r = replies.poll(seconds, TimeUnit.SECONDS);
            if (r == null) {
                throw new IllegalStateException("softphone did not answer within " + seconds + " s\n" + log());
            }
            return r;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Sends one driver command and returns its value; a driver error throws. */
    public synchronized String send(String command) {
        cmd.println(command);
        String r = reply(30);
        if (!r.startsWith("@@OK")) {
            throw new IllegalStateException(command + ": " + r);
        }
        return r.length() > 5 ? r.substring(5).replace("\\n", "\n") : "";
    }

    public String text(String name) {
        return send("text " + name);
    }

    public boolean enabled(String name) {
        return Boolean.parseBoolean(send("enabled " + name));
    }

    public void click(String name) {
        send("click " + name);
    }

    /** A real mouse click on a showing, enabled component (X server events), as an agent makes it. */
    public void mouseClick(String name) {
        send("mouse " + name);
    }

    /** The softphone's stderr (its log) and Xvfb's. */
    public String log() {
        return Proc.tail(dir.resolve("softphone.err"));
    }

    @Override
    public void close() {
        try {
            if (jvm.isAlive()) {
                cmd.println("quit");
                if (!jvm.waitFor(10, TimeUnit.SECONDS)) {
                    jvm.destroyForcibly();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            jvm.destroyForcibly();
        } finally {
            xvfb.destroy();
            try {
                xvfb.waitFor(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            AsteriskInstance.deleteTree(dir);
        }
    }
}
