package onekey.softphone.ui;

import java.awt.Color;
import java.awt.Component;
import java.awt.Container;
import java.awt.Robot;
import java.awt.Window;
import java.awt.event.InputEvent;
import java.awt.event.KeyEvent;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import javax.swing.AbstractButton;
import javax.swing.JComboBox;
import javax.swing.JFrame;
import javax.swing.JLabel;
import javax.swing.JList;
import javax.swing.JTable;
import javax.swing.SwingUtilities;
import javax.swing.text.JTextComponent;

/**
 * The real softphone window in its own JVM on an Xvfb display ({@link WindowProcess}), driven over stdin/stdout one
 * command a line as a user would: {@code text NAME}, {@code enabled NAME}, {@code visible NAME}, {@code mouse NAME}
 * (pointer moved there, button pressed and released through the X server), {@code type NAME TEXT} (a click into the
 * field, then the text set), {@code keys ctrl+shift+F6} (keys pressed and released through the X server, with the
 * window focused; {@code keys COMBO WINDOW} in the showing window or dialog so named, its focused field kept), {@code tab NAME TITLE}, {@code row TABLE TEXT} (selects the row), {@code pick LIST INDEX}, {@code color TABLE ROW COL} (the
 * cell's foreground as the renderer paints it, #rrggbb), {@code fg NAME} (its foreground, #rrggbb), {@code count NAME} (components so named), {@code shot NAME FILE} (PNG), {@code quit}.
 * Replies {@code @@OK value} or {@code @@ERR why}. Test-only twin of cti-server's SoftphoneDriver, in this package.
 */
public final class WindowDriver {
    private static Robot robot;

    private WindowDriver() {
    }

    public static void main(String[] args) throws Exception {
        PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true, StandardCharsets.UTF_8);
        System.setOut(System.err);
        Softphone sp = Softphone.open(new Softphone.Options(URI.create(args[0]), null, "1001", "agent1001", "silence", "none",
                "en".equals(args[1]), "127.0.0.1"));
        robot = new Robot();
        robot.setAutoDelay(15);
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        out.println("@@OK started");
        for (String line; (line = in.readLine()) != null; ) {
            String[] p = line.split(" ", 3);
            try {
                String r = switch (p[0]) {
                    case "text" -> onEdt(() -> text(find(p[1])));
                    case "enabled" -> onEdt(() -> String.valueOf(find(p[1]).isEnabled()));
                    case "visible" -> onEdt(() -> String.valueOf(find(p[1]).isShowing()));
                    case "count" -> onEdt(() -> String.valueOf(count(p[1])));
                    case "mouse" -> click(p[1]);
                    case "type" -> {
                        click(p[1]);
                        yield onEdt(() -> {
                            ((JTextComponent) find(p[1])).setText(p.length > 2 ? p[2] : "");
                            return "";
                        });
                    }
                    case "keys" -> p.length > 2 ? keys(window(p[2]), p[1], true) : keys(sp.frame(), p[1], false);
                    case "tab" -> onEdt(() -> {
                        javax.swing.JTabbedPane t = (javax.swing.JTabbedPane) find(p[1]);
                        int i = t.indexOfTab(p[2]);
                        if (i < 0) {
                            throw new IllegalArgumentException("no tab titled " + p[2]);
                        }
                        t.setSelectedIndex(i);
                        return "";
                    });
                    case "row" -> onEdt(() -> {
                        JTable t = (JTable) find(p[1]);
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
                    case "select" -> onEdt(() -> { // the first item of a combo box whose text contains the words
                        javax.swing.JComboBox<?> c = (javax.swing.JComboBox<?>) find(p[1]);
                        for (int i = 0; i < c.getItemCount(); i++) {
                            if (String.valueOf(c.getItemAt(i)).contains(p[2])) {
                                c.setSelectedIndex(i);
                                return String.valueOf(i);
                            }
                        }
                        throw new IllegalArgumentException("no item of " + p[1] + " contains " + p[2]);
                    });
                    case "pick" -> onEdt(() -> { // a list's entry selected by index, as a click on it (issue 24)
                        ((JList<?>) find(p[1])).setSelectedIndex(Integer.parseInt(p[2].trim()));
                        return "";
                    });
                    case "fg" -> onEdt(() -> { // a component's foreground, #rrggbb
                        Color f = find(p[1]).getForeground();
                        return String.format("#%02x%02x%02x", f.getRed(), f.getGreen(), f.getBlue());
                    });
                    case "color" -> onEdt(() -> {
                        String[] rc = p[2].split(" ");
                        JTable t = (JTable) find(p[1]);
                        int row = Integer.parseInt(rc[0]);
                        int col = Integer.parseInt(rc[1]);
                        Component c = t.prepareRenderer(t.getCellRenderer(row, col), row, col);
                        Color f = c.getForeground();
                        return String.format("#%02x%02x%02x %s", f.getRed(), f.getGreen(), f.getBlue(),
                                c.getFont().isBold() ? "bold" : "plain");
                    });
                    case "shot" -> shot(p[1], p[2]); // a showing component's pixels as the X server has them, PNG
                    case "warmup" -> String.valueOf(Softphone.warmupMillis()); // the sign-in's warm-up, ms (-1: running)
                    case "frames" -> onEdt(() -> { // windows on screen, and components so named in every window
                        long showing = java.util.Arrays.stream(Window.getWindows()).filter(Window::isShowing).count();
                        int named = 0;
                        for (Window w : Window.getWindows()) {
                            named += count(w, p[1]);
                        }
                        return showing + " " + named;
                    });
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

    private static String shot(String name, String file) throws Exception {
        AtomicReference<java.awt.Rectangle> at = new AtomicReference<>();
        onEdt(() -> {
            Component c = find(name);
            (c instanceof Window w ? w : SwingUtilities.getWindowAncestor(c)).toFront();
            at.set(new java.awt.Rectangle(c.getLocationOnScreen(), c.getSize()));
            return "";
        });
        robot.waitForIdle();
        javax.imageio.ImageIO.write(robot.createScreenCapture(at.get()), "png", new java.io.File(file));
        return file;
    }

    /** A real click at the middle of a showing, enabled component (X server events through XTEST). */
    private static String click(String name) throws Exception {
        AtomicReference<java.awt.Point> at = new AtomicReference<>();
        onEdt(() -> {
            Component c = find(name);
            if (!c.isShowing() || !c.isEnabled()) {
                throw new IllegalStateException(name + " is not showing and enabled");
            }
            if (c instanceof javax.swing.JComponent j) {
                j.scrollRectToVisible(new java.awt.Rectangle(0, 0, c.getWidth(), c.getHeight()));
            }
            java.awt.Point p = c.getLocationOnScreen();
            at.set(new java.awt.Point(p.x + c.getWidth() / 2, p.y + c.getHeight() / 2));
            return "";
        });
        robot.mouseMove(at.get().x, at.get().y);
        robot.mousePress(InputEvent.BUTTON1_DOWN_MASK);
        robot.mouseRelease(InputEvent.BUTTON1_DOWN_MASK);
        robot.waitForIdle();
        return "";
    }

    /**
     * Keys as a user presses them: {@code ctrl+shift+F6} holds Control and Shift, presses and releases F6, lets go of
     * the modifiers, through the X server; the window is brought to the front and focused first.
     */
    /** A showing window (frame or dialog) by its name. */
    private static Window window(String name) throws Exception {
        AtomicReference<Window> w = new AtomicReference<>();
        onEdt(() -> {
            w.set((Window) find(name));
            return "";
        });
        return w.get();
    }

    private static String keys(Window frame, String combo, boolean keepFocusOwner) throws Exception {
        onEdt(() -> {
            if (!keepFocusOwner || !frame.isFocused()) { // a named window keeps the field the keys are meant for
                frame.toFront();
                frame.requestFocus();
            }
            return "";
        });
        long deadline = System.currentTimeMillis() + 5000;
        while (!Boolean.parseBoolean(onEdt(() -> String.valueOf(frame.isFocused())))) {
            if (System.currentTimeMillis() > deadline) {
                throw new IllegalStateException("the window did not get the keyboard focus");
            }
            robot.waitForIdle();
        }
        List<Integer> held = new ArrayList<>();
        String[] parts = combo.split("\\+");
        for (int i = 0; i < parts.length - 1; i++) {
            held.add(switch (parts[i].toLowerCase()) {
                case "ctrl" -> KeyEvent.VK_CONTROL;
                case "shift" -> KeyEvent.VK_SHIFT;
                case "alt" -> KeyEvent.VK_ALT;
                default -> throw new IllegalArgumentException("modifier " + parts[i]);
            });
        }
        int key = (int) KeyEvent.class.getField("VK_" + parts[parts.length - 1].toUpperCase()).get(null);
        held.forEach(robot::keyPress);
        robot.keyPress(key);
        robot.keyRelease(key);
        for (int i = held.size() - 1; i >= 0; i--) {
            robot.keyRelease(held.get(i));
        }
        robot.waitForIdle();
        return "";
    }

    private static Component find(String name) {
        for (Window w : Window.getWindows()) {
            if (!w.isShowing()) {
                continue; // not the sign-in's off-screen warm-up copy
            }
            Component c = find(w, name);
            if (c == null && w instanceof JFrame f && f.getJMenuBar() != null) {
                c = find(f.getJMenuBar(), name);
            }
            if (c != null) {
                return c;
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

    private static int count(String name) {
        int n = 0;
        for (Window w : Window.getWindows()) {
            if (w.isShowing()) {
                n += count(w, name);
            }
        }
        return n;
    }

    private static int count(Container root, String name) {
        int n = 0;
        for (Component c : root.getComponents()) {
            if (name.equals(c.getName())) {
                n++;
            }
            if (c instanceof Container k) {
                n += count(k, name);
            }
        }
        return n;
    }

    private static String text(Component c) {
        if (c instanceof JLabel l) {
            return l.getText();
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
        if (c instanceof JTable t) {
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
        return c.toString();
    }
}
