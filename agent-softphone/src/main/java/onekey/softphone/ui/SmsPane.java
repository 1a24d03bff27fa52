package onekey.softphone.ui;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.awt.BorderLayout;
import java.awt.Color;
import java.awt.FlowLayout;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.swing.BorderFactory;
import javax.swing.DefaultListModel;
import javax.swing.JButton;
import javax.swing.JComboBox;
import javax.swing.JLabel;
import javax.swing.JList;
import javax.swing.JPanel;
import javax.swing.JScrollPane;
import javax.swing.JTextField;

/**
 * The seat's SMS pane (issue 20): an elder's texts — or an incident's — with their state and delivery receipts and
 * the family's replies ({@code GET /api/sms?elderId=&incidentId=}), and a free text to one of the elder's contacts
 * ({@code POST /api/sms}; 发短信, Ctrl+M). A reply to an incident's text that is not an acknowledgement shows as a red
 * notice here for the incident's seat. Opened by a registered elder's pop (the elder's texts) or by the incident
 * workspace (Ctrl+Shift+M: the top incident's texts; and by such a reply). All on the EDT; requests through
 * {@link Submit}.
 */
final class SmsPane {

    /** What the pane asks of the softphone (off the EDT; it answers with {@link #loaded}, {@link #sent}, {@link #failed}). */
    interface Submit {
        /** The texts of the elder (through the call the seat took: {@code callId}) or of the incident. */
        void load(Long elderId, Long incidentId, Long callId);

        void send(ObjectNode body);
    }

    private static final DateTimeFormatter HM = DateTimeFormatter.ofPattern("MM-dd HH:mm").withZone(ZoneId.systemDefault());
    private static final Color RED = new Color(0xC62828);

    final JPanel panel = new JPanel(new BorderLayout(4, 4));
    final DefaultListModel<String> textsModel = new DefaultListModel<>();
    final JList<String> texts = new JList<>(textsModel);
    final JComboBox<String> to = new JComboBox<>();
    final JTextField text = new JTextField(22);
    final JButton send = new JButton();
    final JLabel status = new JLabel(" ");
    final JLabel notice = new JLabel(" ");
    private final I18n i18n;
    private final ValueNames names;
    /** The numbers behind {@link #to}'s entries, in order. */
    private final List<String> numbers = new ArrayList<>();
    private Submit submit;
    private long elderId = -1;
    private Long incidentId;
    /** The pop's call (an agent may use the texts of the elder of a call it took). */
    private Long callId;

    SmsPane(I18n i18n) {
        this.i18n = i18n;
        this.names = new ValueNames(i18n);
        panel.setName("smsPane");
        texts.setName("smsTexts");
        to.setName("smsTo");
        text.setName("smsText");
        send.setName("smsSend");
        status.setName("smsStatus");
        notice.setName("smsNotice");
        notice.setForeground(Color.WHITE);
        notice.setBackground(RED);
        notice.setOpaque(true);
        notice.setVisible(false);
        texts.setVisibleRowCount(4);
        JPanel row = new JPanel(new FlowLayout(FlowLayout.LEFT));
        row.add(to);
        row.add(text);
        row.add(send);
        row.add(status);
        panel.add(notice, BorderLayout.NORTH);
        panel.add(new JScrollPane(texts), BorderLayout.CENTER);
        panel.add(row, BorderLayout.SOUTH);
        send.addActionListener(e -> send());
        relabel();
        panel.setVisible(false);
    }

    void relabel() {
        panel.setBorder(BorderFactory.createTitledBorder(i18n.t(incidentId == null ? "sms.title" : "sms.titleIncident")
                .replace("%d", String.valueOf(incidentId))));
        send.setText(i18n.t("sms.send"));
        text.setToolTipText(i18n.t("sms.text"));
        to.setToolTipText(i18n.t("sms.to"));
    }

    void onSubmit(Submit s) {
        this.submit = s;
    }

    long elderId() {
        return elderId;
    }

    Long incidentId() {
        return incidentId;
    }

    /**
     * The elder's texts (and, with {@code incidentId}, only that incident's; the free text then belongs to it), the
     * contacts to choose from ({@code contacts}: the record's contacts array).
     */
    void show(long elderId, Long incidentId, JsonNode contacts) {
        show(elderId, incidentId, contacts, null);
    }

    /** As {@link #show(long, Long, JsonNode)} from a pop: {@code callId} the call the seat took from the elder. */
    void show(long elderId, Long incidentId, JsonNode contacts, Long callId) {
        this.callId = incidentId == null ? callId : null;
        boolean same = this.elderId == elderId && java.util.Objects.equals(this.incidentId, incidentId) && panel.isVisible();
        this.elderId = elderId;
        this.incidentId = incidentId;
        if (!same) {
            textsModel.clear();
            status.setText(" ");
            status.setForeground(Color.DARK_GRAY);
        }
        numbers.clear();
        to.removeAllItems();
        if (contacts != null) {
            for (JsonNode c : contacts) {
                String phone = c.path("phone").asText("");
                if (phone.isEmpty()) {
                    continue;
                }
                numbers.add(phone);
                to.addItem(c.path("name").asText() + (c.path("relation").asText("").isEmpty() ? "" : "（"
                        + c.path("relation").asText() + "）") + " " + phone);
            }
        }
        relabel();
        panel.setVisible(true);
        reload();
    }

    void hide() {
        panel.setVisible(false);
        elderId = -1;
        incidentId = null;
        callId = null;
    }

    void reload() {
        if (elderId >= 0 && submit != null) {
            submit.load(incidentId == null ? elderId : null, incidentId, callId);
        }
    }

    /** 发短信 (Ctrl+M): a contact and a text, checked here, then sent. */
    void send() {
        if (elderId < 0 || submit == null || !panel.isVisible()) {
            return;
        }
        if (to.getSelectedIndex() < 0) {
            failedHere(i18n.t("sms.noContact"));
            return;
        }
        String words = text.getText().strip();
        if (words.isEmpty()) {
            failedHere(i18n.t("sms.empty"));
            return;
        }
        if (words.length() > 500) {
            failedHere(i18n.t("sms.tooLong"));
            return;
        }
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.put("elderId", elderId);
        if (incidentId != null) {
            body.put("incidentId", incidentId);
        } else if (callId != null) {
            body.put("callId", callId);
        }
        body.put("to", numbers.get(to.getSelectedIndex()));
        body.put("text", words);
        status.setForeground(Color.DARK_GRAY);
        status.setText(i18n.t("sms.sending"));
        submit.send(body);
    }

    /** GET /api/sms's answer: the texts (state, receipt) and the replies, newest first. */
    void loaded(JsonNode list) {
        textsModel.clear();
        if (list.has("enabled") && !list.path("enabled").asBoolean()) {
            textsModel.addElement(i18n.t("sms.off"));
        }
        record Line(long at, String line) {}
        List<Line> lines = new ArrayList<>();
        for (JsonNode m : list.path("texts")) {
            lines.add(new Line(m.path("createdAt").asLong(), line(m)));
        }
        for (JsonNode r : list.path("replies")) {
            lines.add(new Line(r.path("receivedAt").asLong(), reply(r)));
        }
        lines.sort((a, b) -> Long.compare(b.at, a.at));
        lines.forEach(l -> textsModel.addElement(l.line));
        if (lines.isEmpty() && textsModel.isEmpty()) {
            textsModel.addElement(i18n.t("sms.none"));
        }
    }

    /** "05-06 21:03 → 13916000001 · 已送达 06:02 · 【一键通】…"; a failed one with its code. */
    String line(JsonNode m) {
        String state = m.path("state").asText();
        StringBuilder b = new StringBuilder(time(m.path("createdAt"))).append("  → ").append(m.path("to").asText())
                .append("  ·  ").append(names.stepResult("sms", state));
        if (m.path("doneAt").isNumber()) {
            b.append(' ').append(time(m.path("doneAt")));
        }
        if ("queued".equals(state) && m.path("dueAt").asLong() > m.path("createdAt").asLong() + 60_000) {
            b.append(String.format(i18n.t("sms.notBefore"), time(m.path("dueAt")))); // the quiet hours
        }
        if (m.hasNonNull("errorCode") && !"delivered".equals(state)) {
            b.append(" (").append(m.path("errorCode").asText()).append(')');
        }
        if (m.hasNonNull("by")) {
            b.append("  ·  ").append(m.path("by").asText());
        }
        return b.append("  ·  ").append(m.path("text").asText()).toString();
    }

    private String reply(JsonNode r) {
        return time(r.path("receivedAt")) + "  ← " + r.path("from").asText() + "  ·  "
                + names.name("step", "sms-reply") + " " + names.stepResult("sms-reply", r.path("meaning").asText())
                + "  ·  " + r.path("text").asText();
    }

    private static String time(JsonNode at) {
        return at.isNumber() && at.asLong() > 0 ? HM.format(Instant.ofEpochMilli(at.asLong())) : "--";
    }

    /** POST /api/sms answered 202: the text is queued; the list follows. */
    void sent(JsonNode m) {
        status.setForeground(Color.DARK_GRAY);
        status.setText(String.format(i18n.t("sms.sent"), m.path("id").asLong(), names.stepResult("sms",
                m.path("state").asText())));
        text.setText("");
        reload();
    }

    void failed(String why) {
        failedHere(i18n.t("sms.failed") + why);
    }

    private void failedHere(String s) {
        status.setForeground(RED);
        status.setText(s);
    }

    /**
     * A {@code sms.message} / {@code sms.reply} frame: the list is read again when it is about what the pane shows;
     * a reply that is not an acknowledgement is a notice for the incident's seat (the server sends it to that seat).
     * Returns true when the frame was a reply the seat must read (the caller opens the pane for its incident).
     */
    boolean event(String type, JsonNode json) {
        if ("sms.message".equals(type)) {
            JsonNode m = json.path("sms");
            if (panel.isVisible() && (m.path("elderId").asLong(-2) == elderId
                    || incidentId != null && m.path("incidentId").asLong(-2) == incidentId)) {
                reload();
            }
            return false;
        }
        if (!"sms.reply".equals(type)) {
            return false;
        }
        JsonNode r = json.path("reply");
        String meaning = r.path("meaning").asText();
        if (!"reply".equals(meaning)) {
            if (panel.isVisible() && r.path("incidentId").asLong(-2) == (incidentId == null ? -1 : incidentId)) {
                reload();
            }
            return false; // an acknowledgement is on the incident's timeline already
        }
        notice.setText(String.format(i18n.t("sms.replyNotice"), r.path("incidentId").asLong(), r.path("from").asText(),
                r.path("text").asText()));
        notice.setVisible(true);
        return true;
    }

    /** The seat has read the reply (the pane opened on another elder, or the incident closed). */
    void clearNotice() {
        notice.setText(" ");
        notice.setVisible(false);
    }

    static Map.Entry<String, String[]> e(String k, String zh, String en) {
        return Map.entry(k, new String[] {zh, en});
    }

    /** The pane's texts, zh and en (looked up by {@link I18n}). */
    static final Map<String, String[]> T = Map.ofEntries(
            e("sms.title", "短信（老人的家属）", "Texts (the elder's family)"),
            e("sms.titleIncident", "短信 — 事件 #%d", "Texts — incident #%d"),
            e("sms.send", "发短信 (Ctrl+M)", "Send text (Ctrl+M)"),
            e("sms.text", "短信内容（最多500字）", "The text (up to 500 characters)"),
            e("sms.to", "发给哪位联系人", "To which contact"),
            e("sms.noContact", "老人档案中没有联系人号码", "The record has no contact number"),
            e("sms.empty", "请填写短信内容", "Type the text first"),
            e("sms.tooLong", "短信最多500字", "A text is at most 500 characters"),
            e("sms.sending", "正在发送…", "Sending…"),
            e("sms.sent", "短信 #%d：%s", "Text #%d: %s"),
            e("sms.failed", "短信未发出：", "Text NOT sent: "),
            e("sms.none", "暂无短信", "No texts yet"),
            e("sms.off", "本中心未开通短信（sms.host 为空）", "SMS is off at this centre (sms.host is empty)"),
            e("sms.notBefore", "（免打扰时段，%s 后发送）", " (quiet hours: goes after %s)"),
            e("sms.replyNotice", "家属短信回复（事件 #%d，%s）：%s", "Family replied by text (incident #%d, %s): %s"),
            e("sms.openIncident", "事件短信 (Ctrl+Shift+M)", "Incident texts (Ctrl+Shift+M)"));
}
