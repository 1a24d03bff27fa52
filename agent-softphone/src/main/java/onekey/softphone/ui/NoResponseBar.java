package onekey.softphone.ui;

import java.awt.BorderLayout;
import java.awt.Color;
import java.awt.FlowLayout;
import java.awt.Font;
import java.awt.event.KeyEvent;
import java.util.function.Consumer;
import javax.swing.AbstractAction;
import javax.swing.JButton;
import javax.swing.JComponent;
import javax.swing.JLabel;
import javax.swing.JMenu;
import javax.swing.JMenuItem;
import javax.swing.JPanel;
import javax.swing.KeyStroke;

/**
 * The silent caller (issue 18, item 1; service rules, No response: assume an emergency): on {@code call.silent} a red
 * 无响应 banner over the pop with one button, 启动无响应救援, which sends the WebSocket command {@code call.no-response}
 * for the call. A seat can start it by hand on any answered call too: the 救援 menu's item or F9. All on the EDT.
 */
final class NoResponseBar {
    private static final Color SOS = new Color(0xB71C1C);

    final JPanel panel = new JPanel(new BorderLayout());
    final JLabel banner = named(new JLabel(" "), "silentBanner");
    final JButton start = named(new JButton(), "noResponseButton");
    final JMenu menu = named(new JMenu(), "rescueMenu");
    final JMenuItem startItem = named(new JMenuItem(), "noResponseMenuItem");
    /** Issue 18 item 2: 紧急救援 on the answered call (the elder speaks): the pop's button, the menu's item, F11. */
    final JButton emergency = named(new JButton(), "emergencyButton");
    final JMenuItem emergencyItem = named(new JMenuItem(), "emergencyMenuItem");
    private Consumer<String> emergencyAction = id -> { };
    private final I18n i18n;
    private final Consumer<String> action;
    /** The call on the line (its linkedid), null when none is answered. */
    private String linkedid;
    private String offered;
    private long silentMs = -1;

    /** {@code action} gets the linkedid of the call whose elder does not respond. */
    NoResponseBar(I18n i18n, Consumer<String> action) {
        this.i18n = i18n;
        this.action = action;
        panel.setName("silentBar");
        panel.setBackground(SOS);
        banner.setForeground(Color.WHITE);
        banner.setFont(banner.getFont().deriveFont(Font.BOLD, 20f));
        JPanel right = new JPanel(new FlowLayout(FlowLayout.RIGHT, 8, 4));
        right.setOpaque(false);
        right.add(start);
        panel.add(banner, BorderLayout.CENTER);
        panel.add(right, BorderLayout.EAST);
        panel.setVisible(false);
        start.addActionListener(e -> start());
        startItem.setAccelerator(KeyStroke.getKeyStroke(KeyEvent.VK_F9, 0));
        startItem.addActionListener(e -> start());
        startItem.setEnabled(false);
        menu.add(startItem);
        emergency.setForeground(SOS);
        emergency.setFont(emergency.getFont().deriveFont(Font.BOLD));
        emergency.addActionListener(e -> emergency());
        emergency.setEnabled(false);
        emergencyItem.setAccelerator(KeyStroke.getKeyStroke(KeyEvent.VK_F11, 0));
        emergencyItem.addActionListener(e -> emergency());
        emergencyItem.setEnabled(false);
        menu.add(emergencyItem);
        relabel();
    }

    private static <T extends java.awt.Component> T named(T c, String name) {
        c.setName(name);
        return c;
    }

    void relabel() {
        menu.setText(i18n.t("nr.menu"));
        startItem.setText(i18n.t("nr.start"));
        start.setText(i18n.t("nr.start"));
        emergency.setText(i18n.t("em.start"));
        emergencyItem.setText(i18n.t("em.start"));
        if (silentMs >= 0) {
            banner.setText(" " + String.format(i18n.t("nr.banner"), (silentMs + 500) / 1000));
        }
    }

    /** F9 anywhere in the window (the menu's accelerator needs the menu bar; this works with any focus). */
    void bindKeys(JComponent root) {
        root.getInputMap(JComponent.WHEN_IN_FOCUSED_WINDOW).put(KeyStroke.getKeyStroke(KeyEvent.VK_F9, 0), "noResponse");
        root.getActionMap().put("noResponse", new AbstractAction() {
            @Override
            public void actionPerformed(java.awt.event.ActionEvent e) {
                start();
            }
        });
        root.getInputMap(JComponent.WHEN_IN_FOCUSED_WINDOW).put(KeyStroke.getKeyStroke(KeyEvent.VK_F11, 0), "emergency");
        root.getActionMap().put("emergency", new AbstractAction() {
            @Override
            public void actionPerformed(java.awt.event.ActionEvent e) {
                emergency();
            }
        });
    }

    /** Where 紧急救援 goes: the linkedid of the answered call. */
    void onEmergency(Consumer<String> a) {
        emergencyAction = a;
    }

    private void emergency() {
        if (linkedid == null) {
            return; // only on an answered call: the elder is on the line
        }
        emergency.setEnabled(false);
        emergencyItem.setEnabled(false);
        emergencyAction.accept(linkedid);
    }

    /** What became of 紧急救援 (the ack, seat B joining or not): said on the red banner. */
    void emergencyStatus(String text) {
        silentMs = -1;
        banner.setText(" " + text);
        start.setEnabled(false);
        panel.setVisible(true);
    }

    /** A call was offered (its pop): its linkedid, used once it is answered. */
    void offered(String linkedid) {
        offered = linkedid;
        silentMs = -1;
        panel.setVisible(false);
    }

    /** The phone's main line is (or is no longer) on an answered call. */
    void inCall(boolean on) {
        linkedid = on ? offered : null;
        startItem.setEnabled(linkedid != null);
        emergency.setEnabled(linkedid != null);
        emergencyItem.setEnabled(linkedid != null);
    }

    /** {@code call.silent} for the call on the line: the red banner and its button. */
    void silent(String callLinkedid, long ms) {
        offered = offered == null ? callLinkedid : offered;
        if (linkedid == null && callLinkedid != null && callLinkedid.equals(offered)) {
            linkedid = callLinkedid;
        }
        silentMs = ms;
        start.setEnabled(true);
        relabel();
        panel.setVisible(true);
    }

    /** The rescue was started (the ack came): the banner says so and its button is spent. */
    void started(long incident, boolean created) {
        silentMs = -1;
        banner.setText(" " + String.format(i18n.t(created ? "nr.started" : "nr.joined"), incident));
        start.setEnabled(false);
        panel.setVisible(true);
    }

    private void start() {
        String id = linkedid != null ? linkedid : offered;
        if (id == null || (!panel.isVisible() && linkedid == null)) {
            return; // no answered call to start it on
        }
        start.setEnabled(false);
        action.accept(id);
    }
}
