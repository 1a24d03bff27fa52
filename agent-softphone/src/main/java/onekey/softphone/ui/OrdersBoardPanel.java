package onekey.softphone.ui;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.awt.BorderLayout;
import java.awt.FlowLayout;
import java.awt.event.KeyEvent;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executor;
import javax.swing.JButton;
import javax.swing.JComboBox;
import javax.swing.JLabel;
import javax.swing.JPanel;
import javax.swing.JScrollPane;
import javax.swing.JSplitPane;
import javax.swing.JTable;
import javax.swing.JTextArea;
import javax.swing.JTextField;
import javax.swing.ListSelectionModel;
import javax.swing.SwingUtilities;
import javax.swing.Timer;
import javax.swing.table.DefaultTableModel;
import onekey.softphone.cti.CtiClient;

/**
 * The dispatchers' orders board (issue 21), from {@code GET /api/orders}: open orders, late ones (their wanted time
 * passed before the service was done) and complaints / tasks; the selected order's ranked suppliers with the reasons,
 * its offers and its history. Dispatch (Ctrl+D) to the ranked first or to the supplier picked in 派给 (the server
 * audits a pick); a task handled (Ctrl+K) with a note. Read again on every {@code order.*} event (at most every 300 ms)
 * and every 10 s for lateness.
 */
final class OrdersBoardPanel extends JPanel {
    private static final DateTimeFormatter MDHM = DateTimeFormatter.ofPattern("MM-dd HH:mm").withZone(ZoneId.systemDefault());
    private static final Set<String> ENDED = Set.of("done", "called-back", "closed", "cancelled");

    private final I18n i18n;
    private final CtiClient cti;
    private final Executor work;
    private final JComboBox<String> filter = new JComboBox<>();
    private final DefaultTableModel model;
    private final JTable table;
    private final List<JsonNode> rows = new ArrayList<>();
    private final JComboBox<String> pick = new JComboBox<>();
    private final List<Long> pickIds = new ArrayList<>();
    private final JTextArea detail = new JTextArea(12, 60);
    private final JTextField note = new JTextField(24);
    private final JLabel status = new JLabel(" ");
    private final JLabel count = new JLabel(" ");
    private final Timer debounce = new Timer(300, e -> reload());
    private final Timer tick;
    private volatile long shownDetail = -1;

    OrdersBoardPanel(I18n i18n, CtiClient cti, Executor work) {
        super(new BorderLayout(4, 4));
        this.i18n = i18n;
        this.cti = cti;
        this.work = work;
        filter.setName("ordersFilter");
        filter.addItem(i18n.t("or.filter.open"));
        filter.addItem(i18n.t("or.filter.late"));
        filter.addItem(i18n.t("or.filter.complaints"));
        filter.addActionListener(e -> reload());
        JPanel north = new JPanel(new FlowLayout(FlowLayout.LEFT));
        north.add(filter);
        count.setName("ordersCount");
        north.add(count);
        status.setName("ordersStatus");
        north.add(status);
        add(north, BorderLayout.NORTH);
        model = new DefaultTableModel(new Object[] {i18n.t("or.id"), i18n.t("or.category"), i18n.t("or.need"),
                i18n.t("or.state"), i18n.t("or.supplier"), i18n.t("or.wanted"), i18n.t("or.task")}, 0) {
            @Override
            public boolean isCellEditable(int r, int c) {
                return false;
            }
        };
        table = new JTable(model);
        table.setName("ordersTable");
        table.setRowHeight(24);
        table.setSelectionMode(ListSelectionModel.SINGLE_SELECTION);
        table.getSelectionModel().addListSelectionListener(e -> {
            if (!e.getValueIsAdjusting()) {
                showSelected();
            }
        });
        detail.setName("ordersDetail");
        detail.setEditable(false);
        detail.setLineWrap(true);
        JSplitPane split = new JSplitPane(JSplitPane.VERTICAL_SPLIT, new JScrollPane(table), new JScrollPane(detail));
        split.setResizeWeight(0.55);
        add(split, BorderLayout.CENTER);
        pick.setName("ordersPick");
        JButton dispatch = new JButton(i18n.t("or.dispatch"));
        dispatch.setName("ordersDispatch");
        dispatch.addActionListener(e -> dispatch());
        note.setName("ordersNote");
        JButton done = new JButton(i18n.t("or.taskDone"));
        done.setName("ordersTaskDone");
        done.addActionListener(e -> taskDone());
        JPanel south = new JPanel(new FlowLayout(FlowLayout.LEFT));
        south.add(new JLabel(i18n.t("or.pick")));
        south.add(pick);
        south.add(dispatch);
        south.add(new JLabel(i18n.t("or.note")));
        south.add(note);
        south.add(done);
        add(south, BorderLayout.SOUTH);
        Keys.ctrl(this, KeyEvent.VK_D, "dispatch", this::dispatch);
        Keys.ctrl(this, KeyEvent.VK_K, "taskDone", this::taskDone);
        debounce.setRepeats(false);
        tick = new Timer(10_000, e -> changed());
        tick.start();
    }

    /** An order.* event (or the clock): read again, at most every 300 ms. */
    void changed() {
        SwingUtilities.invokeLater(() -> {
            if (!debounce.isRunning()) {
                debounce.start();
            }
        });
    }

    void reload() {
        int f = filter.getSelectedIndex();
        work.execute(() -> {
            try {
                JsonNode list = f == 2 ? cti.request("GET", "/api/orders?task=open&limit=500", null)
                        : cti.request("GET", "/api/orders?state=created,dispatched,accepted,in-service,failed&limit=500", null);
                long now = System.currentTimeMillis();
                List<JsonNode> shown = new ArrayList<>();
                for (JsonNode o : list) {
                    if (f != 1 || o.path("wantedAt").asLong() < now && !ENDED.contains(o.path("state").asText())) {
                        shown.add(o);
                    }
                }
                SwingUtilities.invokeLater(() -> show(shown));
            } catch (Exception e) {
                String why = e.getMessage();
                SwingUtilities.invokeLater(() -> status.setText(i18n.t("or.loadFailed") + why));
            }
        });
    }

    private void show(List<JsonNode> list) {
        Long selected = selectedId();
        rows.clear();
        model.setRowCount(0);
        for (JsonNode o : list) {
            rows.add(o);
            JsonNode task = o.path("task");
            model.addRow(new Object[] {"#" + o.path("id").asLong(), o.path("category").asText(), o.path("need").asText(),
                    i18n.t("or.state." + o.path("state").asText()), supplierName(o),
                    MDHM.format(Instant.ofEpochMilli(o.path("wantedAt").asLong())),
                    task.isObject() && "open".equals(task.path("state").asText())
                            ? i18n.t("or.task." + task.path("kind").asText()) + " · " + task.path("note").asText("") : ""});
        }
        count.setText(String.format(i18n.t("or.count"), rows.size()));
        if (selected != null) {
            for (int i = 0; i < rows.size(); i++) {
                if (rows.get(i).path("id").asLong() == selected) {
                    table.setRowSelectionInterval(i, i);
                }
            }
        }
        showSelected();
    }

    private static String supplierName(JsonNode o) {
        if (!o.hasNonNull("supplierId")) {
            return "—";
        }
        long id = o.path("supplierId").asLong();
        for (JsonNode c : o.path("candidates")) {
            if (c.path("supplierId").asLong() == id) {
                return c.path("name").asText("#" + id);
            }
        }
        return "#" + id;
    }

    private Long selectedId() {
        int i = table.getSelectedRow();
        return i < 0 || i >= rows.size() ? null : rows.get(i).path("id").asLong();
    }

    /** The selected order's ranked suppliers (with reasons), offers and history; 派给 lists the candidates. */
    private void showSelected() {
        int i = table.getSelectedRow();
        if (i < 0 || i >= rows.size()) {
            return;
        }
        JsonNode o = rows.get(i);
        long id = o.path("id").asLong();
        StringBuilder b = new StringBuilder();
        b.append("#").append(id).append("  ").append(o.path("category").asText()).append("  ")
                .append(o.path("need").asText()).append('\n');
        b.append(i18n.t("or.candidates")).append('\n');
        int n = 0;
        for (JsonNode c : o.path("candidates")) {
            b.append(++n).append(". ").append(c.path("name").asText()).append("（#").append(c.path("supplierId").asLong())
                    .append("）  ").append(c.path("reason").asText()).append('\n');
        }
        if (o.path("offers").size() > 0) {
            b.append(i18n.t("or.offers")).append('\n');
            for (JsonNode f : o.path("offers")) {
                b.append("  ").append(f.path("seq").asInt()).append(". #").append(f.path("supplierId").asLong()).append(" ")
                        .append(f.path("via").asText()).append(" · ").append(f.path("state").asText());
                if (!f.path("digits").asText().isEmpty()) {
                    b.append(" · ").append(f.path("digits").asText());
                }
                b.append('\n');
            }
        }
        b.append(i18n.t("or.history")).append('\n');
        for (JsonNode h : o.path("history")) {
            b.append("  ").append(MDHM.format(Instant.ofEpochMilli(h.path("at").asLong()))).append("  ")
                    .append(i18n.t("or.state." + h.path("state").asText())).append("  ").append(h.path("event").asText())
                    .append("  ").append(h.path("by").asText()).append('\n');
        }
        detail.setText(b.toString());
        detail.setCaretPosition(0);
        if (shownDetail != id) {
            shownDetail = id;
            pick.removeAllItems();
            pickIds.clear();
            pick.addItem(i18n.t("or.auto"));
            pickIds.add(null);
            for (JsonNode c : o.path("candidates")) {
                pick.addItem(c.path("name").asText() + "（#" + c.path("supplierId").asLong() + "）");
                pickIds.add(c.path("supplierId").asLong());
            }
        }
    }

    private void dispatch() {
        Long id = selectedId();
        if (id == null) {
            status.setText(i18n.t("or.chooseRow"));
            return;
        }
        int p = pick.getSelectedIndex();
        Long supplier = p <= 0 || p >= pickIds.size() ? null : pickIds.get(p);
        String to = p <= 0 ? i18n.t("or.auto") : (String) pick.getSelectedItem();
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        if (supplier != null) {
            body.put("supplierId", supplier);
        }
        work.execute(() -> {
            try {
                cti.request("POST", "/api/orders/" + id + "/dispatch", body);
                SwingUtilities.invokeLater(() -> status.setText(String.format(i18n.t("or.dispatched"), id, to)));
                reload();
            } catch (Exception e) {
                String why = e.getMessage();
                SwingUtilities.invokeLater(() -> status.setText(why));
            }
        });
    }

    private void taskDone() {
        Long id = selectedId();
        if (id == null) {
            status.setText(i18n.t("or.chooseRow"));
            return;
        }
        ObjectNode body = JsonNodeFactory.instance.objectNode().put("note", note.getText().trim());
        work.execute(() -> {
            try {
                cti.request("POST", "/api/orders/" + id + "/task/done", body);
                SwingUtilities.invokeLater(() -> {
                    status.setText(String.format(i18n.t("or.taskClosed"), id));
                    note.setText("");
                });
                reload();
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
