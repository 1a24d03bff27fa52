package onekey.softphone.ui;

import com.fasterxml.jackson.databind.JsonNode;
import java.awt.BorderLayout;
import java.awt.Color;
import java.awt.Component;
import java.awt.FlowLayout;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;
import javax.swing.BorderFactory;
import javax.swing.ButtonGroup;
import javax.swing.JButton;
import javax.swing.JComboBox;
import javax.swing.JComponent;
import javax.swing.JLabel;
import javax.swing.JPanel;
import javax.swing.JRadioButton;
import javax.swing.JScrollPane;
import javax.swing.JTable;
import javax.swing.JTextField;
import javax.swing.ListSelectionModel;
import javax.swing.table.AbstractTableModel;
import javax.swing.table.DefaultTableCellRenderer;

/**
 * The worklist tab (issue 18 item 4): the calls the seat owes — follow-ups due with their deadline (overdue in red)
 * and bookings the elder never confirmed (failed broadcasts handed on as tasks). Dialled from the list; a follow-up
 * leaves the list only when its outcome is saved (reached, how the elder is, satisfaction 1–5), never by dialling:
 * "not reached" keeps it for the next try. All methods on the EDT; the work is the {@link Backend}'s, off it.
 */
final class WorklistPanel {

    /** What the panel asks of the softphone (each runs off the EDT and calls {@link #rows} or {@link #status}). */
    interface Backend {
        void refresh();

        void dial(Item item);

        void outcome(Item item, boolean reached, String condition, Integer satisfaction);
    }

    /**
     * A line of the worklist: {@code kind} follow-up (an incident's; id: the incident), call-follow-up (an answered SOS
     * call's or consultation's; id: the follow-up) or booking (id: the broadcast).
     */
    record Item(String kind, long id, Long elderId, long dueAt, String who, String detail, String last) {
        static Item followUp(JsonNode j) {
            boolean ofCall = j.path("followUpId").canConvertToLong() && !j.path("followUpId").isNull();
            return new Item(ofCall ? "call-follow-up" : "follow-up",
                    ofCall ? j.path("followUpId").asLong() : j.path("incidentId").asLong(),
                    j.path("elderId").isNumber() ? j.path("elderId").asLong() : null, j.path("dueAt").asLong(),
                    j.path("number").asText(""), "wl.reason." + j.path("reason").asText("incident"),
                    j.path("result").asText(null));
        }

        static Item booking(JsonNode b) {
            JsonNode f = b.path("fields");
            String what = f.has("hospital") ? f.path("hospital").asText() + " " + f.path("department").asText("")
                    + " " + f.path("time").asText("") : f.path("from").asText("") + " → " + f.path("to").asText("")
                    + " " + f.path("time").asText("");
            if (f.has("what")) {
                what = f.path("what").asText() + " " + f.path("time").asText("");
            }
            // a booking the elder never confirmed, or a reminder nobody heard: both owed a call by a person
            return new Item("reminder".equals(b.path("kind").asText()) ? "reminder" : "booking", b.path("id").asLong(), b.path("elderId").asLong(),
                    b.path("endedAt").asLong(b.path("dueAt").asLong()), "", what.trim(), b.path("outcome").asText(null));
        }
    }

    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("MM-dd HH:mm").withZone(ZoneId.systemDefault());
    private static final Color OVERDUE = new Color(0xC62828);

    final JPanel panel = new JPanel(new BorderLayout());
    private final I18n i18n;
    private final LongSupplier now;
    private final List<Item> items = new ArrayList<>();
    private final Model model = new Model();
    final JTable table;
    final JButton refresh = named(new JButton(), "worklistRefresh");
    final JButton dial = named(new JButton(), "worklistDial");
    final JRadioButton reached = named(new JRadioButton(), "worklistReached");
    final JRadioButton notReached = named(new JRadioButton(), "worklistNotReached");
    final JTextField condition = named(new JTextField(24), "worklistCondition");
    final JComboBox<String> satisfaction = named(new JComboBox<>(new String[] {"5", "4", "3", "2", "1"}), "worklistSatisfaction");
    final JButton save = named(new JButton(), "worklistSave");
    final JLabel status = named(new JLabel(" "), "worklistStatus");
    final JLabel count = named(new JLabel(" "), "worklistCount");
    private final List<Runnable> relabels = new ArrayList<>();
    private long dialledAt = Long.MIN_VALUE / 2;
    private Backend backend = new Backend() {
        @Override
        public void refresh() {
        }

        @Override
        public void dial(Item item) {
        }

        @Override
        public void outcome(Item item, boolean reached, String condition, Integer satisfaction) {
        }
    };

    WorklistPanel(I18n i18n, LongSupplier now) {
        this.i18n = i18n;
        this.now = now;
        this.table = named(new JTable(model), "worklistTable"); // after i18n: the model names its columns with it
        panel.setName("worklist");
        table.setSelectionMode(ListSelectionModel.SINGLE_SELECTION);
        table.setRowHeight(table.getRowHeight() + 6);
        table.setDefaultRenderer(Object.class, new DefaultTableCellRenderer() {
            @Override
            public Component getTableCellRendererComponent(JTable t, Object value, boolean selected, boolean focus,
                    int row, int column) {
                Component c = super.getTableCellRendererComponent(t, value, selected, focus, row, column);
                boolean late = row < items.size() && items.get(row).dueAt() < now.getAsLong();
                if (!selected) {
                    c.setForeground(late ? OVERDUE : Color.DARK_GRAY);
                }
                c.setFont(c.getFont().deriveFont(late ? java.awt.Font.BOLD : java.awt.Font.PLAIN));
                return c;
            }
        });
        table.getColumnModel().getColumn(0).setPreferredWidth(90);
        table.getColumnModel().getColumn(1).setPreferredWidth(150);
        table.getColumnModel().getColumn(2).setPreferredWidth(150);
        table.getColumnModel().getColumn(3).setPreferredWidth(300);

        JPanel top = new JPanel(new FlowLayout(FlowLayout.LEFT, 6, 4));
        top.add(refresh);
        top.add(dial);
        top.add(count);
        top.add(status);
        ButtonGroup g = new ButtonGroup();
        g.add(reached);
        g.add(notReached);
        reached.setSelected(true);
        JPanel out = new JPanel(new FlowLayout(FlowLayout.LEFT, 6, 4));
        JLabel ck = new JLabel();
        JLabel sk = new JLabel();
        for (JComponent c : List.of(reached, notReached, ck, condition, sk, satisfaction, save)) {
            out.add(c);
        }
        out.setBorder(BorderFactory.createEmptyBorder(4, 8, 8, 8));
        panel.add(top, BorderLayout.NORTH);
        panel.add(new JScrollPane(table), BorderLayout.CENTER);
        panel.add(out, BorderLayout.SOUTH);

        relabels.add(() -> {
            refresh.setText(i18n.t("wl.refresh"));
            dial.setText(i18n.t("wl.dial"));
            reached.setText(i18n.t("wl.reached"));
            notReached.setText(i18n.t("wl.notReached"));
            ck.setText(i18n.t("wl.condition"));
            sk.setText(i18n.t("wl.satisfaction"));
            save.setText(i18n.t("wl.save"));
            model.fireTableStructureChanged();
            count.setText(String.format(i18n.t("wl.count"), items.size()));
        });
        refresh.addActionListener(e -> backend.refresh());
        dial.addActionListener(e -> selected().ifPresent(i -> {
            dialledAt = now.getAsLong();
            status(i18n.t("wl.dialling"), false);
            backend.dial(i);
        }));
        reached.addActionListener(e -> outcomeControls());
        notReached.addActionListener(e -> outcomeControls());
        save.addActionListener(e -> selected().ifPresent(i -> {
            boolean r = reached.isSelected();
            if (r && condition.getText().isBlank()) {
                status(i18n.t("wl.needCondition"), true);
                return;
            }
            backend.outcome(i, r, r ? condition.getText().trim() : null,
                    r && i.kind().contains("follow-up") ? Integer.valueOf((String) satisfaction.getSelectedItem()) : null);
        }));
        relabel();
        // the deadlines turn red while the list is on screen
        redden = new javax.swing.Timer(30_000, e -> table.repaint());
        redden.start();
    }

    /** Repaints the list every 30 s: a deadline passing turns its row red. */
    private javax.swing.Timer redden;

    /**
     * The worklist's keys, on the window's root pane: Ctrl+R refresh, and while the list is on screen Ctrl+D dial the
     * chosen row, Ctrl+S save its outcome, Ctrl+Y / Ctrl+U reached / not reached (the keys the buttons name).
     */
    void bindKeys(JComponent root) {
        key(root, java.awt.event.KeyEvent.VK_R, "wlRefresh", false, refresh);
        key(root, java.awt.event.KeyEvent.VK_D, "wlDial", true, dial);
        key(root, java.awt.event.KeyEvent.VK_S, "wlSave", true, save);
        key(root, java.awt.event.KeyEvent.VK_Y, "wlReached", true, reached);
        key(root, java.awt.event.KeyEvent.VK_U, "wlNotReached", true, notReached);
    }

    private void key(JComponent root, int code, String name, boolean onlyShowing, javax.swing.AbstractButton b) {
        root.getInputMap(JComponent.WHEN_IN_FOCUSED_WINDOW).put(javax.swing.KeyStroke.getKeyStroke(code,
                java.awt.event.InputEvent.CTRL_DOWN_MASK), name);
        root.getActionMap().put(name, new javax.swing.AbstractAction() {
            @Override
            public void actionPerformed(java.awt.event.ActionEvent e) {
                if (b.isEnabled() && (!onlyShowing || panel.isShowing())) {
                    b.doClick(0); // as the button: the radio buttons' group and listeners see the same click
                }
            }
        });
    }

    /** The panel is thrown away (the sign-in's warm-up copy): its timer stops. */
    void stop() {
        redden.stop();
    }

    /**
     * The seat dialled from the list within the last 30 s: the ring that comes is that call (Asterisk rings the seat's
     * phone first), so the list stays on screen instead of the pop's tab.
     */
    boolean justDialled() {
        return now.getAsLong() - dialledAt < 30_000;
    }

    void backend(Backend b) {
        backend = b;
    }

    private void outcomeControls() {
        condition.setEnabled(reached.isSelected());
        satisfaction.setEnabled(reached.isSelected());
    }

    private java.util.Optional<Item> selected() {
        int r = table.getSelectedRow();
        if (r < 0 || r >= items.size()) {
            status(i18n.t("wl.chooseRow"), true);
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(items.get(table.convertRowIndexToModel(r)));
    }

    /** The list as loaded (follow-ups and bookings, soonest deadline first); the selection is kept by item. */
    void rows(List<Item> fresh) {
        Item was = table.getSelectedRow() >= 0 && table.getSelectedRow() < items.size() ? items.get(table.getSelectedRow()) : null;
        items.clear();
        items.addAll(fresh);
        items.sort(java.util.Comparator.comparingLong(Item::dueAt));
        model.fireTableDataChanged();
        count.setText(String.format(i18n.t("wl.count"), items.size()));
        if (was != null) {
            for (int i = 0; i < items.size(); i++) {
                if (items.get(i).kind().equals(was.kind()) && items.get(i).id() == was.id()) {
                    table.setRowSelectionInterval(i, i);
                }
            }
        }
    }

    /** An outcome was saved: the form is cleared for the next one. */
    void saved(boolean done) {
        status(i18n.t(done ? "wl.savedDone" : "wl.savedRetry"), false);
        condition.setText("");
        satisfaction.setSelectedIndex(0);
        reached.setSelected(true);
        outcomeControls();
    }

    void status(String s, boolean bad) {
        status.setForeground(bad ? OVERDUE : new Color(0x2E7D32));
        status.setText(s);
    }

    void relabel() {
        relabels.forEach(Runnable::run);
    }

    private static <T extends JComponent> T named(T c, String n) {
        c.setName(n);
        return c;
    }

    private final class Model extends AbstractTableModel {
        private static final String[] COLUMNS = {"wl.kind", "wl.who", "wl.due", "wl.detail", "wl.last"};

        @Override
        public int getRowCount() {
            return items.size();
        }

        @Override
        public int getColumnCount() {
            return COLUMNS.length;
        }

        @Override
        public String getColumnName(int c) {
            return i18n.t(COLUMNS[c]);
        }

        @Override
        public Object getValueAt(int r, int c) {
            Item i = items.get(r);
            return switch (c) {
                case 0 -> i18n.t("wl.kind." + i.kind());
                case 1 -> String.format(i18n.t("wl.who." + i.kind()), i.id()) + (i.who().isBlank() ? "" : " " + i.who());
                case 2 -> WHEN.format(Instant.ofEpochMilli(i.dueAt()))
                        + (i.dueAt() < now.getAsLong() ? " " + i18n.t("wl.overdue") : "");
                case 3 -> i.detail().startsWith("wl.") ? i18n.t(i.detail()) : i.detail();
                default -> i.last() == null ? "" : i18n.t("wl.last." + i.last()).startsWith("wl.") ? i.last()
                        : i18n.t("wl.last." + i.last());
            };
        }
    }
}
