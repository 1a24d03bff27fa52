package onekey.softphone.ui;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.awt.BorderLayout;
import java.awt.FlowLayout;
import java.awt.event.KeyEvent;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import javax.swing.DefaultComboBoxModel;
import javax.swing.JButton;
import javax.swing.JComboBox;
import javax.swing.JComponent;
import javax.swing.JDialog;
import javax.swing.JLabel;
import javax.swing.JPanel;
import javax.swing.JScrollPane;
import javax.swing.JTable;
import javax.swing.JTextArea;
import javax.swing.KeyStroke;
import javax.swing.ListSelectionModel;
import javax.swing.SwingUtilities;
import javax.swing.Timer;
import javax.swing.table.DefaultTableModel;
import onekey.softphone.cti.CtiClient;

/**
 * The desk's open incidents board (issue 19 item 2), from {@code GET /api/board/incidents}: elder, reason, stage, age,
 * the seats on A and B, the next planned step and when. Read again at once (at most every 300 ms) on any incident
 * event, and every 5 s for the ages. Hand a task to another seat ({@code PUT /api/incidents/{id}/tasks/{seq}/assign},
 * Ctrl+G) and open an incident's full timeline (Ctrl+T).
 */
final class IncidentsBoardPanel extends JPanel {
    private static final DateTimeFormatter HMS = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneId.systemDefault());

    private final I18n i18n;
    private final ValueNames names;
    private final CtiClient cti;
    private final Executor work;
    private final DefaultTableModel model;
    private final JTable table;
    private final List<JsonNode> rows = new ArrayList<>();
    private final JComboBox<String> task = new JComboBox<>();
    private final DefaultComboBoxModel<String> seats = new DefaultComboBoxModel<>();
    private final JComboBox<String> seat = new JComboBox<>(seats);
    /** username → account id of the seats a task can go to. */
    private final Map<String, Long> seatIds = new LinkedHashMap<>();
    private final Map<String, String> seatNames = new LinkedHashMap<>();
    private final JLabel status = new JLabel(" ");
    private final Timer debounce = new Timer(300, e -> reload());
    private final Timer tick;

    IncidentsBoardPanel(I18n i18n, CtiClient cti, Executor work) {
        super(new BorderLayout(4, 4));
        this.i18n = i18n;
        this.names = new ValueNames(i18n);
        this.cti = cti;
        this.work = work;
        model = new DefaultTableModel(new Object[] {i18n.t("bd.incident"), i18n.t("bd.elder"), i18n.t("bd.reason"),
                i18n.t("bd.stage"), i18n.t("bd.age"), i18n.t("bd.seatA"), i18n.t("bd.seatB"), i18n.t("bd.next"),
                i18n.t("bd.when")}, 0) {
            @Override
            public boolean isCellEditable(int r, int c) {
                return false;
            }
        };
        table = new JTable(model);
        table.setName("deskIncidents");
        table.setRowHeight(24);
        table.setSelectionMode(ListSelectionModel.SINGLE_SELECTION);
        int[] widths = {60, 90, 110, 110, 60, 150, 150, 170, 70};
        for (int i = 0; i < widths.length; i++) {
            table.getColumnModel().getColumn(i).setPreferredWidth(widths[i]);
        }
        add(new JScrollPane(table), BorderLayout.CENTER);
        task.setName("boardTask");
        task.addItem(i18n.t("bd.taskA"));
        task.addItem(i18n.t("bd.taskB"));
        seat.setName("boardSeat");
        seat.setRenderer(new javax.swing.DefaultListCellRenderer() {
            @Override
            public java.awt.Component getListCellRendererComponent(javax.swing.JList<?> l, Object v, int i, boolean s, boolean f) {
                String u = String.valueOf(v);
                return super.getListCellRendererComponent(l, seatNames.getOrDefault(u, u), i, s, f);
            }
        });
        JButton assign = new JButton(i18n.t("bd.assign"));
        assign.setName("boardAssign");
        assign.addActionListener(e -> assign());
        JButton timeline = new JButton(i18n.t("bd.timeline"));
        timeline.setName("boardTimeline");
        timeline.addActionListener(e -> timeline());
        status.setName("boardStatus");
        JPanel south = new JPanel(new FlowLayout(FlowLayout.LEFT));
        south.add(task);
        south.add(new JLabel(i18n.t("bd.to")));
        south.add(seat);
        south.add(assign);
        south.add(timeline);
        south.add(status);
        add(south, BorderLayout.SOUTH);
        Keys.ctrl(this, KeyEvent.VK_G, "assign", this::assign);
        Keys.ctrl(this, KeyEvent.VK_T, "timeline", this::timeline);
        debounce.setRepeats(false);
        tick = new Timer(5000, e -> changed());
        tick.start();
    }

    /** Something changed (an incident event, or the clock): the board is read again, at most every 300 ms. */
    void changed() {
        SwingUtilities.invokeLater(() -> {
            if (!debounce.isRunning()) {
                debounce.start(); // a burst of events makes one read
            }
        });
    }

    void reload() {
        work.execute(() -> {
            try {
                JsonNode board = cti.request("GET", "/api/board/incidents", null);
                JsonNode agents = seatIds.isEmpty() ? cti.request("GET", "/api/agents", null) : null;
                SwingUtilities.invokeLater(() -> {
                    if (agents != null) {
                        for (JsonNode a : agents) {
                            if (a.hasNonNull("extension") && !a.path("extension").asText().isEmpty()
                                    && "agent".equals(a.path("role").asText("agent"))) {
                                String u = a.path("username").asText();
                                seatIds.put(u, a.path("id").asLong());
                                seatNames.put(u, a.path("displayName").asText(u));
                                seats.addElement(u);
                            }
                        }
                    }
                    show(board);
                });
            } catch (Exception e) {
                String why = e.getMessage();
                SwingUtilities.invokeLater(() -> status.setText(i18n.t("bd.loadFailed") + why));
            }
        });
    }

    private void show(JsonNode board) {
        Long selected = selectedId();
        rows.clear();
        model.setRowCount(0);
        long now = System.currentTimeMillis();
        for (JsonNode r : board) {
            rows.add(r);
            JsonNode next = r.path("next");
            model.addRow(new Object[] {"#" + r.path("incidentId").asLong(),
                    r.hasNonNull("elder") ? r.path("elder").asText() : r.path("callerNumber").asText(""),
                    names.name("reason", r.path("reason").asText()), stage(r.path("stage")),
                    minSec(Math.max(0, now - r.path("openedAt").asLong()) / 1000), seat(r.path("seatA")),
                    seat(r.path("seatB")),
                    next.isObject() ? names.name("step", next.path("kind").asText()) + " " + next.path("target").asText("") : "—",
                    next.isObject() ? HMS.format(Instant.ofEpochMilli(next.path("dueAt").asLong())) : ""});
        }
        if (selected != null) {
            for (int i = 0; i < rows.size(); i++) {
                if (rows.get(i).path("incidentId").asLong() == selected) {
                    table.setRowSelectionInterval(i, i);
                }
            }
        }
    }

    private Long selectedId() {
        int i = table.getSelectedRow();
        return i < 0 || i >= rows.size() ? null : rows.get(i).path("incidentId").asLong();
    }

    private String stage(JsonNode s) {
        String code = s.path("code").asText();
        String words = i18n.t("bd.stage." + code);
        return code.equals("redial") ? String.format(words, s.path("n").asInt(), s.path("of").asInt()) : words;
    }

    private String seat(JsonNode s) {
        if (!s.isObject()) {
            return "—";
        }
        String who = s.hasNonNull("username") ? s.path("username").asText() : i18n.t("bd.nobody");
        return who + " · " + names.name("stepState", s.path("state").asText());
    }

    private static String minSec(long s) {
        return s >= 3600 ? String.format("%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60) : String.format("%d:%02d", s / 60, s % 60);
    }

    private void assign() {
        int i = table.getSelectedRow();
        if (i < 0 || i >= rows.size()) {
            status.setText(i18n.t("bd.chooseRow"));
            return;
        }
        JsonNode r = rows.get(i);
        JsonNode t = r.path(task.getSelectedIndex() == 0 ? "seatA" : "seatB");
        String to = (String) seat.getSelectedItem();
        if (!t.isObject()) {
            status.setText(i18n.t("bd.noTask"));
            return;
        }
        if (to == null || !seatIds.containsKey(to)) {
            status.setText(i18n.t("bd.chooseSeat"));
            return;
        }
        long id = r.path("incidentId").asLong();
        int seq = t.path("seq").asInt();
        String what = (String) task.getSelectedItem();
        work.execute(() -> {
            try {
                cti.request("PUT", "/api/incidents/" + id + "/tasks/" + seq + "/assign",
                        JsonNodeFactory.instance.objectNode().put("agentId", seatIds.get(to)));
                SwingUtilities.invokeLater(() -> status.setText(String.format(i18n.t("bd.assigned"), id, what, to)));
                reload();
            } catch (Exception e) {
                String why = e.getMessage();
                SwingUtilities.invokeLater(() -> status.setText(why));
            }
        });
    }

    /** The incident's full timeline (every step, as the server keeps it), in a window of its own. */
    private void timeline() {
        Long id = selectedId();
        if (id == null) {
            status.setText(i18n.t("bd.chooseRow"));
            return;
        }
        work.execute(() -> {
            try {
                JsonNode inc = cti.request("GET", "/api/incidents/" + id, null);
                StringBuilder b = new StringBuilder();
                b.append(String.format(i18n.t("bd.timelineHead"), id, names.name("reason", inc.path("reason").asText()),
                        names.name("incidentState", inc.path("state").asText()),
                        HMS.format(Instant.ofEpochMilli(inc.path("openedAt").asLong())), inc.path("openedBy").asText()))
                        .append('\n');
                for (JsonNode s : inc.path("steps")) {
                    long at = s.hasNonNull("startedAt") ? s.path("startedAt").asLong() : s.path("dueAt").asLong();
                    b.append(at > 0 ? HMS.format(Instant.ofEpochMilli(at)) : "--:--:--").append("  ")
                            .append(names.name("step", s.path("kind").asText())).append("  ")
                            .append(s.path("target").asText("")).append("  ·  ")
                            .append(names.name("stepState", s.path("state").asText()));
                    if (s.hasNonNull("result")) {
                        b.append("  ·  ").append(names.stepResult(s.path("kind").asText(), s.path("result").asText()));
                    }
                    if (s.hasNonNull("detail")) {
                        b.append("  ·  ").append(s.path("detail").asText());
                    }
                    b.append('\n');
                }
                SwingUtilities.invokeLater(() -> {
                    JDialog d = new JDialog(SwingUtilities.getWindowAncestor(this), String.format(i18n.t("bd.timelineTitle"), id));
                    d.setName("boardTimelineDialog");
                    JTextArea text = new JTextArea(b.toString(), 20, 90);
                    text.setName("boardTimelineText");
                    text.setEditable(false);
                    d.getContentPane().add(new JScrollPane(text));
                    d.getRootPane().registerKeyboardAction(e -> d.dispose(), KeyStroke.getKeyStroke(KeyEvent.VK_ESCAPE, 0),
                            JComponent.WHEN_IN_FOCUSED_WINDOW);
                    d.pack();
                    d.setLocationRelativeTo(this);
                    d.setVisible(true);
                });
            } catch (Exception e) {
                String why = e.getMessage();
                SwingUtilities.invokeLater(() -> status.setText(why));
            }
        });
    }

    void close() {
        tick.stop();
        debounce.stop();
    }
}
