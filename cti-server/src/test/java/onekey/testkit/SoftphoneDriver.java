package onekey.testkit;

import java.awt.Component;
import java.awt.Container;
import java.awt.Rectangle;
import java.awt.Robot;
import java.awt.Window;
import java.awt.image.BufferedImage;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import javax.imageio.ImageIO;
import javax.swing.AbstractButton;
import javax.swing.JComboBox;
import javax.swing.JComponent;
import javax.swing.JFrame;
import javax.swing.JLabel;
import javax.swing.JList;
import javax.swing.SwingUtilities;
import javax.swing.text.JTextComponent;
import onekey.softphone.ui.Softphone;

/**
 * Runs the real softphone window in this JVM (started by {@link SoftphoneProcess} on an Xvfb display) and lets a
 * test drive it over stdin/stdout, one command a line, by component name — everything on the EDT:
 * {@code text NAME}, {@code enabled NAME}, {@code click NAME}, {@code mouse NAME} (a real mouse click), {@code set NAME VALUE}, {@code select NAME VALUE},
 * {@code key F2} (a key pressed in the window), {@code tab NAME TITLE}, {@code row TABLE TEXT} (selects a row), {@code shot FILE}, {@code shotwin NAME FILE}, {@code shotcomp NAME FILE}, {@code sip} (phone state), {@code cues} (the desk's alert sounds), {@code slide NAME VALUE}, {@code close WINDOW}, {@code quit}. Replies are lines {@code @@OK value} or {@code @@ERR why}.
 */
public final class SoftphoneDriver {
    private SoftphoneDriver() {
    }

    public static void main(String[] args) throws Exception {
        PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true, StandardCharsets.UTF_8);
        System.setOut(System.err); // the softphone's own prints must not mix with replies
        EdtStallTrace.installIfAsked();
        Softphone sp = Softphone.open(new Softphone.Options(URI.create(args[0]),
                args.length > 6 && !args[6].isEmpty() ? Path.of(args[6]) : null, args[1], args[2], args[3], args[4],
                "en".equals(args[5]), "127.0.0.1"));
        // issue 19: the desk's urgent-alert sounds, recorded as "kind:alertId:epochMillis" (and still beeped)
        List<String> cues = new java.util.concurrent.CopyOnWriteArrayList<>();
        sp.alertCue((kind, id) -> {
            cues.add(kind + ":" + id + ":" + System.currentTimeMillis());
            onekey.softphone.ui.AlertCue.BEEP.play(kind, id);
        });
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        out.println("@@OK started");
        for (String line; (line = in.readLine()) != null; ) {
            String[] p = line.split(" ", 3);
            try {
                String r = switch (p[0]) {
                    case "text" -> onEdt(() -> text(find(p[1])));
                    case "enabled" -> onEdt(() -> String.valueOf(find(p[1]).isEnabled()));
                    case "visible" -> onEdt(() -> String.valueOf(find(p[1]).isShowing()));
                    case "click" -> onEdt(() -> {
                        ((AbstractButton) find(p[1])).doClick();
                        return "";
                    });
                    case "mouse" -> mouseClick(find(p[1])); // as an agent clicks: X server button events
                    case "set" -> onEdt(() -> {
                        ((JTextComponent) find(p[1])).setText(p.length > 2 ? p[2] : "");
                        return "";
                    });
                    case "tab" -> onEdt(() -> { // a tab by its title, as an agent clicks it (issue 18: 待办)
                        javax.swing.JTabbedPane t = (javax.swing.JTabbedPane) find(p[1]);
                        int i = t.indexOfTab(p[2]);
                        if (i < 0) {
                            throw new IllegalArgumentException("no tab titled " + p[2]);
                        }
                        t.setSelectedIndex(i);
                        return "";
                    });
                    case "row" -> onEdt(() -> { // selects the first table row with a cell containing the text
                        javax.swing.JTable t = (javax.swing.JTable) find(p[1]);
                        for (int row = 0; row < t.getRowCount(); row++) {
                            for (int k = 0; k < t.getColumnCount(); k++) {
                                if (String.valueOf(t.getValueAt(row, k)).contains(p[2])) {
                                    t.setRowSelectionInterval(row, row);
                                    return String.valueOf(row);
                                }
                            }
                        }
                        throw new IllegalArgumentException("no row of " + p[1] + " contains " + p[2]);
                    });
                    case "pick" -> onEdt(() -> { // selects a list's entry by index, as a click on it (the pop's contacts)
                        ((javax.swing.JList<?>) find(p[1])).setSelectedIndex(Integer.parseInt(p[2]));
                        return "";
                    });
                    case "slide" -> onEdt(() -> { // a slider moved to a value, as by the mouse (issue 19: the player's seek)
                        javax.swing.JSlider sl = (javax.swing.JSlider) find(p[1]);
                        sl.setValueIsAdjusting(true);
                        sl.setValue(Integer.parseInt(p[2].trim()));
                        sl.setValueIsAdjusting(false);
                        return "";
                    });
                    case "select" -> onEdt(() -> {
                        ((JComboBox<?>) find(p[1])).setSelectedItem(p[2]);
                        return "";
                    });
                    case "key" -> onEdt(() -> { // a function key pressed in the window (F2 answer, F4 hang up, F5 ready)
                        int code = (int) java.awt.event.KeyEvent.class.getField("VK_" + p[1]).get(null);
                        JComponent target = sp.frame().getRootPane();
                        target.dispatchEvent(new java.awt.event.KeyEvent(target, java.awt.event.KeyEvent.KEY_PRESSED,
                                System.currentTimeMillis(), 0, code, java.awt.event.KeyEvent.CHAR_UNDEFINED));
                        target.dispatchEvent(new java.awt.event.KeyEvent(target, java.awt.event.KeyEvent.KEY_RELEASED,
                                System.currentTimeMillis(), 0, code, java.awt.event.KeyEvent.CHAR_UNDEFINED));
                        return "";
                    });
                    case "shot" -> shot(sp.frame(), Path.of(p[1]));
                    case "shotwin" -> shot((JFrame) onEdtFind(p[1]), Path.of(p[2])); // another window by name (the wallboard)
                    case "shotcomp" -> shot(onEdtFind(p[1]), Path.of(p[2])); // one component (issue 18: the incident panel)
                    case "sip" -> sp.phone().state() + " " + sp.phone().registered();
                    case "close" -> onEdt(() -> { // a window closed by name, as with its close box (issue 19: a dialog)
                        java.awt.Window w = SwingUtilities.getWindowAncestor(find(p[1]));
                        Component c = find(p[1]);
                        (c instanceof java.awt.Window cw ? cw : w).dispose();
                        return "";
                    });
                    case "cues" -> String.join(",", cues); // issue 19: the alert sounds so far
                    // issue 7 bench: the pop latencies measured in the window (µs, space-separated) and the heap after GC
                    case "pops" -> java.util.Arrays.stream(sp.popLatenciesMicros()) // total,edtWait,fill,paint per pop
                            .map(t -> t[0] + "," + t[1] + "," + t[2] + "," + t[3])
                            .collect(java.util.stream.Collectors.joining(" "));
                    // issue 18 bench: call.silent / incident.* frame → panel painted (µs): kind,total,edtWait,fill,paint,
                    // and when the frame came (nanoTime µs: where to look in an EdtStallTrace event log)
                    case "panels" -> java.util.Arrays.stream(sp.panelLatenciesMicros())
                            .map(t -> t[0] + "," + t[1] + "," + t[2] + "," + t[3] + "," + t[4] + "," + t[5])
                            .collect(java.util.stream.Collectors.joining(" "));
                    case "warmup" -> String.valueOf(Softphone.warmupMillis()); // the sign-in's warm-up, ms (-1: not done)
                    case "edt" -> { // how long a no-op waits for the Swing thread right now (µs): the baseline
                        long t0 = System.nanoTime();
                        SwingUtilities.invokeAndWait(() -> { });
                        yield String.valueOf((System.nanoTime() - t0) / 1000);
                    }
                                        case "heap" -> {
                        System.gc();
                        Runtime rt = Runtime.getRuntime();
                        yield String.valueOf(rt.totalMemory() - rt.freeMemory());
                    }
                    case "quit" -> {
                        sp.close();
                        out.println("@@OK bye");
                        System.exit(0);
                        yield "";
                    }
                    default -> throw new IllegalArgumentException("unknown command " + p[0]);
                };
                out.println("@@OK " + r.replace("\n", "\\n"));
            } catch (Exception | Error e) {
                out.println("@@ERR " + e);
            }
        }
        sp.close();
        System.exit(0);
    }

    interface Edt {
        String get() throws Exception;
    }

    private static String onEdt(Edt e) throws Exception {
        AtomicReference<Object> r = new AtomicReference<>();
        SwingUtilities.invokeAndWait(() -> {
            try {
                r.set(e.get());
            } catch (Exception x) {
                r.set(x);
            }
        });
        if (r.get() instanceof Exception x) {
            throw x;
        }
        return (String) r.get();
    }

    private static Component onEdtFind(String name) throws Exception {
        AtomicReference<Component> c = new AtomicReference<>();
        onEdt(() -> {
            c.set(find(name));
            return "";
        });
        return c.get();
    }

    private static Component find(String name) {
        for (Window w : Window.getWindows()) {
            Component c = find(w, name);
            if (c != null) {
                return c;
            }
            if (w instanceof JFrame f && f.getJMenuBar() != null) {
                c = find(f.getJMenuBar(), name);
                if (c != null) {
                    return c;
                }
            }
        }
        throw new IllegalArgumentException("no component named " + name);
    }

    private static Component find(Container root, String name) {
        if (name.equals(root.getName())) {
            return root;
        }
        for (Component c : root.getComponents()) {
            if (name.equals(c.getName())) {
                return c;
            }
            if (c instanceof Container k) {
                Component f = find(k, name);
                if (f != null) {
                    return f;
                }
            }
        }
        return null;
    }

    private static String text(Component c) {
        if (c instanceof JLabel l) {
            return l.getText() + (l.getClientProperty("state") == null ? "" : "");
        }
        if (c instanceof AbstractButton b) {
            return b.getText();
        }
        if (c instanceof JTextComponent t) {
            return t.getText();
        }
        if (c instanceof JComboBox<?> b) {
            return String.valueOf(b.getSelectedItem());
        }
        if (c instanceof javax.swing.JTable t) { // rows " | ", cells ", "
            List<String> rows = new ArrayList<>();
            for (int r = 0; r < t.getRowCount(); r++) {
                List<String> cells = new ArrayList<>();
                for (int k = 0; k < t.getColumnCount(); k++) {
                    cells.add(String.valueOf(t.getValueAt(r, k)));
                }
                rows.add(String.join(", ", cells));
            }
            return String.join(" | ", rows);
        }
                if (c instanceof JList<?> l) {
            List<String> s = new ArrayList<>();
            for (int i = 0; i < l.getModel().getSize(); i++) {
                s.add(String.valueOf(l.getModel().getElementAt(i)));
            }
            return String.join(" | ", s);
        }
        if (c instanceof JComponent j && j.getToolTipText() != null) {
            return j.getToolTipText();
        }
        return c.toString();
    }

    private static Robot robot;

    /**
     * A real click with the mouse's first button at the middle of a showing component: the pointer moved there, the
     * button pressed and released through the X server (XTEST, {@link Robot}), so the window gets the events an
     * agent's click makes, one at a time on the Swing thread. {@code click} calls {@link AbstractButton#doClick()}
     * instead, which holds the Swing thread 68 ms between press and release to show the pressed look: fine for a
     * test, wrong for a timing (issue 7: the pop waited behind it).
     */
    private static String mouseClick(Component c) throws Exception {
        AtomicReference<java.awt.Point> at = new AtomicReference<>();
        onEdt(() -> {
            if (!c.isShowing() || !c.isEnabled()) {
                throw new IllegalStateException(c.getName() + " is not showing and enabled");
            }
            java.awt.Point p = c.getLocationOnScreen();
            at.set(new java.awt.Point(p.x + c.getWidth() / 2, p.y + c.getHeight() / 2));
            return "";
        });
        if (robot == null) {
            robot = new Robot();
        }
        robot.mouseMove(at.get().x, at.get().y);
        robot.mousePress(java.awt.event.InputEvent.BUTTON1_DOWN_MASK);
        robot.mouseRelease(java.awt.event.InputEvent.BUTTON1_DOWN_MASK);
        return "";
    }

    /** What the screen shows where a component is (the X server's pixels, via Robot). */
    private static String shot(Component c, Path file) throws Exception {
        AtomicReference<Rectangle> b = new AtomicReference<>();
        SwingUtilities.invokeAndWait(() -> {
            SwingUtilities.getWindowAncestor(c).toFront();
            b.set(new Rectangle(c.getLocationOnScreen(), c.getSize()));
        });
        BufferedImage img = new Robot().createScreenCapture(b.get());
        ImageIO.write(img, "png", file.toFile());
        return file.toString();
    }

    /** What the screen shows in the window's bounds (the X server's pixels, via Robot). */
    private static String shot(JFrame f, Path file) throws Exception {
        AtomicReference<Rectangle> b = new AtomicReference<>();
        SwingUtilities.invokeAndWait(() -> {
            f.toFront();
            b.set(f.getBounds());
        });
        BufferedImage img = new Robot().createScreenCapture(b.get());
        ImageIO.write(img, "png", file.toFile());
        return file.toString();
    }
}
