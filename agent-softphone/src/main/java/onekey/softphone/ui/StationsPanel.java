package onekey.softphone.ui;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.awt.BorderLayout;
import java.awt.FlowLayout;
import java.awt.event.KeyEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import javax.swing.BorderFactory;
import javax.swing.JButton;
import javax.swing.JCheckBox;
import javax.swing.JComboBox;
import javax.swing.JLabel;
import javax.swing.JPanel;
import javax.swing.JScrollPane;
import javax.swing.JTable;
import javax.swing.JTextField;
import javax.swing.ListSelectionModel;
import javax.swing.SwingUtilities;
import javax.swing.table.DefaultTableModel;
import onekey.softphone.cti.CtiClient;

/**
 * The 驿站 register (issue 24; {@code /api/stations}, supervisors and admins): the stations as a table; the selected
 * one in the form to edit, or a new one (Ctrl+N); 保存 (Ctrl+S) as {@code POST} or {@code PUT /api/stations/{id}};
 * 停用 / 启用 (Ctrl+D) as {@code PUT {"active"}}. A 400 or 409 is shown at the field the server named, the form kept.
 * Components are named {@code st…} for tests.
 */
final class StationsPanel extends JPanel {
    private final I18n i18n;
    private final CtiClient cti;
    private final Executor work;
    private final DefaultTableModel model;
    final JTable table;
    private final List<JsonNode> rows = new ArrayList<>();
    final JTextField name = new JTextField(20);
    final JTextField address = new JTextField(20);
    final JTextField lat = new JTextField(10);
    final JTextField lon = new JTextField(10);
    final JComboBox<String> coordSystem = new JComboBox<>(new String[] {"wgs84", "gcj02", "bd09"});
    final JTextField phone = new JTextField(14);
    final JTextField hours = new JTextField(20);
    final JTextField staff = new JTextField(20);
    final JTextField subDistrict = new JTextField(14);
    final JCheckBox active = new JCheckBox();
    final JButton newOne = new JButton();
    final JButton save = new JButton();
    final JButton deactivate = new JButton();
    final JLabel status = new JLabel(" ");
    final JLabel editing = new JLabel(" ");
    private final FieldRows form;
    /** The station in the form; null: a new one. */
    private Long editingId;

    StationsPanel(I18n i18n, CtiClient cti, Executor work) {
        super(new BorderLayout(4, 4));
        this.i18n = i18n;
        this.cti = cti;
        this.work = work;
        setName("stationsPanel");
        model = new DefaultTableModel(new Object[] {i18n.t("st.id"), i18n.t("st.name"), i18n.t("st.address"),
                i18n.t("st.position"), i18n.t("st.phone"), i18n.t("st.hours"), i18n.t("st.staff"),
                i18n.t("st.subDistrict"), i18n.t("st.state")}, 0) {
            @Override
            public boolean isCellEditable(int r, int c) {
                return false;
            }
        };
        table = new JTable(model);
        table.setName("stationsTable");
        table.setRowHeight(24);
        table.setSelectionMode(ListSelectionModel.SINGLE_SELECTION);
        table.getSelectionModel().addListSelectionListener(e -> {
            if (!e.getValueIsAdjusting()) {
                edit();
            }
        });
        add(new JScrollPane(table), BorderLayout.CENTER);
        form = new FieldRows(i18n, "st");
        editing.setName("stEditing");
        form.addWide(editing);
        form.add("name", "st.name", name);
        form.add("address", "st.address", address);
        form.add("lat", "st.lat", lat);
        form.add("lon", "st.lon", lon);
        form.add("coordSystem", "st.coordSystem", coordSystem);
        form.add("phone", "st.phone", phone);
        form.add("hours", "st.hours", hours);
        form.add("staff", "st.staff", staff);
        form.add("subDistrict", "st.subDistrict", subDistrict);
        form.add("active", "st.active", active);
        newOne.setName("stNew");
        save.setName("stSave");
        deactivate.setName("stDeactivate");
        status.setName("stStatus");
        JPanel buttons = new JPanel(new FlowLayout(FlowLayout.LEFT, 4, 0));
        buttons.add(newOne);
        buttons.add(save);
        buttons.add(deactivate);
        form.addWide(buttons);
        form.addWide(status);
        JPanel east = new JPanel(new BorderLayout());
        east.add(form.panel, BorderLayout.NORTH);
        east.setBorder(BorderFactory.createTitledBorder(i18n.t("st.formTitle")));
        add(new JScrollPane(east), BorderLayout.EAST);
        newOne.addActionListener(e -> startNew());
        save.addActionListener(e -> save());
        deactivate.addActionListener(e -> toggleActive());
        hours.setToolTipText(i18n.t("st.hoursTip"));
        newOne.setText(i18n.t("st.new"));
        save.setText(i18n.t("st.save"));
        deactivate.setText(i18n.t("st.deactivate"));
        active.setSelected(true);
        Keys.ctrl(this, KeyEvent.VK_N, "stNew", this::startNew);
        Keys.ctrl(this, KeyEvent.VK_S, "stSave", this::save);
        Keys.ctrl(this, KeyEvent.VK_D, "stDeactivate", this::toggleActive);
        Keys.ctrl(this, KeyEvent.VK_R, "stReload", this::reload);
        startNew();
    }

    void reload() {
        work.execute(() -> {
            try {
                JsonNode list = cti.request("GET", "/api/stations", null);
                SwingUtilities.invokeLater(() -> show(list));
            } catch (Exception e) {
                String msg = e.getMessage();
                SwingUtilities.invokeLater(() -> status.setText(i18n.t("st.loadFailed") + msg));
            }
        });
    }

    private void show(JsonNode list) {
        Long keep = editingId;
        rows.clear();
        model.setRowCount(0);
        for (JsonNode s : list) {
            rows.add(s);
            model.addRow(new Object[] {"#" + s.path("id").asLong(), s.path("name").asText(), s.path("address").asText(),
                    String.format("%.5f, %.5f", s.path("lat").asDouble(), s.path("lon").asDouble()), s.path("phone").asText(),
                    s.path("hours").asText(), s.path("staff").asText(""), s.path("subDistrict").asText(""),
                    i18n.t(s.path("active").asBoolean(true) ? "st.activeYes" : "st.activeNo")});
        }
        if (keep != null) {
            for (int i = 0; i < rows.size(); i++) {
                if (rows.get(i).path("id").asLong() == keep) {
                    table.setRowSelectionInterval(i, i);
                }
            }
        }
    }

    /** The selected station into the form. */
    private void edit() {
        int i = table.getSelectedRow();
        if (i < 0 || i >= rows.size()) {
            return;
        }
        JsonNode s = rows.get(i);
        long id = s.path("id").asLong();
        if (editingId != null && editingId == id) {
            return; // read again after a save: what is typed stays
        }
        form.clearErrors();
        editingId = id;
        name.setText(s.path("name").asText());
        address.setText(s.path("address").asText());
        lat.setText(s.path("lat").asText());
        lon.setText(s.path("lon").asText());
        coordSystem.setSelectedItem("wgs84"); // stored as WGS-84
        phone.setText(s.path("phone").asText());
        hours.setText(s.path("hours").asText());
        staff.setText(s.path("staff").asText(""));
        subDistrict.setText(s.path("subDistrict").asText(""));
        active.setSelected(s.path("active").asBoolean(true));
        editing.setText(String.format(i18n.t("st.editing"), id, s.path("name").asText()));
        deactivate.setText(i18n.t(active.isSelected() ? "st.deactivate" : "st.activate"));
    }

    /** 新建驿站 (Ctrl+N): an empty form. */
    void startNew() {
        table.clearSelection();
        editingId = null;
        form.clearErrors();
        for (JTextField f : List.of(name, address, lat, lon, phone, hours, staff, subDistrict)) {
            f.setText("");
        }
        coordSystem.setSelectedItem("wgs84");
        active.setSelected(true);
        editing.setText(i18n.t("st.newOne"));
        deactivate.setText(i18n.t("st.deactivate"));
    }

    /** 保存 (Ctrl+S): numbers checked here (a number, or empty), the rest by the server. */
    void save() {
        form.clearErrors();
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.put("name", name.getText().trim());
        body.put("address", address.getText().trim());
        for (var f : List.of(java.util.Map.entry("lat", lat), java.util.Map.entry("lon", lon))) {
            String v = f.getValue().getText().trim();
            if (v.isEmpty()) {
                continue; // the server names it as required
            }
            try {
                body.put(f.getKey(), Double.parseDouble(v));
            } catch (NumberFormatException e) {
                status.setText(i18n.t("st.notNumber"));
                form.error(f.getKey(), i18n.t("st.notNumber"));
                return;
            }
        }
        body.put("coordSystem", (String) coordSystem.getSelectedItem());
        body.put("phone", phone.getText().trim());
        body.put("hours", hours.getText().trim());
        body.put("staff", staff.getText().trim());
        body.put("subDistrict", subDistrict.getText().trim());
        body.put("active", active.isSelected());
        send(body, editingId);
    }

    private void send(ObjectNode body, Long id) {
        status.setText(i18n.t("st.saving"));
        work.execute(() -> {
            try {
                JsonNode s = id == null ? cti.request("POST", "/api/stations", body)
                        : cti.request("PUT", "/api/stations/" + id, body);
                SwingUtilities.invokeLater(() -> {
                    status.setText(String.format(i18n.t(id == null ? "st.created" : "st.saved"), s.path("id").asLong(),
                            s.path("name").asText()) + (s.path("active").asBoolean(true) ? "" : " · " + i18n.t("st.activeNo")));
                    editingId = s.path("id").asLong();
                    editing.setText(String.format(i18n.t("st.editing"), editingId, s.path("name").asText()));
                    active.setSelected(s.path("active").asBoolean(true));
                    deactivate.setText(i18n.t(active.isSelected() ? "st.deactivate" : "st.activate"));
                });
                reload();
            } catch (Exception x) {
                SwingUtilities.invokeLater(() -> status.setText(i18n.t("st.notSaved") + form.refused(x)));
            }
        });
    }

    /** 停用 / 启用 (Ctrl+D) the station in the form. */
    void toggleActive() {
        if (editingId == null) {
            status.setText(i18n.t("st.chooseRow"));
            return;
        }
        boolean to = !active.isSelected();
        form.clearErrors();
        send(JsonNodeFactory.instance.objectNode().put("active", to), editingId);
    }
}
