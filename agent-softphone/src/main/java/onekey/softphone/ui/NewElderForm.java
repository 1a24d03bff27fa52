package onekey.softphone.ui;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.awt.Color;
import java.awt.GridBagConstraints;
import java.awt.GridBagLayout;
import java.awt.Insets;
import java.util.ArrayList;
import java.util.List;
import javax.swing.BorderFactory;
import javax.swing.JButton;
import javax.swing.JComboBox;
import javax.swing.JComponent;
import javax.swing.JLabel;
import javax.swing.JPanel;
import javax.swing.JTextField;

/**
 * The pop of an unregistered caller: a form (name, phone — the caller's number —, address, district, language and
 * the first emergency contact) that creates the elder's record through {@code POST /api/elders} with the call's id,
 * so the server links the record to the call. Shown only while such a call is on screen. All methods on the EDT.
 */
final class NewElderForm {

    /** Sends the form (off the EDT); {@code body} is the JSON of POST /api/elders. */
    interface Submit {
        void create(long callId, ObjectNode body);
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    final JPanel panel = new JPanel(new GridBagLayout());
    final JTextField name = named(new JTextField(20), "elderFormName");
    final JTextField phone = named(new JTextField(20), "elderFormPhone");
    final JTextField address = named(new JTextField(30), "elderFormAddress");
    final JTextField district = named(new JTextField(20), "elderFormDistrict");
    final JComboBox<String> language = named(new JComboBox<>(new String[] {"zh", "wuu", "en"}), "elderFormLanguage");
    final JTextField contactName = named(new JTextField(12), "elderFormContactName");
    final JTextField contactRelation = named(new JTextField(8), "elderFormContactRelation");
    final JTextField contactPhone = named(new JTextField(14), "elderFormContactPhone");
    final JButton create = named(new JButton(), "elderFormCreate");
    final JLabel status = named(new JLabel(" "), "elderFormStatus");
    private final I18n i18n;
    private final List<Runnable> relabels = new ArrayList<>();
    private Submit submit = (id, body) -> { };
    private long callId = -1;

    NewElderForm(I18n i18n) {
        this.i18n = i18n;
        panel.setName("elderForm");
        language.setRenderer(new javax.swing.DefaultListCellRenderer() {
            @Override
            public java.awt.Component getListCellRendererComponent(javax.swing.JList<?> list, Object value, int index,
                    boolean selected, boolean focus) {
                return super.getListCellRendererComponent(list, switch (String.valueOf(value)) {
                    case "en" -> "English";
                    case "wuu" -> "上海话";
                    default -> "中文";
                }, index, selected, focus);
            }
        });
        panel.setBorder(BorderFactory.createTitledBorder(""));
        relabels.add(() -> ((javax.swing.border.TitledBorder) panel.getBorder()).setTitle(i18n.t("form.title")));
        GridBagConstraints g = new GridBagConstraints();
        g.insets = new Insets(2, 4, 2, 4);
        g.anchor = GridBagConstraints.WEST;
        g.fill = GridBagConstraints.HORIZONTAL;
        g.gridy = 0;
        row(g, "form.name", name);
        row(g, "form.phone", phone);
        row(g, "address", address);
        row(g, "district", district);
        row(g, "language", language);
        JPanel contact = new JPanel(new java.awt.FlowLayout(java.awt.FlowLayout.LEFT, 4, 0));
        contact.add(contactName);
        JLabel rel = new JLabel();
        relabels.add(() -> rel.setText(i18n.t("form.relation")));
        contact.add(rel);
        contact.add(contactRelation);
        JLabel ph = new JLabel();
        relabels.add(() -> ph.setText(i18n.t("form.phone")));
        contact.add(ph);
        contact.add(contactPhone);
        row(g, "form.contact", contact);
        g.gridx = 1;
        JPanel actions = new JPanel(new java.awt.FlowLayout(java.awt.FlowLayout.LEFT, 4, 0));
        actions.add(create);
        actions.add(status);
        panel.add(actions, g);
        relabels.add(() -> create.setText(i18n.t("form.create")));
        create.addActionListener(e -> send());
        relabel();
        panel.setVisible(false);
    }

    private void row(GridBagConstraints g, String key, JComponent field) {
        JLabel l = new JLabel();
        l.setForeground(Color.GRAY);
        relabels.add(() -> l.setText(i18n.t(key)));
        g.gridx = 0;
        g.weightx = 0;
        panel.add(l, g);
        g.gridx = 1;
        g.weightx = 1;
        panel.add(field, g);
        g.gridy++;
    }

    private static <T extends JComponent> T named(T c, String n) {
        c.setName(n);
        return c;
    }

    void relabel() {
        relabels.forEach(Runnable::run);
        panel.repaint();
    }

    void onSubmit(Submit s) {
        submit = s;
    }

    /** An unregistered caller pops: an empty form with the caller's number. */
    void show(long callId, String callerNumber) {
        this.callId = callId;
        for (JTextField f : List.of(name, address, district, contactName, contactRelation, contactPhone)) {
            f.setText("");
        }
        phone.setText(callerNumber == null ? "" : callerNumber);
        language.setSelectedIndex(0);
        status.setText(" ");
        status.setForeground(Color.DARK_GRAY);
        create.setEnabled(true);
        panel.setVisible(true);
    }

    /** A registered caller pops: no form. */
    void hide() {
        callId = -1;
        panel.setVisible(false);
    }

    private void send() {
        String n = name.getText().trim();
        String p = phone.getText().trim();
        if (n.isEmpty() || p.isEmpty()) {
            failed(i18n.t("form.needNameAndPhone"));
            return;
        }
        ObjectNode b = JSON.createObjectNode().put("name", n).put("callId", callId);
        b.putArray("phones").add(p);
        put(b, "address", address);
        put(b, "district", district);
        b.put("language", (String) language.getSelectedItem());
        String cn = contactName.getText().trim();
        String cp = contactPhone.getText().trim();
        if (!cn.isEmpty() || !cp.isEmpty()) {
            if (cn.isEmpty() || cp.isEmpty()) {
                failed(i18n.t("form.contactNeedsBoth"));
                return;
            }
            ObjectNode c = b.putArray("contacts").addObject().put("name", cn).put("phone", cp);
            if (!contactRelation.getText().isBlank()) {
                c.put("relation", contactRelation.getText().trim());
            }
        }
        create.setEnabled(false);
        status.setForeground(Color.DARK_GRAY);
        status.setText(i18n.t("form.sending"));
        submit.create(callId, b);
    }

    private static void put(ObjectNode b, String k, JTextField f) {
        if (!f.getText().isBlank()) {
            b.put(k, f.getText().trim());
        }
    }

    /** The server created record {@code elderId} and linked it to the call. */
    void created(long elderId) {
        create.setEnabled(false);
        status.setForeground(new Color(0x2E7D32));
        status.setText(String.format(i18n.t("form.created"), elderId));
    }

    void failed(String why) {
        create.setEnabled(true);
        status.setForeground(new Color(0xC62828));
        status.setText(why);
    }
}
