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
import java.util.List;
import java.util.concurrent.Executor;
import javax.swing.JButton;
import javax.swing.JComboBox;
import javax.swing.JLabel;
import javax.swing.JPanel;
import javax.swing.JScrollPane;
import javax.swing.JSplitPane;
import javax.swing.JTabbedPane;
import javax.swing.JTable;
import javax.swing.JTextArea;
import javax.swing.JTextField;
import javax.swing.ListSelectionModel;
import javax.swing.SwingUtilities;
import javax.swing.Timer;
import javax.swing.table.DefaultTableModel;
import onekey.softphone.cti.CtiClient;

/**
 * The desk's 终端 tab (issue 24): the terminals to see to ({@code GET /api/devices/report}: never tested, test overdue,
 * silent past their heartbeat) or every terminal of the elder chosen in the form, as a table with a filter; the
 * selected terminal's record, its tests ({@code /api/devices/{id}/tests}) and its recent alarms ({@code /api/alarms});
 * 开启测试模式 N 分钟 (Ctrl+T) and 结束测试模式 (Ctrl+E) as {@code PUT /api/devices/{id}/test-mode}; on the right the
 * form that registers a terminal ({@link DeviceForm}, Ctrl+F finds the elder, Ctrl+S registers). A second sub-tab
 * keeps the 驿站 register ({@link StationsPanel}). Read again on {@code device.*} events (at most every 300 ms).
 */
final class DevicesPanel extends JPanel {
    static final DateTimeFormatter MDHM = DateTimeFormatter.ofPattern("MM-dd HH:mm").withZone(ZoneId.systemDefault());
    private static final DateTimeFormatter HM = DateTimeFormatter.ofPattern("HH:mm").withZone(ZoneId.systemDefault());
    static final String[] FILTERS = {"all", "never-tested", "test-overdue", "silent", "elder"};

    private final I18n i18n;
    private final CtiClient cti;
    private final Executor work;
    final JTabbedPane sub = new JTabbedPane();
    final JComboBox<String> filter = new JComboBox<>();
    private final DefaultTableModel model;
    final JTable table;
    /** The rows shown: {device, reason (null in the elder's list), elderName}. */
    private final List<JsonNode> devices = new ArrayList<>();
    private final List<String> reasons = new ArrayList<>();
    final JTextArea detail = new JTextArea(10, 50);
    final JTextField minutes = new JTextField("30", 4);
    final JButton testOn = new JButton();
    final JButton testOff = new JButton();
    final JButton refresh = new JButton();
    final JLabel status = new JLabel(" ");
    final JLabel count = new JLabel(" ");
    final DeviceForm form;
    final StationsPanel stations;
    private final Timer debounce = new Timer(300, e -> reload());
    private volatile long detailFor = -1;
    private Long selectAfterLoad;

    DevicesPanel(I18n i18n, CtiClient cti, Executor work) {
        super(new BorderLayout(4, 4));
        this.i18n = i18n;
        this.cti = cti;
        this.work = work;
        filter.setName("devicesFilter");
        for (String f : FILTERS) {
            filter.addItem(i18n.t("dv.filter." + f));
        }
        filter.addActionListener(e -> reload());
        refresh.setName("devicesRefresh");
        refresh.setText(i18n.t("dv.refresh"));
        refresh.addActionListener(e -> reload());
        count.setName("devicesCount");
        status.setName("devicesStatus");
        JPanel north = new JPanel(new FlowLayout(FlowLayout.LEFT));
        north.add(filter);
        north.add(refresh);
        north.add(count);
        north.add(status);
        model = new DefaultTableModel(new Object[] {i18n.t("dv.col.id"), i18n.t("dv.col.elder"), i18n.t("dv.col.kind"),
                i18n.t("dv.col.serial"), i18n.t("dv.col.reason"), i18n.t("dv.col.lastHeard"), i18n.t("dv.col.lastTest"),
                i18n.t("dv.col.testMode")}, 0) {
            @Override
            public boolean isCellEditable(int r, int c) {
                return false;
            }
        };
        table = new JTable(model);
        table.setName("devicesTable");
        table.setRowHeight(24);
        table.setSelectionMode(ListSelectionModel.SINGLE_SELECTION);
        int[] widths = {40, 125, 120, 110, 65, 85, 120, 95};
        for (int i = 0; i < widths.length; i++) {
            table.getColumnModel().getColumn(i).setPreferredWidth(widths[i]);
        }
        table.getSelectionModel().addListSelectionListener(e -> {
            if (!e.getValueIsAdjusting()) {
                loadDetail();
            }
        });
        detail.setName("devicesDetail");
        detail.setEditable(false);
        detail.setLineWrap(true);
        minutes.setName("devicesMinutes");
        testOn.setName("devicesTestOn");
        testOn.addActionListener(e -> testMode(true));
        testOff.setName("devicesTestOff");
        testOff.addActionListener(e -> testMode(false));
        JPanel actions = new JPanel(new FlowLayout(FlowLayout.LEFT));
        actions.add(new JLabel(i18n.t("dv.minutes")));
        actions.add(minutes);
        actions.add(testOn);
        actions.add(testOff);
        JPanel bottom = new JPanel(new BorderLayout());
        bottom.add(actions, BorderLayout.NORTH);
        bottom.add(new JScrollPane(detail), BorderLayout.CENTER);
        JSplitPane split = new JSplitPane(JSplitPane.VERTICAL_SPLIT, new JScrollPane(table), bottom);
        split.setResizeWeight(0.5);
        JPanel list = new JPanel(new BorderLayout(4, 4));
        list.add(north, BorderLayout.NORTH);
        list.add(split, BorderLayout.CENTER);
        form = new DeviceForm(i18n, cti, work, this::registered);
        JPanel terminals = new JPanel(new BorderLayout(4, 4));
        JScrollPane formScroll = new JScrollPane(form.panel);
        formScroll.setPreferredSize(new java.awt.Dimension(360, 400)); // the list keeps most of the desk's width
        JSplitPane sides = new JSplitPane(JSplitPane.HORIZONTAL_SPLIT, list, formScroll);
        sides.setResizeWeight(0.68); // the list gets most of a wider window
        terminals.add(sides, BorderLayout.CENTER);
        stations = new StationsPanel(i18n, cti, work);
        sub.setName("devicesTabs");
        sub.addTab(i18n.t("dv.sub.terminals"), terminals);
        sub.addTab(i18n.t("st.tab"), stations);
        add(sub, BorderLayout.CENTER);
        sub.addChangeListener(e -> {
            if (sub.getSelectedComponent() == stations) {
                stations.reload(); // as it is now: another supervisor may have changed it
            }
        });
        testOn.setText(i18n.t("dv.testOn"));
        testOff.setText(i18n.t("dv.testOff"));
        Keys.ctrl(terminals, KeyEvent.VK_R, "devicesRefresh", this::reload);
        Keys.ctrl(terminals, KeyEvent.VK_T, "devicesTestOn", () -> testMode(true));
        Keys.ctrl(terminals, KeyEvent.VK_E, "devicesTestOff", () -> testMode(false));
        Keys.ctrl(terminals, KeyEvent.VK_F, "devicesFind", form::findElder);
        Keys.ctrl(terminals, KeyEvent.VK_S, "devicesRegister", form::register);
        debounce.setRepeats(false);
    }

    /** A {@code device.*} event (or a hello): read again, at most every 300 ms. */
    void changed() {
        SwingUtilities.invokeLater(() -> {
            if (!debounce.isRunning()) {
                debounce.start();
            }
        });
    }

    void reload() {
        int f = Math.max(0, filter.getSelectedIndex());
        DeviceForm.ElderItem elder = form.chosenElder();
        if (FILTERS[f].equals("elder") && elder == null) {
            status.setText(i18n.t("dv.chooseElder"));
            show(List.of(), List.of());
            return;
        }
        work.execute(() -> {
            try {
                List<JsonNode> devs = new ArrayList<>();
                List<String> why = new ArrayList<>();
                if (FILTERS[f].equals("elder")) {
                    for (JsonNode d : cti.request("GET", "/api/devices?elderId=" + elder.id(), null)) {
                        ((com.fasterxml.jackson.databind.node.ObjectNode) d).put("elderName", elder.name());
                        devs.add(d);
                        why.add(null);
                    }
                } else {
                    for (JsonNode r : cti.request("GET", "/api/devices/report", null).path("rows")) {
                        String reason = r.path("reason").asText();
                        if (f == 0 || FILTERS[f].equals(reason)) {
                            com.fasterxml.jackson.databind.node.ObjectNode d = r.path("device").deepCopy();
                            d.put("elderName", r.path("elderName").asText(""));
                            devs.add(d);
                            why.add(reason);
                        }
                    }
                }
                SwingUtilities.invokeLater(() -> show(devs, why));
            } catch (Exception e) {
                String msg = e.getMessage();
                SwingUtilities.invokeLater(() -> status.setText(i18n.t("dv.loadFailed") + msg));
            }
        });
    }

    private void show(List<JsonNode> devs, List<String> why) {
        Long selected = selectAfterLoad != null ? selectAfterLoad : selectedId();
        selectAfterLoad = null;
        devices.clear();
        reasons.clear();
        model.setRowCount(0);
        long now = System.currentTimeMillis();
        for (int i = 0; i < devs.size(); i++) {
            JsonNode d = devs.get(i);
            devices.add(d);
            reasons.add(why.get(i));
            model.addRow(new Object[] {"#" + d.path("id").asLong(), elderName(d), DeviceForm.kindName(i18n, d.path("kind").asText()),
                    d.path("serial").asText(), why.get(i) == null ? "" : i18n.t("dv.reason." + why.get(i)),
                    when(d.path("lastHeardAt")), lastTest(i18n, d), testMode(d, now)});
        }
        count.setText(String.format(i18n.t("dv.count"), devs.size()));
        boolean found = false;
        if (selected != null) {
            for (int i = 0; i < devices.size(); i++) {
                if (devices.get(i).path("id").asLong() == selected) {
                    table.setRowSelectionInterval(i, i);
                    found = true;
                    break;
                }
            }
        }
        if (found) {
            loadDetail();
        }
    }

    private String elderName(JsonNode d) {
        String n = d.path("elderName").asText("");
        return String.format(i18n.t("dv.elderRef"), n, d.path("elderId").asLong());
    }

    static String when(JsonNode ms) {
        return ms.isNumber() ? MDHM.format(Instant.ofEpochMilli(ms.asLong())) : "—";
    }

    static String lastTest(I18n i18n, JsonNode d) {
        JsonNode t = d.path("lastTest");
        if (!t.isObject()) {
            return i18n.t("dv.never");
        }
        return when(t.path("at")) + " " + result(i18n, t.path("result").asText()) + " · " + t.path("by").asText("");
    }

    static String result(I18n i18n, String r) {
        return "ok".equals(r) ? i18n.t("dv.ok") : i18n.t("dv.failed") + " " + r;
    }

    private String testMode(JsonNode d, long now) {
        return d.path("testModeUntil").isNumber() && d.path("testModeUntil").asLong() > now
                ? String.format(i18n.t("dv.until"), HM.format(Instant.ofEpochMilli(d.path("testModeUntil").asLong()))) : "";
    }

    private Long selectedId() {
        int i = table.getSelectedRow();
        return i < 0 || i >= devices.size() ? null : devices.get(i).path("id").asLong();
    }

    /** The new terminal: the list shows the elder's terminals with it selected. */
    private void registered(JsonNode d) {
        selectAfterLoad = d.path("id").asLong();
        if (filter.getSelectedIndex() != FILTERS.length - 1) {
            filter.setSelectedIndex(FILTERS.length - 1); // reloads
        } else {
            reload();
        }
    }

    /** The selected terminal's record (read again), its tests and its recent alarms. */
    private void loadDetail() {
        int i = table.getSelectedRow();
        if (i < 0 || i >= devices.size()) {
            return;
        }
        JsonNode row = devices.get(i);
        long id = row.path("id").asLong();
        long elderId = row.path("elderId").asLong();
        String elder = elderName(row);
        detailFor = id;
        work.execute(() -> {
            try {
                JsonNode d = cti.request("GET", "/api/devices/" + id, null);
                JsonNode tests = cti.request("GET", "/api/devices/" + id + "/tests", null);
                JsonNode alarms = cti.request("GET", "/api/alarms?elderId=" + elderId + "&limit=50", null);
                String text = detailText(i18n, d, elder, tests, alarms);
                SwingUtilities.invokeLater(() -> {
                    if (detailFor == id) {
                        detail.setText(text);
                        detail.setCaretPosition(0);
                    }
                });
            } catch (Exception e) {
                String msg = e.getMessage();
                SwingUtilities.invokeLater(() -> status.setText(i18n.t("dv.loadFailed") + msg));
            }
        });
    }

    static String detailText(I18n i18n, JsonNode d, String elder, JsonNode tests, JsonNode alarms) {
        StringBuilder b = new StringBuilder();
        b.append("#").append(d.path("id").asLong()).append("  ").append(DeviceForm.kindName(i18n, d.path("kind").asText()))
                .append("  ").append(d.path("serial").asText()).append("  ").append(i18n.t("dv.col.elder")).append(' ')
                .append(elder).append('\n');
        String colon = i18n.t("dv.colon");
        line(b, colon, i18n.t("dv.make"), d.path("make").asText("") + " " + d.path("model").asText(""));
        line(b, colon, i18n.t("dv.callerNumber"), d.path("callerNumber").asText(""));
        line(b, colon, i18n.t("dv.contactIdAccount"), d.path("contactIdAccount").asText(""));
        line(b, colon, i18n.t("dv.sipIdentity"), d.path("sipIdentity").asText(""));
        line(b, colon, i18n.t("dv.heartbeatMinutes"), d.path("heartbeatMinutes").isNumber() ? d.path("heartbeatMinutes").asText() : "");
        line(b, colon, i18n.t("dv.installedOn"), d.path("installedOn").asText("") + " " + d.path("installedBy").asText(""));
        line(b, colon, i18n.t("dv.col.lastHeard"), when(d.path("lastHeardAt")));
        line(b, colon, i18n.t("dv.col.lastTest"), lastTest(i18n, d));
        if (d.path("testModeUntil").isNumber() && d.path("testModeUntil").asLong() > System.currentTimeMillis()) {
            line(b, colon, i18n.t("dv.col.testMode"), String.format(i18n.t("dv.until"), HM.format(Instant.ofEpochMilli(
                    d.path("testModeUntil").asLong()))));
        }
        b.append(i18n.t("dv.tests")).append('\n');
        if (tests.isEmpty()) {
            b.append("  ").append(i18n.t("dv.never")).append('\n');
        }
        for (JsonNode t : tests) {
            b.append("  ").append(when(t.path("at"))).append("  ").append(result(i18n, t.path("result").asText()))
                    .append("  ").append(i18n.t("dv.via")).append(' ').append(t.path("via").asText()).append("  ")
                    .append(t.path("by").asText(""));
            if (!t.path("detail").asText("").isBlank()) {
                b.append("  ").append(t.path("detail").asText());
            }
            b.append('\n');
        }
        b.append(i18n.t("dv.alarms")).append('\n');
        int n = 0;
        for (JsonNode a : alarms) {
            if (a.path("deviceId").asLong(-1) != d.path("id").asLong()) {
                continue;
            }
            n++;
            b.append("  ").append(when(a.path("receivedAt"))).append("  ").append(a.path("kind").asText()).append("  ")
                    .append(a.path("source").asText());
            if (a.path("escalated").asBoolean() && a.path("incidentId").isNumber()) {
                b.append("  ").append(String.format(i18n.t("dv.incident"), a.path("incidentId").asLong()));
            }
            if (a.path("lat").isNumber()) {
                b.append(String.format("  %.5f, %.5f", a.path("lat").asDouble(), a.path("lon").asDouble()));
            }
            if (!a.path("detail").asText("").isBlank()) {
                b.append("  ").append(a.path("detail").asText());
            }
            b.append('\n');
        }
        if (n == 0) {
            b.append("  ").append(i18n.t("dv.noAlarms")).append('\n');
        }
        return b.toString();
    }

    private static void line(StringBuilder b, String colon, String k, String v) {
        if (!v.isBlank()) {
            b.append(k).append(colon).append(v.trim()).append('\n');
        }
    }

    /** 开启测试模式 N 分钟 (Ctrl+T) / 结束 (Ctrl+E) on the selected terminal. */
    void testMode(boolean on) {
        Long id = selectedId();
        if (id == null) {
            status.setText(i18n.t("dv.chooseRow"));
            return;
        }
        int m;
        if (on) {
            String t = minutes.getText().trim();
            if (!t.matches("\\d{1,4}") || Integer.parseInt(t) < 1 || Integer.parseInt(t) > 1440) {
                status.setText(i18n.t("dv.minutesBad"));
                return;
            }
            m = Integer.parseInt(t);
        } else {
            m = 0;
        }
        work.execute(() -> {
            try {
                JsonNode d = cti.request("PUT", "/api/devices/" + id + "/test-mode",
                        JsonNodeFactory.instance.objectNode().put("minutes", m));
                String msg = d.path("testModeUntil").isNumber()
                        ? String.format(i18n.t("dv.testModeSet"), id, HM.format(Instant.ofEpochMilli(d.path("testModeUntil").asLong())))
                        : String.format(i18n.t("dv.testModeEnded"), id);
                SwingUtilities.invokeLater(() -> status.setText(msg));
                reload();
            } catch (Exception e) {
                String msg = e instanceof CtiClient.Refused r ? r.serverMessage() : e.getMessage();
                SwingUtilities.invokeLater(() -> status.setText(msg));
            }
        });
    }

    void close() {
        debounce.stop();
    }
}
