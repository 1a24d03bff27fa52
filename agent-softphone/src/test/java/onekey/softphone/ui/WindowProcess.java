package onekey.softphone.ui;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;

/**
 * The softphone ({@link WindowDriver}) in its own JVM on a private Xvfb display (the display number chosen by Xvfb),
 * signed in to {@code api}. A missing Xvfb fails with how to install it (CONVENTIONS: no silent skip).
 */
final class WindowProcess implements AutoCloseable {
    private final Process xvfb;
    private final Process jvm;
    private final Path dir;
    private final PrintStream cmd;
    private final BlockingQueue<String> replies = new ArrayBlockingQueue<>(100);

    WindowProcess(String api, boolean english) throws IOException {
        dir = Files.createTempDirectory("okwindow");
        Path fd = dir.resolve("display");
        try {
            xvfb = new ProcessBuilder("Xvfb", "-displayfd", "1", "-screen", "0", "1400x1000x24", "-nolisten", "tcp")
                    .redirectOutput(fd.toFile()).redirectError(dir.resolve("xvfb.err").toFile()).start();
        } catch (IOException e) {
            throw new IllegalStateException("the window tests need Xvfb: apt-get install xvfb (./onekey setup does)", e);
        }
        Awaitility.await("Xvfb display").atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50))
                .until(() -> Files.readString(fd).trim().matches("\\d+\\s*"));
        String display = ":" + Files.readString(fd).trim();
        String java = ProcessHandle.current().info().command().orElse("java");
        ProcessBuilder pb = new ProcessBuilder(List.of(java, "-Xmx256m", "-Dfile.encoding=UTF-8", "-Dsun.java2d.xrender=false",
                "-cp", System.getProperty("java.class.path"), WindowDriver.class.getName(), api, english ? "en" : "zh"))
                .redirectError(dir.resolve("softphone.err").toFile());
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
        }, "window-driver-reader");
        reader.setDaemon(true);
        reader.start();
        String first = reply(90);
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

    synchronized String send(String command) {
        cmd.println(command);
        String r = reply(30);
        if (!r.startsWith("@@OK")) {
            throw new IllegalStateException(command + ": " + r);
        }
        return r.length() > 5 ? r.substring(5).replace("\\n", "\n") : "";
    }

    String text(String name) {
        return send("text " + name);
    }

    boolean enabled(String name) {
        return Boolean.parseBoolean(send("enabled " + name));
    }

    boolean visible(String name) {
        return Boolean.parseBoolean(send("visible " + name));
    }

    void mouse(String name) {
        send("mouse " + name);
    }

    void keys(String combo) {
        send("keys " + combo);
    }

    /** Keys pressed in the showing window or dialog named {@code window}. */
    void keys(String combo, String window) {
        send("keys " + combo + " " + window);
    }

    String log() {
        try {
            String s = Files.readString(dir.resolve("softphone.err"));
            return s.length() > 4000 ? s.substring(s.length() - 4000) : s;
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
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
        }
    }
}
