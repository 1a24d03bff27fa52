package onekey.softphone.ui;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.awt.BorderLayout;
import java.awt.FlowLayout;
import java.util.ArrayDeque;
import java.util.Deque;
import javax.swing.JButton;
import javax.swing.JFrame;
import javax.swing.JLabel;
import javax.swing.JPanel;
import javax.swing.JScrollPane;
import javax.swing.JTextArea;
import javax.swing.JTextField;
import javax.swing.SwingUtilities;
import onekey.softphone.cti.CtiClient;
import onekey.softphone.cti.CtiEvent;

/**
 * A seat's QA feedback (issue 19 item 5): a QA sheet scored on one of the seat's calls ({@code qa.scored}, and those
 * not yet acknowledged at sign-in from {@code GET /api/qa/mine?open=true}) opens this small window — the total, the
 * points per item, the checker's comment — until the seat acknowledges it (已阅, {@code POST /api/qa/{id}/ack}).
 */
final class QaFeedback {
    final JFrame frame = new JFrame();
    private final I18n i18n;
    private final CtiClient cti;
    private final java.util.concurrent.Executor work;
    private final Deque<JsonNode> waiting = new ArrayDeque<>();
    private final JLabel head = new JLabel(" ");
    private final JTextArea text = new JTextArea(9, 46);
    private final JTextField note = new JTextField(24);
    private final JButton ack = new JButton();
    private final JLabel status = new JLabel(" ");

    QaFeedback(I18n i18n, CtiClient cti, java.util.concurrent.Executor work) {
        this.i18n = i18n;
        this.cti = cti;
        this.work = work;
        frame.setName("qaFeedback");
        frame.setTitle(i18n.t("qf.title"));
        head.setName("qaFeedbackTotal");
        head.setFont(head.getFont().deriveFont(java.awt.Font.BOLD, 16f));
        text.setName("qaFeedbackText");
        text.setEditable(false);
        note.setName("qaFeedbackNote");
        ack.setName("qaFeedbackAck");
        ack.setText(i18n.t("qf.ack"));
        ack.addActionListener(e -> ack());
        status.setName("qaFeedbackStatus");
        JPanel south = new JPanel(new FlowLayout(FlowLayout.LEFT));
        south.add(new JLabel(i18n.t("qf.note")));
        south.add(note);
        south.add(ack);
        south.add(status);
        frame.getContentPane().add(head, BorderLayout.NORTH);
        frame.getContentPane().add(new JScrollPane(text), BorderLayout.CENTER);
        frame.getContentPane().add(south, BorderLayout.SOUTH);
        frame.pack();
        frame.setAutoRequestFocus(false);
        frame.setDefaultCloseOperation(JFrame.HIDE_ON_CLOSE);
    }

    /** From the CTI client's thread. */
    void event(CtiEvent ev) {
        if (ev instanceof CtiEvent.Hello) {
            work.execute(() -> {
                try {
                    JsonNode open = cti.request("GET", "/api/qa/mine?open=true", null);
                    SwingUtilities.invokeLater(() -> open.forEach(this::add));
                } catch (Exception e) {
                    // a server without QA, or away: the next sheet comes as an event
                }
            });
        } else if ("qa.scored".equals(ev.json().path("type").asText())) {
            JsonNode s = ev.json().path("qa");
            SwingUtilities.invokeLater(() -> add(s));
        }
    }

    private void add(JsonNode sheet) {
        waiting.removeIf(s -> s.path("id").asLong() == sheet.path("id").asLong());
        waiting.addLast(sheet);
        show();
    }

    private void show() {
        JsonNode s = waiting.peekFirst();
        if (s == null) {
            frame.setVisible(false);
            return;
        }
        head.setText(String.format(i18n.t("qf.head"), s.path("callId").asLong(), s.path("total").asInt(),
                s.path("scoredBy").asText()));
        StringBuilder b = new StringBuilder();
        for (JsonNode i : s.path("items")) {
            b.append(i.path("label").asText()).append("  ").append(i.path("points").asInt()).append("/5\n");
        }
        if (!s.path("comment").asText("").isEmpty()) {
            b.append('\n').append(i18n.t("qf.comment")).append(s.path("comment").asText());
        }
        text.setText(b.toString());
        status.setText(waiting.size() > 1 ? String.format(i18n.t("qf.more"), waiting.size() - 1) : " ");
        if (!frame.isVisible()) {
            frame.setVisible(true);
        }
    }

    private void ack() {
        JsonNode s = waiting.peekFirst();
        if (s == null) {
            return;
        }
        long id = s.path("id").asLong();
        String n = note.getText().trim();
        ack.setEnabled(false);
        work.execute(() -> {
            try {
                cti.request("POST", "/api/qa/" + id + "/ack", JsonNodeFactory.instance.objectNode().put("note", n));
                SwingUtilities.invokeLater(() -> {
                    waiting.removeIf(x -> x.path("id").asLong() == id);
                    note.setText("");
                    ack.setEnabled(true);
                    show();
                    status.setText(String.format(i18n.t("qf.acked"), s.path("callId").asLong()));
                });
            } catch (Exception e) {
                String why = e.getMessage();
                SwingUtilities.invokeLater(() -> {
                    ack.setEnabled(true);
                    status.setText(why);
                });
            }
        });
    }

    void close() {
        frame.dispose();
    }
}
