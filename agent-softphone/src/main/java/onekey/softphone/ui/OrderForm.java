package onekey.softphone.ui;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.awt.BorderLayout;
import java.awt.FlowLayout;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import javax.swing.BorderFactory;
import javax.swing.DefaultListModel;
import javax.swing.JButton;
import javax.swing.JComboBox;
import javax.swing.JLabel;
import javax.swing.JList;
import javax.swing.JPanel;
import javax.swing.JScrollPane;
import javax.swing.JTextField;
import javax.swing.Timer;

/**
 * The life-services order form in the pop (issue 21; service rules "生活服务": the seat records the need, a supplier is
 * matched): the kind (a supplier's service, a hospital registration 一键挂号, a taxi 一键叫车 — the last two with their
 * own fields: hospital, department, doctor, insurance card; from, to, passengers, car, plate, driver's phone, minutes
 * away; the time is the order's), category, what is needed, when; sent as {@code POST /api/orders} with the call's id. Below it the ranked
 * suppliers with the reasons the server gave, and the order's progress (its state and supplier), read again every
 * 3 s while the pop shows it. All on the EDT; the requests go through {@link Submit}.
 */
final class OrderForm {

    /** What the form asks of the softphone (off the EDT; it answers with {@link #created}, {@link #progress}, {@link #failed}). */
    interface Submit {
        void send(ObjectNode body);

        void load(long orderId);
    }

    static final List<String> CATEGORIES = List.of("助餐", "家政保洁", "助浴", "维修", "陪诊", "护理", "出行", "代购", "挂号");
    /** The kinds (wire names) with their own fields (the server's Order.Kind), the required ones first. */
    static final List<String> KINDS = List.of("service", "registration", "taxi");
    static final java.util.Map<String, List<String>> FIELDS = java.util.Map.of("service", List.of(),
            "registration", List.of("hospital", "department", "doctor", "insuranceCard"),
            "taxi", List.of("from", "to", "passengers", "car", "plate", "driverPhone", "eta"));
    static final java.util.Map<String, List<String>> REQUIRED = java.util.Map.of("service", List.of(),
            "registration", List.of("hospital", "department", "doctor"), "taxi", List.of("from", "to"));
    /** The category a kind's order is filed under (the server's default list has both). */
    private static final java.util.Map<String, String> KIND_CATEGORY = java.util.Map.of("registration", "挂号", "taxi", "出行");
    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm");

    final JPanel panel = new JPanel(new BorderLayout(4, 4));
    /** A kind in the combo: its wire name, shown in the seat's language. */
    final class KindItem {
        final String wire;

        KindItem(String wire) {
            this.wire = wire;
        }

        @Override
        public String toString() {
            return i18n.t("of.kind." + wire);
        }
    }

    final JComboBox<KindItem> kind = new JComboBox<>();
    final JComboBox<String> category = new JComboBox<>(CATEGORIES.toArray(new String[0]));
    /** The kinds' own fields, by "kind.field" (orderField.field for the window's tests). */
    final java.util.Map<String, JTextField> fields = new java.util.LinkedHashMap<>();
    private final java.util.List<Runnable> relabels = new java.util.ArrayList<>();
    private final java.awt.CardLayout cards = new java.awt.CardLayout();
    private final JPanel kindFields = new JPanel(cards);
    final JTextField need = new JTextField(18);
    final JTextField wanted = new JTextField(12);
    final JButton send = new JButton();
    final JLabel status = new JLabel(" ");
    final JLabel progress = new JLabel(" ");
    final DefaultListModel<String> candidatesModel = new DefaultListModel<>();
    final JList<String> candidates = new JList<>(candidatesModel);
    private final I18n i18n;
    private final Timer poll;
    private Submit submit;
    private long elderId = -1;
    private Long callId;
    private long orderId = -1;

    OrderForm(I18n i18n) {
        this.i18n = i18n;
        panel.setName("orderForm");
        kind.setName("orderKind");
        kindFields.setName("orderKindFields");
        category.setName("orderCategory");
        need.setName("orderNeed");
        wanted.setName("orderWanted");
        send.setName("orderSend");
        status.setName("orderStatus");
        progress.setName("orderProgress");
        candidates.setName("orderCandidates");
        candidates.setVisibleRowCount(3);
        for (String k : KINDS) {
            kind.addItem(new KindItem(k));
        }
        JPanel row = new JPanel(new FlowLayout(FlowLayout.LEFT));
        row.add(kind);
        row.add(category);
        row.add(need);
        row.add(wanted);
        row.add(send);
        row.add(status);
        for (String k : KINDS) {
            kindFields.add(grid(k), k);
        }
        JPanel north = new JPanel(new BorderLayout());
        north.add(row, BorderLayout.NORTH);
        north.add(kindFields, BorderLayout.CENTER);
        panel.add(north, BorderLayout.NORTH);
        kind.addActionListener(e -> kindChanged());
        kindChanged();
        panel.add(new JScrollPane(candidates), BorderLayout.CENTER);
        panel.add(progress, BorderLayout.SOUTH);
        send.addActionListener(e -> send());
        poll = new Timer(3000, e -> {
            if (orderId > 0 && submit != null && panel.isShowing()) {
                submit.load(orderId);
            }
        });
        relabel();
        panel.setVisible(false);
    }

    /** A kind's own fields, two to a row: label, field. */
    private JPanel grid(String k) {
        JPanel p = new JPanel(new java.awt.GridLayout(0, 4, 4, 2));
        for (String n : FIELDS.get(k)) {
            JLabel l = new JLabel();
            relabels.add(() -> l.setText(i18n.t(n.equals("insuranceCard") ? "of.insuranceCard" : "bk." + n)
                    + (REQUIRED.get(k).contains(n) ? " *" : "")));
            JTextField f = new JTextField(10);
            f.setName("orderField." + n);
            l.setLabelFor(f);
            fields.put(k + "." + n, f);
            p.add(l);
            p.add(f);
        }
        return p;
    }

    /** The kind's fields show; a registration or taxi is filed under its category (the seat may change it). */
    private String kindNow() {
        return ((KindItem) kind.getSelectedItem()).wire;
    }

    private void kindChanged() {
        String k = kindNow();
        cards.show(kindFields, k);
        kindFields.setVisible(!FIELDS.get(k).isEmpty());
        if (KIND_CATEGORY.containsKey(k)) {
            category.setSelectedItem(KIND_CATEGORY.get(k));
        }
        panel.revalidate();
    }

    void relabel() {
        relabels.forEach(Runnable::run);
        kind.repaint();
        panel.setBorder(BorderFactory.createTitledBorder(i18n.t("of.title")));
        send.setText(i18n.t("of.send"));
        need.setToolTipText(i18n.t("of.need"));
        wanted.setToolTipText(i18n.t("of.wanted"));
    }

    void onSubmit(Submit s) {
        this.submit = s;
    }

    /** A registered elder's pop: an empty form for this elder and call, wanted in an hour by default. */
    void show(long elderId, Long callId) {
        this.elderId = elderId;
        this.callId = callId;
        this.orderId = -1;
        need.setText("");
        fields.values().forEach(f -> f.setText(""));
        kind.setSelectedIndex(0);
        kindChanged();
        wanted.setText(LocalDateTime.now().plusHours(1).withSecond(0).withNano(0).format(WHEN));
        status.setText(" ");
        progress.setText(" ");
        candidatesModel.clear();
        panel.setVisible(true);
        poll.start();
    }

    void hide() {
        panel.setVisible(false);
        poll.stop();
        orderId = -1;
    }

    /** 建工单 (Ctrl+J): checked here (a need, a time), then sent. */
    void send() {
        if (elderId < 0 || submit == null) {
            return;
        }
        if (need.getText().isBlank()) {
            status.setText(i18n.t("of.needMissing"));
            return;
        }
        try {
            LocalDateTime.parse(wanted.getText().trim(), WHEN);
        } catch (java.time.format.DateTimeParseException e) {
            status.setText(i18n.t("of.wantedBad"));
            return;
        }
        String k = kindNow();
        List<String> missing = new java.util.ArrayList<>();
        for (String n : REQUIRED.get(k)) {
            if (fields.get(k + "." + n).getText().isBlank()) {
                missing.add(i18n.t("bk." + n));
            }
        }
        if (!missing.isEmpty()) {
            status.setText(String.format(i18n.t("bk.missing"), String.join("、", missing)));
            return;
        }
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.put("elderId", elderId);
        if (!k.equals("service")) {
            // the booking's time is the order's: what the confirmation call and the reminders speak
            body.put("kind", k);
            ObjectNode f = body.putObject("fields");
            f.put("time", wanted.getText().trim());
            for (String n : FIELDS.get(k)) {
                String v = fields.get(k + "." + n).getText().trim();
                if (!v.isEmpty()) {
                    f.put(n, v);
                }
            }
        }
        if (callId != null) {
            body.put("callId", callId);
        }
        body.put("category", (String) category.getSelectedItem());
        body.put("need", need.getText().trim());
        body.put("wantedAt", wanted.getText().trim());
        status.setText(i18n.t("of.sending"));
        submit.send(body);
    }

    /** The created order: its number, the ranked suppliers with the reasons. */
    void created(JsonNode order) {
        orderId = order.path("id").asLong();
        status.setText(String.format(i18n.t("of.created"), orderId));
        candidatesModel.clear();
        int n = 0;
        for (JsonNode c : order.path("candidates")) {
            candidatesModel.addElement(++n + ". " + c.path("name").asText() + " · " + c.path("reason").asText());
        }
        if (n == 0) {
            candidatesModel.addElement(i18n.t("of.noCandidates"));
        }
        progress(order);
    }

    /** The order's state now (and its supplier once one accepted). */
    void progress(JsonNode order) {
        if (order.path("id").asLong() != orderId) {
            return;
        }
        String supplier = "";
        if (order.hasNonNull("supplierId")) {
            long sid = order.path("supplierId").asLong();
            supplier = "#" + sid;
            for (JsonNode c : order.path("candidates")) {
                if (c.path("supplierId").asLong() == sid) {
                    supplier = c.path("name").asText();
                }
            }
        }
        progress.setText(String.format(i18n.t("of.progress"), orderId, i18n.t("or.state." + order.path("state").asText()))
                + (supplier.isEmpty() ? "" : " · " + supplier));
    }

    void failed(String why) {
        status.setText(i18n.t("of.failed") + why);
    }
}
