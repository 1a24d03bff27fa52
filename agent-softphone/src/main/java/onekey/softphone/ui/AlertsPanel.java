package onekey.softphone.ui;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.awt.BorderLayout;
import java.awt.Color;
import java.awt.Component;
import java.awt.FlowLayout;
import java.awt.event.InputEvent;
import java.awt.event.KeyEvent;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executor;
import java.util.function.IntConsumer;
import javax.swing.AbstractAction;
import javax.swing.JButton;
import javax.swing.JComponent;
import javax.swing.JLabel;
import javax.swing.JPanel;
import javax.swing.JScrollPane;
import javax.swing.JTable;
import javax.swing.JTextField;
import javax.swing.KeyStroke;
import javax.swing.ListSelectionModel;
import javax.swing.SwingUtilities;
import javax.swing.table.DefaultTableCellRenderer;
import javax.swing.table.DefaultTableModel;
import onekey.softphone.cti.CtiClient;

/**
 * The desk's alerts (issue 19 item 1): every stored {@code queue.alert} / {@code system.alert}, newest first, with its
 * kind in words, the call or incident it concerns, its message and whether it is handled (by whom, with what note).
 * The open ones come from {@code GET /api/alerts?open=true} at sign-in and after every reconnect (alerts raised while
 * the supervisor was away); then {@code alert.raised} adds one (urgent kinds sound the {@link AlertCue}) and
 * {@code alert.ack} marks one handled, whoever acknowledged it. Acknowledge: choose a row, type a note, Ctrl+K.
 */
final class AlertsPanel extends JPanel {
    private static final DateTimeFormatter HMS = DateTimeFormatter.ofPattern("MM-dd HH:mm:ss").withZone(ZoneId.systemDefault());

    private final I18n i18n;
    private final CtiClient cti;
    private final Executor work;
    private final java.util.function.Supplier<AlertCue> cue;
    private final ValueNames names;
    private final IntConsumer openCount;
    /** id → alert, newest (highest id) first. */
    private final TreeMap<Long, JsonNode> alerts = new TreeMap<>(java.util.Comparator.reverseOrder());
    private final List<Long> rowIds = new ArrayList<>();
    private final DefaultTableModel model;
    private final JTable table;
    private final JTextField note = new JTextField(30);
    private final JButton ack;
    private final JLabel status = new JLabel(" ");

    AlertsPanel(I18n i18n, CtiClient cti, Executor work, java.util.function.Supplier<AlertCue> cue, IntConsumer openCount) {
        super(new BorderLayout(4, 4));
        this.i18n = i18n;
        this.cti = cti;
        this.work = work;
        this.cue = cue;
        this.openCount = openCount;
        this.names = new ValueNames(i18n);
        model = new DefaultTableModel(new Object[] {i18n.t("al.time"), i18n.t("al.kind"), i18n.t("al.about"),
                i18n.t("al.message"), i18n.t("al.state")}, 0) {
            @Override
            public boolean isCellEditable(int r, int c) {
                return false;
            }
        };
        table = new JTable(model);
        table.setName("deskAlerts");
        table.setSelectionMode(ListSelectionModel.SINGLE_SELECTION);
        table.setRowHeight(24);
        table.getColumnModel().getColumn(0).setPreferredWidth(110);
        table.getColumnModel().getColumn(1).setPreferredWidth(160);
        table.getColumnModel().getColumn(2).setPreferredWidth(90);
        table.getColumnModel().getColumn(3).setPreferredWidth(330);
        table.getColumnModel().getColumn(4).setPreferredWidth(230);
        table.setDefaultRenderer(Object.class, new DefaultTableCellRenderer() {
            @Override
            public Component getTableCellRendererComponent(JTable t, Object v, boolean sel, boolean focus, int row, int col) {
                Component c = super.getTableCellRendererComponent(t, v, sel, focus, row, col);
                JsonNode a = row < rowIds.size() ? alerts.get(rowIds.get(row)) : null;
                if (!sel && a != null) {
                    boolean open = a.path("ack").isNull() || a.path("ack").isMissingNode();
                    c.setForeground(open && a.path("urgent").asBoolean() ? new Color(0xB00020) : open ? Color.BLACK : Color.GRAY);
                }
                return c;
            }
        });
        add(new JScrollPane(table), BorderLayout.CENTER);
        note.setName("alertNote");
        ack = new JButton(i18n.t("al.ack"));
        ack.setName("alertAck");
        ack.addActionListener(e -> ack());
        status.setName("alertStatus");
        JPanel south = new JPanel(new FlowLayout(FlowLayout.LEFT));
        south.add(new JLabel(i18n.t("al.note")));
        south.add(note);
        south.add(ack);
        south.add(status);
        add(south, BorderLayout.SOUTH);
        getInputMap(JComponent.WHEN_IN_FOCUSED_WINDOW).put(KeyStroke.getKeyStroke(KeyEvent.VK_K, InputEvent.CTRL_DOWN_MASK), "ack");
        getActionMap().put("ack", new AbstractAction() {
            @Override
            public void actionPerformed(java.awt.event.ActionEvent e) {
                ack();
            }
        });
    }

    /** Off the Swing thread: the open alerts, kept with those already shown (the handled ones stay, greyed). */
    void reload() {
        work.execute(() -> {
            try {
                JsonNode open = cti.request("GET", "/api/alerts?open=true&limit=500", null);
                SwingUtilities.invokeLater(() -> {
                    for (JsonNode a : open) {
                        alerts.put(a.path("id").asLong(), a);
                    }
                    repaintRows();
                });
            } catch (Exception e) {
                String why = e.getMessage();
                SwingUtilities.invokeLater(() -> status.setText(i18n.t("al.loadFailed") + why));
            }
        });
    }

    /** On the Swing thread: {@code alert.raised} or {@code alert.ack}. */
    void event(String type, JsonNode alert) {
        long id = alert.path("id").asLong();
        boolean fresh = !alerts.containsKey(id);
        alerts.put(id, alert);
        repaintRows();
        if ("alert.raised".equals(type) && fresh && alert.path("urgent").asBoolean()) {
            cue.get().play(alert.path("kind").asText(), id);
        }
    }

    private void repaintRows() {
        Long selected = table.getSelectedRow() >= 0 && table.getSelectedRow() < rowIds.size()
                ? rowIds.get(table.getSelectedRow()) : null;
        model.setRowCount(0);
        rowIds.clear();
        int open = 0;
        for (Map.Entry<Long, JsonNode> e : alerts.entrySet()) {
            JsonNode a = e.getValue();
            boolean isOpen = a.path("ack").isNull() || a.path("ack").isMissingNode();
            if (isOpen) {
                open++;
            }
            rowIds.add(e.getKey());
            model.addRow(new Object[] {HMS.format(Instant.ofEpochMilli(a.path("raisedAt").asLong())), kind(a), about(a),
                    message(a), state(a, isOpen)});
        }
        if (selected != null && rowIds.contains(selected)) {
            int r = rowIds.indexOf(selected);
            table.setRowSelectionInterval(r, r);
        }
        openCount.accept(open);
    }

    private String kind(JsonNode a) {
        String k = a.path("kind").asText();
        String words = i18n.t("al.kind." + k);
        return words.equals("al.kind." + k) ? k : words;
    }

    /** What happened, in the window's language: built from the alert's fields for the kinds the desk knows. */
    private String message(JsonNode a) {
        String server = a.path("message").asText("");
        if (i18n.english()) {
            return server;
        }
        JsonNode b = a.path("body");
        return switch (a.path("kind").asText()) {
            case "no-agent-ready" -> String.format("SOS 来电等待中，没有就绪坐席（等待 %d 通）", Math.max(1, b.path("waiting").asLong(1)));
            case "overflow" -> String.format("来电 %s 秒无人接听，已转备用号码 %s", b.path("waitedSeconds").asText("?"),
                    b.path("backupNumber").asText(""));
            case "incident-escalated" -> "两次重拨无响应，启动 AB 座席救援";
            case "incident-task" -> "已派任务：" + names.name("task", b.path("task").asText().split(":", 2)[0]);
            case "task-not-taken" -> names.name("step", b.path("taskKind").asText()) + "超时无人接受";
            case "follow-up-overdue" -> "回访已过截止时间，仍未完成";
            case "incident-emergency" -> "紧急救援：B 任务已交给坐席 " + b.path("seatB").asText("?");
            case "emergency-no-seat-b" -> "紧急救援：没有就绪的第二坐席，A 坐席独自陪伴老人";
            case "recordings-disk-low" -> String.format("录音磁盘剩余 %s MB", b.path("freeMb").asText("?"));
            case "recording-missing" -> "来电没有可用录音（" + b.path("status").asText("") + "）";
            default -> server;
        };
    }

    private String about(JsonNode a) {
        if (a.hasNonNull("incidentId")) {
            return String.format(i18n.t("al.incident"), a.path("incidentId").asLong());
        }
        if (a.hasNonNull("callId")) {
            return String.format(i18n.t("al.call"), a.path("callId").asLong());
        }
        String caller = a.path("body").path("call").path("callerNumber").asText("");
        if (!caller.isEmpty()) { // the call's row is not written yet: its caller, masked but for the last four digits
            return String.format(i18n.t("al.caller"), caller.length() <= 4 ? caller : "****" + caller.substring(caller.length() - 4));
        }
        return a.hasNonNull("linkedid") ? String.format(i18n.t("al.caller"), a.path("linkedid").asText()) : "";
    }

    private String state(JsonNode a, boolean open) {
        if (open) {
            return a.path("urgent").asBoolean() ? i18n.t("al.urgentOpen") : i18n.t("al.open");
        }
        JsonNode k = a.path("ack");
        return String.format(i18n.t("al.handled"), k.path("by").asText(), k.path("note").asText("")).trim();
    }

    private void ack() {
        int row = table.getSelectedRow();
        if (row < 0 || row >= rowIds.size()) {
            status.setText(i18n.t("al.chooseRow"));
            return;
        }
        long id = rowIds.get(row);
        String text = note.getText().trim();
        ack.setEnabled(false);
        work.execute(() -> {
            try {
                JsonNode done = cti.request("POST", "/api/alerts/" + id + "/ack",
                        JsonNodeFactory.instance.objectNode().put("note", text));
                SwingUtilities.invokeLater(() -> {
                    event("alert.ack", done);
                    note.setText("");
                    status.setText(String.format(i18n.t("al.acked"), id));
                    ack.setEnabled(true);
                });
            } catch (Exception e) {
                String why = e.getMessage();
                SwingUtilities.invokeLater(() -> {
                    status.setText(why);
                    ack.setEnabled(true);
                });
            }
        });
    }
}
