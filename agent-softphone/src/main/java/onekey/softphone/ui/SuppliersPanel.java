package onekey.softphone.ui;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.awt.BorderLayout;
import java.awt.FlowLayout;
import java.awt.event.ComponentAdapter;
import java.awt.event.ComponentEvent;
import java.awt.event.InputEvent;
import java.awt.event.KeyEvent;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Executor;
import javax.swing.JButton;
import javax.swing.JComboBox;
import javax.swing.JLabel;
import javax.swing.JPanel;
import javax.swing.JScrollPane;
import javax.swing.JSplitPane;
import javax.swing.JTable;
import javax.swing.KeyStroke;
import javax.swing.ListSelectionModel;
import javax.swing.SwingUtilities;
import javax.swing.Timer;
import javax.swing.table.DefaultTableModel;
import onekey.softphone.cti.CtiClient;

/**
 * The suppliers' register in the dispatch desk (issue 21), from {@code GET /api/suppliers}: name, categories, service
 * area (sub-districts / radius), hours, state and the scorecard (score, quality, price fairness, satisfaction,
 * complaint rate, on-time rate, orders done); filtered by state and category (the server's own query parameters);
 * admitted first, then suspended, then ended, each by score, best first. The selected supplier opens in the
 * {@link SupplierForm} beside it; 新增 (Ctrl+N) empties the form, 保存 (Ctrl+S) sends it ({@code POST}, or {@code PUT}
 * for an existing one) and shows a 400 under the field it names with everything typed kept; 暂停合作 (Ctrl+U), 恢复合作
 * (Ctrl+Shift+U) and 终止合作 (Ctrl+T) change only the state ({@code PUT} of the supplier as the server has it, so
 * unsaved edits in the form are neither sent nor lost). 刷新 Ctrl+R; read again whenever the tab is shown and, while
 * shown, on order events (callbacks move the scorecards).
 */
final class SuppliersPanel extends JPanel {
    private final I18n i18n;
    private final CtiClient cti;
    private final Executor work;
    final SupplierForm form;
    private final JComboBox<String> stateFilter = new JComboBox<>();
    private final JComboBox<String> categoryFilter = new JComboBox<>();
    private final DefaultTableModel model;
    private final JTable table;
    private final List<JsonNode> rows = new ArrayList<>();
    private final JLabel count = new JLabel(" ");
    private final JLabel status = new JLabel(" ");
    private final Timer debounce = new Timer(300, e -> reload());
    /** The supplier to select once the list is read again (the one just saved). */
    private volatile Long select;

    SuppliersPanel(I18n i18n, CtiClient cti, Executor work) {
        super(new BorderLayout(4, 4));
        this.i18n = i18n;
        this.cti = cti;
        this.work = work;
        form = new SupplierForm(i18n);
        stateFilter.setName("suppliersState");
        stateFilter.addItem(t("su.all"));
        for (String s : SupplierForm.STATES) {
            stateFilter.addItem(t("su.state." + s));
        }
        stateFilter.addActionListener(e -> reload());
        categoryFilter.setName("suppliersCategory");
        categoryFilter.addItem(t("su.allCategories"));
        form.categoryNames().forEach(categoryFilter::addItem);
        categoryFilter.addActionListener(e -> reload());
        JButton refresh = button("suppliersRefresh", "su.refresh", this::reload);
        JPanel north = new JPanel(new FlowLayout(FlowLayout.LEFT));
        JLabel sl = new JLabel(t("su.filter.state"));
        sl.setLabelFor(stateFilter);
        sl.setDisplayedMnemonic(KeyEvent.VK_F);
        north.add(sl);
        north.add(stateFilter);
        JLabel cl = new JLabel(t("su.filter.category"));
        cl.setLabelFor(categoryFilter);
        cl.setDisplayedMnemonic(KeyEvent.VK_G);
        north.add(cl);
        north.add(categoryFilter);
        north.add(refresh);
        count.setName("suppliersCount");
        north.add(count);
        status.setName("suppliersStatus");
        status.setBorder(javax.swing.BorderFactory.createEmptyBorder(0, 6, 2, 6));
        JPanel top = new JPanel(new BorderLayout()); // the status on a line of its own: a server's message is long
        top.add(north, BorderLayout.NORTH);
        top.add(status, BorderLayout.SOUTH);
        add(top, BorderLayout.NORTH);
        model = new DefaultTableModel(new Object[] {t("su.id"), t("su.name"), t("su.categories"), t("su.area"),
                t("su.hours"), t("su.state"), t("su.score"), t("su.quality"), t("su.price"), t("su.satisfaction"),
                t("su.complaintRate"), t("su.onTimeRate"), t("su.ordersDone")}, 0) {
            @Override
            public boolean isCellEditable(int r, int c) {
                return false;
            }
        };
        table = new JTable(model);
        table.setName("suppliersTable");
        table.setRowHeight(24);
        table.setSelectionMode(ListSelectionModel.SINGLE_SELECTION);
        table.setAutoResizeMode(JTable.AUTO_RESIZE_OFF);
        int[] widths = {44, 130, 120, 170, 150, 64, 64, 60, 60, 56, 56, 56, 64};
        for (int i = 0; i < widths.length; i++) {
            table.getColumnModel().getColumn(i).setPreferredWidth(widths[i]);
        }
        table.getSelectionModel().addListSelectionListener(e -> {
            if (!e.getValueIsAdjusting()) {
                int i = table.getSelectedRow();
                if (i >= 0 && i < rows.size() && !sameAsForm(rows.get(i))) {
                    form.load(rows.get(i));
                }
            }
        });
        JScrollPane formScroll = new JScrollPane(form);
        formScroll.getVerticalScrollBar().setUnitIncrement(16);
        JSplitPane split = new JSplitPane(JSplitPane.VERTICAL_SPLIT, new JScrollPane(table), formScroll);
        split.setResizeWeight(0.4);
        split.setDividerLocation(190);
        add(split, BorderLayout.CENTER);
        JPanel south = new JPanel(new FlowLayout(FlowLayout.LEFT));
        south.add(button("suppliersNew", "su.new", this::newSupplier));
        south.add(button("suppliersSave", "su.save", this::save));
        south.add(button("suppliersSuspend", "su.suspend", () -> setState("suspended")));
        south.add(button("suppliersReadmit", "su.readmit", () -> setState("admitted")));
        south.add(button("suppliersEnd", "su.end", () -> setState("ended")));
        add(south, BorderLayout.SOUTH);
        Keys.ctrl(this, KeyEvent.VK_N, "suNew", this::newSupplier);
        Keys.ctrl(this, KeyEvent.VK_S, "suSave", this::save);
        Keys.ctrl(this, KeyEvent.VK_U, "suSuspend", () -> setState("suspended"));
        Keys.bind(this, KeyStroke.getKeyStroke(KeyEvent.VK_U, InputEvent.CTRL_DOWN_MASK | InputEvent.SHIFT_DOWN_MASK), "suReadmit",
                () -> setState("admitted"));
        Keys.ctrl(this, KeyEvent.VK_T, "suEnd", () -> setState("ended"));
        Keys.ctrl(this, KeyEvent.VK_R, "suRefresh", this::reload);
        debounce.setRepeats(false);
        addComponentListener(new ComponentAdapter() { // the tab opened: what the server has now
            @Override
            public void componentShown(ComponentEvent e) {
                reload();
            }
        });
    }

    private String t(String key) {
        return SuppliersTexts.t(i18n, key);
    }

    private JButton button(String name, String text, Runnable r) {
        JButton b = new JButton(t(text));
        b.setName(name);
        b.addActionListener(e -> r.run());
        return b;
    }

    /** An order event (a callback may move a scorecard): read again if the tab shows, at most every 300 ms. */
    void changed() {
        SwingUtilities.invokeLater(() -> {
            if (isShowing() && !debounce.isRunning()) {
                debounce.start();
            }
        });
    }

    void reload() {
        int s = stateFilter.getSelectedIndex();
        int c = categoryFilter.getSelectedIndex();
        StringBuilder q = new StringBuilder("/api/suppliers?limit=1000");
        if (s > 0) {
            q.append("&state=").append(SupplierForm.STATES.get(s - 1));
        }
        if (c > 0) {
            q.append("&category=").append(URLEncoder.encode((String) categoryFilter.getItemAt(c), StandardCharsets.UTF_8));
        }
        work.execute(() -> {
            try {
                JsonNode list = cti.request("GET", q.toString(), null);
                List<JsonNode> shown = new ArrayList<>();
                list.forEach(shown::add);
                shown.sort(ORDER);
                SwingUtilities.invokeLater(() -> show(shown));
            } catch (Exception e) {
                String why = e.getMessage();
                SwingUtilities.invokeLater(() -> status.setText(t("su.loadFailed") + why));
            }
        });
    }

    /** Admitted, suspended, ended; within each the best score first, then by name. */
    static final Comparator<JsonNode> ORDER = Comparator
            .<JsonNode>comparingInt(s -> {
                int i = SupplierForm.STATES.indexOf(s.path("state").asText());
                return i < 0 ? 9 : i;
            })
            .thenComparing(s -> -s.path("scorecard").path("score").asDouble(0))
            .thenComparing(s -> s.path("name").asText());

    private void show(List<JsonNode> list) {
        Long selected = select != null ? select : selectedId();
        select = null;
        rows.clear();
        model.setRowCount(0);
        for (JsonNode s : list) {
            rows.add(s);
            for (JsonNode c : s.path("categories")) {
                if (!form.categoryNames().contains(c.asText())) {
                    form.addCategory(c.asText());
                    categoryFilter.addItem(c.asText());
                }
            }
            JsonNode sc = s.path("scorecard");
            model.addRow(new Object[] {"#" + s.path("id").asLong(), s.path("name").asText(), join(s.path("categories")),
                    area(s), s.path("hours").asText("").isEmpty() ? t("su.hours.always") : s.path("hours").asText(),
                    t("su.state." + s.path("state").asText()), fmt(sc.path("score"), 1, false), fmt(sc.path("quality"), 2, false),
                    fmt(sc.path("price"), 2, false), fmt(sc.path("satisfaction"), 2, false),
                    fmt(sc.path("complaintRate"), 1, true), fmt(sc.path("onTimeRate"), 1, true),
                    sc.path("ordersDone").asInt()});
        }
        count.setText(String.format(t("su.count"), rows.size()));
        if (selected != null) {
            for (int i = 0; i < rows.size(); i++) {
                if (rows.get(i).path("id").asLong() == selected) {
                    table.setRowSelectionInterval(i, i);
                    table.scrollRectToVisible(table.getCellRect(i, 0, true));
                }
            }
        }
    }

    /** The form already shows this supplier (a re-read of the list keeps what is being typed). */
    private boolean sameAsForm(JsonNode s) {
        return form.id() != null && form.id() == s.path("id").asLong();
    }

    private Long selectedId() {
        int i = table.getSelectedRow();
        return i < 0 || i >= rows.size() ? null : rows.get(i).path("id").asLong();
    }

    private JsonNode selectedRow() {
        int i = table.getSelectedRow();
        return i < 0 || i >= rows.size() ? null : rows.get(i);
    }

    static String area(JsonNode s) {
        List<String> parts = new ArrayList<>();
        String sd = join(s.path("subDistricts"));
        if (!sd.isEmpty()) {
            parts.add(sd);
        }
        if (s.path("radiusKm").isNumber()) {
            parts.add(String.format(Locale.ROOT, "%.1f km", s.path("radiusKm").asDouble()));
        }
        return parts.isEmpty() ? "—" : String.join(" / ", parts);
    }

    private static String join(JsonNode a) {
        List<String> s = new ArrayList<>();
        a.forEach(x -> s.add(x.asText()));
        return String.join("、", s);
    }

    /** A figure of the scorecard: "—" before the first callback; a rate as a percentage. */
    static String fmt(JsonNode n, int decimals, boolean percent) {
        if (!n.isNumber()) {
            return "—";
        }
        double v = percent ? n.asDouble() * 100 : n.asDouble();
        return String.format(Locale.ROOT, "%." + decimals + "f", v) + (percent ? "%" : "");
    }

    /** The scorecard in one line (the form's footer). */
    static String scoreLine(I18n i18n, JsonNode sc) {
        return SuppliersTexts.t(i18n, "su.score") + " " + fmt(sc.path("score"), 1, false) + " · "
                + SuppliersTexts.t(i18n, "su.quality") + " " + fmt(sc.path("quality"), 2, false) + " · "
                + SuppliersTexts.t(i18n, "su.price") + " " + fmt(sc.path("price"), 2, false) + " · "
                + SuppliersTexts.t(i18n, "su.satisfaction") + " " + fmt(sc.path("satisfaction"), 2, false) + " · "
                + SuppliersTexts.t(i18n, "su.complaintRate") + " " + fmt(sc.path("complaintRate"), 1, true) + " · "
                + SuppliersTexts.t(i18n, "su.onTimeRate") + " " + fmt(sc.path("onTimeRate"), 1, true) + " · "
                + SuppliersTexts.t(i18n, "su.ordersDone") + " " + sc.path("ordersDone").asInt();
    }

    private void newSupplier() {
        table.clearSelection();
        form.clear();
        status.setText(" ");
        form.name.requestFocusInWindow();
    }

    /** POST (new) or PUT (the form's supplier); a refusal goes under its field and the form stays as typed. */
    private void save() {
        ObjectNode body = form.body();
        if (body == null) {
            status.setText(t("su.saveFailed") + form.error.getText());
            return;
        }
        Long id = form.id();
        status.setText(t("su.saving"));
        work.execute(() -> {
            try {
                JsonNode saved = id == null ? cti.request("POST", "/api/suppliers", body)
                        : cti.request("PUT", "/api/suppliers/" + id, body);
                long sid = saved.path("id").asLong();
                SwingUtilities.invokeLater(() -> {
                    form.load(saved);
                    status.setText(String.format(t("su.saved"), sid, saved.path("name").asText()));
                    select = sid;
                    reload();
                });
            } catch (CtiClient.Refused e) {
                SwingUtilities.invokeLater(() -> {
                    form.fieldError(e.field(), e.serverMessage());
                    form.error.setText(t("su.saveFailed") + e.serverMessage());
                    status.setText(t("su.saveFailed") + (e.field() == null ? "" : e.field() + ": ") + e.serverMessage());
                });
            } catch (Exception e) {
                String why = e.getMessage();
                SwingUtilities.invokeLater(() -> {
                    form.error.setText(t("su.saveFailed") + why);
                    status.setText(t("su.saveFailed") + why);
                });
            }
        });
    }

    /**
     * 暂停 / 恢复 / 终止: the selected supplier as the server last gave it, with only its state changed ({@code PUT}; the
     * API takes no reason, the audit row {@code supplier.update} records the state and who). The form's state box
     * follows; any unsaved edit in the form stays there.
     */
    private void setState(String state) {
        JsonNode s = selectedRow();
        if (s == null) {
            status.setText(t("su.chooseRow"));
            return;
        }
        long id = s.path("id").asLong();
        ObjectNode body = stateBody(s, state);
        work.execute(() -> {
            try {
                JsonNode saved = cti.request("PUT", "/api/suppliers/" + id, body);
                SwingUtilities.invokeLater(() -> {
                    if (form.id() != null && form.id() == id) {
                        form.setState(saved.path("state").asText(state));
                        form.scorecard.setText(t("sf.scorecard") + "：" + scoreLine(i18n, saved.path("scorecard")));
                    }
                    status.setText(String.format(t("su.stateSet"), id, saved.path("name").asText(),
                            t("su.state." + saved.path("state").asText(state))));
                    select = id;
                    reload();
                });
            } catch (Exception e) {
                String why = e instanceof CtiClient.Refused h ? h.serverMessage() : e.getMessage();
                SwingUtilities.invokeLater(() -> status.setText(t("su.stateFailed") + why));
            }
        });
    }

    /** The PUT body of a supplier as the server shaped it (every field it takes back; no key: the server keeps it). */
    static ObjectNode stateBody(JsonNode s, String state) {
        ObjectNode b = JsonNodeFactory.instance.objectNode();
        for (String k : List.of("name", "categories", "phones", "lat", "lon", "radiusKm", "subDistricts", "hours",
                "contractUntil", "licenceUntil", "dispatch", "webhookUrl")) {
            b.set(k, s.hasNonNull(k) ? s.get(k) : NullNode.getInstance());
        }
        b.put("state", state);
        return b;
    }

    void close() {
        debounce.stop();
    }
}
