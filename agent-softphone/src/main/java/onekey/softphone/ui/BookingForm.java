package onekey.softphone.ui;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.awt.CardLayout;
import java.awt.Color;
import java.awt.FlowLayout;
import java.awt.GridBagConstraints;
import java.awt.GridBagLayout;
import java.awt.Insets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.swing.BorderFactory;
import javax.swing.DefaultListModel;
import javax.swing.JButton;
import javax.swing.JComboBox;
import javax.swing.JComponent;
import javax.swing.JLabel;
import javax.swing.JList;
import javax.swing.JPanel;
import javax.swing.JScrollPane;
import javax.swing.JTextField;

/**
 * The booking confirmation form in the pop (issue 18 item 6; service rules "One-key registration, taxi": the seat
 * books, then the elder is called back with a spoken confirmation). Registration (hospital, department, doctor,
 * time, visit number) or taxi (time, from, to, passengers, car and plate, driver's phone, minutes to arrive), sent as
 * the broadcast {@code POST /api/broadcasts} with template registration / taxi. Below it the elder's bookings with
 * their state (scheduled, calling, confirmed, failed), kept live from the {@code broadcast.*} events. All on the EDT.
 */
final class BookingForm {

    /** What the form asks of the softphone (off the EDT; it answers with {@link #sent}, {@link #failed}, {@link #history}). */
    interface Submit {
        /** {@code body} is the JSON of POST /api/broadcasts. */
        void send(ObjectNode body);

        /** The elder's bookings, GET /api/broadcasts?elderId=. */
        void load(long elderId);
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    static final List<String> REGISTRATION = List.of("hospital", "department", "doctor", "time", "visitNumber");
    static final List<String> TAXI = List.of("time", "from", "to", "passengers", "car", "plate", "driverPhone", "eta");
    /** As the server's templates: a taxi booked ahead is confirmed before its car (plate, driver, minutes) is known. */
    private static final List<String> OPTIONAL = List.of("visitNumber", "passengers", "car", "plate", "driverPhone", "eta");

    final JPanel panel = new JPanel(new GridBagLayout());
    final JComboBox<String> template = named(new JComboBox<>(new String[] {"registration", "taxi"}), "bookingTemplate");
    /** The fields by template and name, e.g. {@code registration.hospital} → bookingHospital. */
    private final Map<String, JTextField> fields = new LinkedHashMap<>();
    private final JPanel cards = new JPanel(new CardLayout());
    final JButton send = named(new JButton(), "bookingSend");
    final JLabel status = named(new JLabel(" "), "bookingStatus");
    final DefaultListModel<String> historyModel = new DefaultListModel<>();
    final JList<String> history = named(new JList<>(historyModel), "bookingHistory");
    /** broadcast id → its line in the history (in the list's order). */
    private final Map<Long, JsonNode> bookings = new LinkedHashMap<>();
    private final I18n i18n;
    private final List<Runnable> relabels = new ArrayList<>();
    private Submit submit = new Submit() {
        @Override
        public void send(ObjectNode body) {
        }

        @Override
        public void load(long elderId) {
        }
    };
    private long elderId = -1;

    BookingForm(I18n i18n) {
        this.i18n = i18n;
        panel.setName("bookingForm");
        panel.setBorder(BorderFactory.createTitledBorder(""));
        relabels.add(() -> ((javax.swing.border.TitledBorder) panel.getBorder()).setTitle(i18n.t("bk.title")));
        template.setRenderer(new javax.swing.DefaultListCellRenderer() {
            @Override
            public java.awt.Component getListCellRendererComponent(JList<?> list, Object value, int index,
                    boolean selected, boolean focus) {
                return super.getListCellRendererComponent(list, i18n.t("bk." + value), index, selected, focus);
            }
        });
        cards.add(grid("registration", REGISTRATION), "registration");
        cards.add(grid("taxi", TAXI), "taxi");
        template.addActionListener(e -> ((CardLayout) cards.getLayout()).show(cards, (String) template.getSelectedItem()));
        GridBagConstraints g = new GridBagConstraints();
        g.insets = new Insets(2, 4, 2, 4);
        g.anchor = GridBagConstraints.WEST;
        g.fill = GridBagConstraints.HORIZONTAL;
        g.gridx = 0;
        g.gridy = 0;
        g.weightx = 1;
        JPanel head = new JPanel(new FlowLayout(FlowLayout.LEFT, 4, 0));
        JLabel tk = label("bk.template");
        head.add(tk);
        head.add(template);
        head.add(send);
        head.add(status);
        panel.add(head, g);
        g.gridy++;
        panel.add(cards, g);
        g.gridy++;
        JLabel hk = label("bk.history");
        panel.add(hk, g);
        g.gridy++;
        history.setVisibleRowCount(3);
        panel.add(new JScrollPane(history), g);
        relabels.add(() -> send.setText(i18n.t("bk.send")));
        send.addActionListener(e -> send());
        relabel();
        panel.setVisible(false);
    }

    private JPanel grid(String t, List<String> names) {
        JPanel p = new JPanel(new GridBagLayout());
        GridBagConstraints g = new GridBagConstraints();
        g.insets = new Insets(1, 2, 1, 2);
        g.anchor = GridBagConstraints.WEST;
        g.fill = GridBagConstraints.HORIZONTAL;
        int i = 0;
        for (String n : names) {
            g.gridx = (i % 2) * 2;
            g.gridy = i / 2;
            g.weightx = 0;
            p.add(label("bk." + n), g);
            g.gridx++;
            g.weightx = 1;
            // the two templates share "time": each has its own field (bookingTime / bookingTaxiTime)
            String name = "booking" + (t.equals("taxi") && n.equals("time") ? "Taxi" : "")
                    + Character.toUpperCase(n.charAt(0)) + n.substring(1);
            JTextField f = named(new JTextField(n.equals("time") ? 14 : 12), name);
            if (n.equals("time")) {
                f.setToolTipText("2026-12-08T09:30");
            }
            fields.put(t + "." + n, f);
            p.add(f, g);
            i++;
        }
        return p;
    }

    private JLabel label(String key) {
        JLabel l = new JLabel();
        l.setForeground(Color.GRAY);
        relabels.add(() -> l.setText(i18n.t(key)));
        return l;
    }

    private static <T extends JComponent> T named(T c, String n) {
        c.setName(n);
        return c;
    }

    void relabel() {
        relabels.forEach(Runnable::run);
        history.repaint();
    }

    void onSubmit(Submit s) {
        submit = s;
    }

    /** A registered elder pops: an empty form and the elder's bookings (loaded by the softphone: {@link #history}). */
    void show(long elderId) {
        this.elderId = elderId;
        fields.values().forEach(f -> f.setText(""));
        status.setText(" ");
        send.setEnabled(true);
        bookings.clear();
        historyModel.clear();
        panel.setVisible(true);
        submit.load(elderId);
    }

    void hide() {
        elderId = -1;
        bookings.clear();
        historyModel.clear();
        panel.setVisible(false);
    }

    long elderId() {
        return elderId;
    }

    private void send() {
        String t = (String) template.getSelectedItem();
        ObjectNode f = JSON.createObjectNode();
        List<String> missing = new ArrayList<>();
        for (String n : t.equals("taxi") ? TAXI : REGISTRATION) {
            String v = fields.get(t + "." + n).getText().trim();
            if (!v.isEmpty()) {
                f.put(n, v);
            } else if (!OPTIONAL.contains(n)) {
                missing.add(i18n.t("bk." + n));
            }
        }
        if (!missing.isEmpty()) {
            failed(String.format(i18n.t("bk.missing"), String.join("、", missing)));
            return;
        }
        ObjectNode body = JSON.createObjectNode().put("elderId", elderId).put("template", t);
        body.set("fields", f);
        send.setEnabled(false);
        status.setForeground(Color.DARK_GRAY);
        status.setText(i18n.t("bk.sending"));
        submit.send(body);
    }

    /** The broadcast was scheduled. */
    void sent(JsonNode b) {
        send.setEnabled(true);
        status.setForeground(new Color(0x2E7D32));
        status.setText(String.format(i18n.t("bk.sent"), b.path("id").asLong()));
        update(b);
    }

    void failed(String why) {
        send.setEnabled(true);
        status.setForeground(new Color(0xC62828));
        status.setText(why);
    }

    /** The elder's bookings as loaded (newest first), or one changed (a {@code broadcast.*} event): its line updated. */
    void history(JsonNode list) {
        for (JsonNode b : list) {
            update(b);
        }
    }

    void update(JsonNode b) {
        if (b.path("elderId").asLong() != elderId || !"booking".equals(b.path("kind").asText())) {
            return;
        }
        bookings.put(b.path("id").asLong(), b);
        historyModel.clear();
        bookings.values().stream().sorted((x, y) -> Long.compare(y.path("id").asLong(), x.path("id").asLong()))
                .forEach(x -> historyModel.addElement(line(x)));
    }

    private String line(JsonNode b) {
        JsonNode f = b.path("fields");
        String what = "registration".equals(b.path("template").asText())
                ? f.path("hospital").asText() + " " + f.path("department").asText() + " " + f.path("doctor").asText()
                : f.path("from").asText() + " → " + f.path("to").asText() + " " + f.path("plate").asText();
        String st = "bk.state." + b.path("state").asText();
        return "#" + b.path("id").asLong() + "  " + i18n.t("bk." + b.path("template").asText()) + "  "
                + f.path("time").asText().replace('T', ' ') + "  " + what.trim() + "  【" + (i18n.t(st).equals(st)
                ? b.path("state").asText() : i18n.t(st)) + "】";
    }
}
