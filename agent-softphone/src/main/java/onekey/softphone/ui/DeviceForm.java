package onekey.softphone.ui;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.awt.BorderLayout;
import java.awt.FlowLayout;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import javax.swing.BorderFactory;
import javax.swing.DefaultListCellRenderer;
import javax.swing.JButton;
import javax.swing.JComboBox;
import javax.swing.JLabel;
import javax.swing.JList;
import javax.swing.JPanel;
import javax.swing.JTextField;
import javax.swing.SwingUtilities;
import onekey.softphone.cti.CtiClient;

/**
 * 登记终端 (issue 24): a terminal registered for an elder as {@code POST /api/devices}. The elder is found by name or
 * phone ({@code GET /api/elders?q=}, summaries, phones masked: the same search the server audits once per search);
 * every field of the register; a 400 or 409 is shown at the field the server named, and what was typed stays.
 * Components are named {@code df…} for tests.
 */
final class DeviceForm {

    /** An elder found by the search: the id and the line shown. */
    record ElderItem(long id, String name, String text) {
        @Override
        public String toString() {
            return text;
        }
    }

    static final List<String> KINDS = List.of("one-key-phone", "sos-button", "fall-sensor", "smoke-sensor", "door-sensor",
            "health-monitor", "alarm-panel");

    final JPanel panel = new JPanel(new BorderLayout(4, 4));
    final JTextField elderQuery = new JTextField(9);
    final JButton find = new JButton();
    final JComboBox<ElderItem> elder = new JComboBox<>();
    final JComboBox<String> kind = new JComboBox<>(KINDS.toArray(new String[0]));
    final JTextField serial = new JTextField(12);
    final JTextField make = new JTextField(12);
    final JTextField model = new JTextField(12);
    final JTextField callerNumber = new JTextField(12);
    final JTextField contactIdAccount = new JTextField(6);
    final JTextField sipIdentity = new JTextField(12);
    final JTextField heartbeatMinutes = new JTextField(6);
    final JTextField installedOn = new JTextField(10);
    final JTextField installedBy = new JTextField(12);
    final JButton register = new JButton();
    final JLabel status = new JLabel(" ");
    private final FieldRows rows;
    private final I18n i18n;
    private final CtiClient cti;
    private final Executor work;
    private final Consumer<JsonNode> registered;

    /** {@code registered}: on the EDT with the new device (the panel lists and selects it). */
    DeviceForm(I18n i18n, CtiClient cti, Executor work, Consumer<JsonNode> registered) {
        this.i18n = i18n;
        this.cti = cti;
        this.work = work;
        this.registered = registered;
        this.rows = new FieldRows(i18n, "df");
        panel.setName("deviceForm");
        elderQuery.setName("dfElderQuery");
        find.setName("dfFind");
        register.setName("dfRegister");
        status.setName("dfStatus");
        JPanel search = new JPanel(new FlowLayout(FlowLayout.LEFT, 2, 0));
        search.add(elderQuery);
        search.add(find);
        rows.add("elderQuery", "dv.elderSearch", search).setName("dfSearchRow");
        elder.setPrototypeDisplayValue(new ElderItem(0, "", "张桂英（#100） · 88岁")); // long lines do not widen the form
        rows.add("elderId", "dv.elder", elder);
        kind.setRenderer(new DefaultListCellRenderer() {
            @Override
            public java.awt.Component getListCellRendererComponent(JList<?> list, Object value, int index, boolean sel,
                                                                   boolean focus) {
                return super.getListCellRendererComponent(list, kindName(i18n, String.valueOf(value)), index, sel, focus);
            }
        });
        rows.add("kind", "dv.kind", kind);
        rows.add("serial", "dv.serial", serial);
        rows.add("make", "dv.make", make);
        rows.add("model", "dv.model", model);
        rows.add("callerNumber", "dv.callerNumber", callerNumber);
        rows.add("contactIdAccount", "dv.contactIdAccount", contactIdAccount);
        rows.add("sipIdentity", "dv.sipIdentity", sipIdentity);
        rows.add("heartbeatMinutes", "dv.heartbeatMinutes", heartbeatMinutes);
        rows.add("installedOn", "dv.installedOn", installedOn);
        rows.add("installedBy", "dv.installedBy", installedBy);
        JPanel buttons = new JPanel(new FlowLayout(FlowLayout.LEFT, 4, 0));
        buttons.add(register);
        rows.addWide(buttons);
        rows.addWide(status);
        panel.add(rows.panel, BorderLayout.NORTH);
        installedOn.setText(LocalDate.now().toString());
        find.addActionListener(e -> findElder());
        elderQuery.addActionListener(e -> findElder()); // Enter in the search field
        register.addActionListener(e -> register());
        relabel();
    }

    static String kindName(I18n i18n, String kind) {
        String k = "dv.kind." + kind;
        String t = i18n.t(k);
        return t.equals(k) ? kind : t;
    }

    void relabel() {
        panel.setBorder(BorderFactory.createTitledBorder(i18n.t("dv.formTitle")));
        find.setText(i18n.t("dv.find"));
        register.setText(i18n.t("dv.register"));
        elderQuery.setToolTipText(i18n.t("dv.elderSearchTip"));
        installedOn.setToolTipText("YYYY-MM-DD");
        rows.relabel();
    }

    /** 查找老人 (Ctrl+F): by name or phone; one elder found is chosen at once. */
    void findElder() {
        String q = elderQuery.getText().trim();
        rows.clearErrors();
        if (q.isEmpty()) {
            rows.error("elderQuery", i18n.t("dv.elderQueryNeeded"));
            return;
        }
        status.setText(i18n.t("dv.searching"));
        work.execute(() -> {
            try {
                JsonNode list = cti.request("GET", "/api/elders?q=" + URLEncoder.encode(q, StandardCharsets.UTF_8)
                        + "&limit=20", null);
                SwingUtilities.invokeLater(() -> {
                    elder.removeAllItems();
                    for (JsonNode e : list) {
                        StringBuilder b = new StringBuilder(String.format(i18n.t("dv.elderRef"), e.path("name").asText(),
                                e.path("id").asLong()));
                        if (e.path("age").isNumber()) {
                            b.append(" · ").append(e.path("age").asInt()).append(i18n.t("dv.years"));
                        }
                        if (!e.path("district").asText("").isBlank()) {
                            b.append(" · ").append(e.path("district").asText());
                        }
                        for (JsonNode p : e.path("phones")) {
                            b.append(" · ").append(p.asText());
                        }
                        elder.addItem(new ElderItem(e.path("id").asLong(), e.path("name").asText(), b.toString()));
                    }
                    status.setText(list.isEmpty() ? i18n.t("dv.noElder") : String.format(i18n.t("dv.eldersFound"), list.size()));
                    if (list.isEmpty()) {
                        rows.error("elderQuery", i18n.t("dv.noElder"));
                    }
                });
            } catch (Exception x) {
                SwingUtilities.invokeLater(() -> status.setText(rows.refused(x)));
            }
        });
    }

    /** The elder chosen in the form, or null. */
    ElderItem chosenElder() {
        return (ElderItem) elder.getSelectedItem();
    }

    /** 登记终端 (Ctrl+S): the elder and the heartbeat checked here, the rest by the server (its 400 at the field). */
    void register() {
        rows.clearErrors();
        ElderItem who = chosenElder();
        if (who == null) {
            status.setText(i18n.t("dv.chooseElder"));
            rows.error("elderId", i18n.t("dv.chooseElder"));
            return;
        }
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.put("elderId", who.id());
        body.put("kind", (String) kind.getSelectedItem());
        body.put("serial", serial.getText().trim());
        put(body, "make", make);
        put(body, "model", model);
        put(body, "callerNumber", callerNumber);
        put(body, "contactIdAccount", contactIdAccount);
        put(body, "sipIdentity", sipIdentity);
        String hb = heartbeatMinutes.getText().trim();
        if (!hb.isEmpty()) {
            if (!hb.matches("\\d{1,6}")) {
                status.setText(i18n.t("dv.heartbeatBad"));
                rows.error("heartbeatMinutes", i18n.t("dv.heartbeatBad"));
                return;
            }
            body.put("heartbeatMinutes", Integer.parseInt(hb));
        }
        put(body, "installedOn", installedOn);
        put(body, "installedBy", installedBy);
        status.setText(i18n.t("dv.registering"));
        register.setEnabled(false);
        work.execute(() -> {
            try {
                JsonNode d = cti.request("POST", "/api/devices", body);
                SwingUtilities.invokeLater(() -> {
                    register.setEnabled(true);
                    status.setText(String.format(i18n.t("dv.registered"), d.path("id").asLong(), who.name()));
                    for (JTextField f : List.of(serial, make, model, callerNumber, contactIdAccount, sipIdentity,
                            heartbeatMinutes)) {
                        f.setText("");
                    }
                    registered.accept(d);
                });
            } catch (Exception x) {
                SwingUtilities.invokeLater(() -> {
                    register.setEnabled(true);
                    status.setText(i18n.t("dv.notRegistered") + rows.refused(x));
                });
            }
        });
    }

    private static void put(ObjectNode body, String name, JTextField f) {
        String v = f.getText().trim();
        if (!v.isEmpty()) {
            body.put(name, v);
        }
    }
}
