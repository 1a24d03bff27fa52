package onekey.testkit;

import java.awt.AWTEvent;
import java.awt.EventQueue;
import java.awt.Toolkit;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;

/**
 * A diagnostic for the softphone's Swing thread (issue 7, off unless {@code -Dsoftphone.edtStalls=FILE} is given to
 * the bench or test JVM; {@link SoftphoneProcess} passes it on to the softphone's JVM): an event queue that times
 * every event it dispatches, and a watchdog thread that samples the Swing thread's stack every millisecond while one
 * event has run for more than 2 ms. An event that ran {@code softphone.edtStallMs} (default 20) ms or longer is
 * written to FILE with the events dispatched just before it and its samples, grouped by stack (most frequent first).
 * Sampling stops the Swing thread for a few µs each time, so figures taken with it on are not bench figures.
 */
final class EdtStallTrace extends EventQueue {
    private static final long SAMPLE_AFTER_NS = 2_000_000;
    private static final int HISTORY = 32;

    private final PrintStream out;
    private final long stallNs;
    private volatile Thread edt;
    private volatile long started; // nanoTime the current event began, 0 when none runs
    private volatile AWTEvent current;
    private final List<StackTraceElement[]> samples = new ArrayList<>(); // guarded by this
    private final String[] history = new String[HISTORY]; // the last events: "t+ms dur event", EDT only
    private int next;
    private final long t0 = System.nanoTime();

    private EdtStallTrace(PrintStream out, long stallMs) {
        this.out = out;
        this.stallNs = stallMs * 1_000_000;
    }

    /** Installs the trace if {@code softphone.edtStalls} names a file; otherwise does nothing. */
    static void installIfAsked() throws IOException {
        String file = System.getProperty("softphone.edtStalls");
        String log = System.getProperty("softphone.edtLog");
        boolean stalls = file != null && !file.isBlank();
        if (!stalls && (log == null || log.isBlank())) {
            return;
        }
        PrintStream ps = stalls ? new PrintStream(Files.newOutputStream(Path.of(file), StandardOpenOption.CREATE,
                StandardOpenOption.APPEND), true, StandardCharsets.UTF_8) : null;
        EdtStallTrace q = new EdtStallTrace(ps, Long.getLong("softphone.edtStallMs", 20));
        Toolkit.getDefaultToolkit().getSystemEventQueue().push(q);
        if (stalls) {
            Thread w = new Thread(q::watch, "edt-stall-watchdog");
            w.setDaemon(true);
            w.start();
            ps.println("# EDT stall trace started " + Instant.now() + ", threshold " + q.stallNs / 1_000_000 + " ms");
        }
        if (log != null && !log.isBlank()) {
            q.events = new EventLog(Path.of(log));
            Runtime.getRuntime().addShutdownHook(new Thread(q.events::dump, "edt-event-log"));
            EventLog events = q.events;
            // what marked a region dirty or a component invalid, and from where (the first softphone frames)
            javax.swing.RepaintManager.setCurrentManager(new javax.swing.RepaintManager() {
                @Override
                public void addDirtyRegion(javax.swing.JComponent c, int x, int y, int w, int h) {
                    events.note("dirty " + name(c) + " " + x + "," + y + " " + w + "x" + h + " by " + caller());
                    super.addDirtyRegion(c, x, y, w, h);
                }

                @Override
                public synchronized void addInvalidComponent(javax.swing.JComponent c) {
                    events.note("invalid " + name(c) + " by " + caller());
                    super.addInvalidComponent(c);
                }
            });
        }
    }

    /**
     * {@code -Dsoftphone.edtLog=FILE}: every event the Swing thread dispatched, kept in memory (no file written on the
     * Swing thread) and written at exit, one a line: start (System.nanoTime() in µs), µs it ran, ms it waited in the
     * queue (invokeLater events; -1 for others), what it was. The softphone's panel timings carry the same clock.
     */
    private static final class EventLog {
        private static final int MAX = 400_000;
        private final Path file;
        private final long[] start = new long[MAX];
        private final long[] took = new long[MAX];
        private final long[] queued = new long[MAX];
        private final String[] what = new String[MAX];
        private int n;

        EventLog(Path file) {
            this.file = file;
        }

        void add(AWTEvent e, long s, long d) {
            if (n >= MAX) {
                return;
            }
            start[n] = s / 1000;
            took[n] = d / 1000;
            queued[n] = e instanceof java.awt.event.InvocationEvent ie
                    ? System.currentTimeMillis() - d / 1_000_000 - ie.getWhen() : -1;
            what[n++] = brief(e);
        }

        /** A line of its own in the log (not an event): ran 0, queued -2. */
        void note(String text) {
            if (n >= MAX) {
                return;
            }
            start[n] = System.nanoTime() / 1000;
            took[n] = 0;
            queued[n] = -2;
            what[n++] = text;
        }

        private static String brief(AWTEvent e) {
            if (e instanceof java.awt.event.InvocationEvent) {
                String s = e.toString();
                int r = s.indexOf("runnable=");
                return r < 0 ? s : s.substring(r + 9, s.indexOf(',', r));
            }
            Object src = e.getSource();
            String on = src instanceof java.awt.Component c ? (c.getName() != null ? c.getName() : c.getClass().getSimpleName())
                    : String.valueOf(src == null ? null : src.getClass().getSimpleName());
            String p = e.paramString();
            int comma = p.indexOf(',');
            return e.getClass().getSimpleName() + "[" + (comma < 0 ? p : p.substring(0, comma)) + "] on " + on;
        }

        synchronized void dump() {
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < n; i++) {
                b.append(start[i]).append(' ').append(took[i]).append(' ').append(queued[i]).append(' ').append(what[i])
                        .append('\n');
            }
            try {
                Files.writeString(file, b.toString(), StandardCharsets.UTF_8);
            } catch (IOException x) {
                System.err.println("EDT event log not written: " + x);
            }
        }
    }

    private volatile EventLog events;

    private static String name(java.awt.Component c) {
        return c.getName() != null ? c.getName() : c.getClass().getSimpleName();
    }

    /** The frames that asked (the first five outside java.* / javax.* / sun.* / FlatLaf). */
    private static String caller() {
        StringBuilder b = new StringBuilder();
        int k = 0;
        for (StackTraceElement f : new Throwable().getStackTrace()) {
            String c = f.getClassName();
            if (c.startsWith("onekey.testkit.EdtStallTrace") || c.startsWith("java.") || c.startsWith("javax.")
                    || c.startsWith("sun.") || c.startsWith("com.formdev.")) {
                if (k == 0 && !c.startsWith("onekey.testkit.EdtStallTrace") && b.length() < 120) {
                    b.append(f.getClassName().substring(f.getClassName().lastIndexOf('.') + 1)).append('.')
                            .append(f.getMethodName()).append('<');
                }
                continue;
            }
            b.append(c.substring(c.lastIndexOf('.') + 1)).append('.').append(f.getMethodName()).append(':')
                    .append(f.getLineNumber()).append(' ');
            if (++k == 5) {
                break;
            }
        }
        return b.toString().replace(' ', '|');
    }

    @Override
    protected void dispatchEvent(AWTEvent e) {
        if (edt == null) {
            edt = Thread.currentThread();
        }
        long s = System.nanoTime();
        current = e;
        started = s;
        try {
            super.dispatchEvent(e);
        } finally {
            started = 0;
            long d = System.nanoTime() - s;
            List<StackTraceElement[]> got;
            synchronized (this) {
                got = new ArrayList<>(samples);
                samples.clear();
            }
            if (d >= stallNs && out != null) {
                report(e, s, d, got);
            }
            EventLog log = events;
            if (log != null) {
                log.add(e, s, d);
            }
            // an InvocationEvent (invokeLater) carries when it was posted (ms): how long it waited in the queue
            if (out != null) {
                String waited = e instanceof java.awt.event.InvocationEvent ie
                        ? String.format(" (queued %d ms)", System.currentTimeMillis() - d / 1_000_000 - ie.getWhen()) : "";
                history[next++ % HISTORY] = String.format("t+%.1f %.2fms%s %s", (s - t0) / 1e6, d / 1e6, waited, describe(e));
            }
        }
    }

    private void watch() {
        while (true) {
            LockSupport.parkNanos(1_000_000);
            long s = started;
            Thread t = edt;
            if (s != 0 && t != null && System.nanoTime() - s > SAMPLE_AFTER_NS) {
                StackTraceElement[] st = t.getStackTrace();
                synchronized (this) {
                    if (started == s) {
                        samples.add(st);
                    }
                }
            }
        }
    }

    private void report(AWTEvent e, long s, long d, List<StackTraceElement[]> got) {
        StringBuilder b = new StringBuilder();
        b.append(String.format("%n== %s  t+%.1f ms  Swing thread busy %.1f ms in %s (%d samples)%n", Instant.now(),
                (s - t0) / 1e6, d / 1e6, describe(e), got.size()));
        b.append("   events before it (oldest first):\n");
        for (int i = 0; i < HISTORY; i++) {
            String h = history[(next + i) % HISTORY];
            if (h != null) {
                b.append("     ").append(h).append('\n');
            }
        }
        Map<String, Integer> byStack = new LinkedHashMap<>();
        for (StackTraceElement[] st : got) {
            StringBuilder k = new StringBuilder();
            for (int i = 0; i < Math.min(st.length, 40); i++) {
                k.append("       at ").append(st[i]).append('\n');
            }
            byStack.merge(k.toString(), 1, Integer::sum);
        }
        byStack.entrySet().stream().sorted((x, y) -> y.getValue() - x.getValue()).forEach(en ->
                b.append("   ").append(en.getValue()).append(" samples:\n").append(en.getKey()));
        out.print(b);
    }

    private static String describe(AWTEvent e) {
        String s = e.toString();
        return s.length() > 300 ? s.substring(0, 300) + "…" : s;
    }
}
