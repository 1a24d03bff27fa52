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
 * matched): category, what is needed, when; sent as {@code POST /api/orders} with the call's id. Below it the ranked
 * suppliers with the reasons the server gave, and the order's progress (its state and supplier), read again every
 * 3 s while the pop shows it. All on the EDT; the requests go through {@link Submit}.
 */
final class OrderForm {

    /** What the form asks of the softphone (off the EDT; it answers with {@link #created}, {@link #progress}, {@link #failed}). */
    interface Submit {
        void send(ObjectNode body);

        void load(long orderId);
    }

    static final List<String> CATEGORIES = List.of("助餐", "家政保洁", "助浴", "维修", "陪诊", "护理", "出行", "代购");
    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm");

    final JPanel panel = new JPanel(new BorderLayout(4, 4));
    final JComboBox<String> category = new JComboBox<>(CATEGORIES.toArray(new String[0]));
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
        category.setName("orderCategory");
        need.setName("orderNeed");
        wanted.setName("orderWanted");
        send.setName("orderSend");
        status.setName("orderStatus");
        progress.setName("orderProgress");
        candidates.setName("orderCandidates");
        candidates.setVisibleRowCount(3);
        JPanel row = new JPanel(new FlowLayout(FlowLayout.LEFT));
        row.add(category);
        row.add(need);
        row.add(wanted);
        row.add(send);
        row.add(status);
        panel.add(row, BorderLayout.NORTH);
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

    void relabel() {
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
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.put("elderId", elderId);
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
