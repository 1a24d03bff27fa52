package onekey.softphone.ui;

import com.fasterxml.jackson.databind.JsonNode;
import java.awt.BorderLayout;
import java.awt.FlowLayout;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.function.LongConsumer;
import javax.swing.JButton;
import javax.swing.JComboBox;
import javax.swing.JDialog;
import javax.swing.JLabel;
import javax.swing.JPanel;
import javax.swing.JScrollPane;
import javax.swing.JTable;
import javax.swing.JTextArea;
import javax.swing.JTextField;
import javax.swing.ListSelectionModel;
import javax.swing.SwingUtilities;
import javax.swing.table.DefaultTableModel;
import onekey.softphone.cti.CtiClient;

/**
 * The desk's call history (issue 19 item 3): search by dates, line, agent, elder, outcome, talk time and disposition
 * ({@code GET /api/history/calls}), a page of 20 at a time; a call's timeline; listen in on a live one; play its
 * recording.
 */
final class HistoryPanel extends JPanel {
    static final int PAGE = 20;
    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("MM-dd HH:mm:ss").withZone(ZoneId.systemDefault());

    private final I18n i18n;
    private final ValueNames names;
    private final CtiClient cti;
    private final Executor work;
    private final LongConsumer play;
    private final JTextField from = new JTextField(8);
    private final JTextField to = new JTextField(8);
    private final JComboBox<String> line = new JComboBox<>(new String[] {"", "sos", "general", "registration", "taxi", "consult"});
    private final JTextField agent = new JTextField(6);
    private final JTextField elder = new JTextField(5);
    private final JComboBox<String> outcome = new JComboBox<>(new String[] {"", "answered", "abandoned", "queued", "overflow"});
    private final JTextField minTalk = new JTextField(4);
    private final JTextField disposition = new JTextField(8);
    private final JLabel page = new JLabel(" ");
    private final DefaultTableModel model;
    private final JTable table;
    private final List<JsonNode> rows = new ArrayList<>();
    private int offset;
    private int total;

    HistoryPanel(I18n i18n, CtiClient cti, Executor work, LongConsumer play) {
        super(new BorderLayout(4, 4));
        this.i18n = i18n;
        this.names = new ValueNames(i18n);
        this.cti = cti;
        this.work = work;
        this.play = play;
        from.setName("histFrom");
        to.setName("histTo");
        line.setName("histLine");
        agent.setName("histAgent");
        elder.setName("histElder");
        outcome.setName("histOutcome");
        minTalk.setName("histMinTalk");
        disposition.setName("histDisposition");
        page.setName("histPage");
        JPanel filters = new JPanel(new FlowLayout(FlowLayout.LEFT, 4, 2));
        add(filters, i18n.t("hs.from"), from);
        add(filters, i18n.t("hs.to"), to);
        add(filters, i18n.t("hs.line"), line);
        add(filters, i18n.t("hs.agent"), agent);
        add(filters, i18n.t("hs.elder"), elder);
        add(filters, i18n.t("hs.outcome"), outcome);
        add(filters, i18n.t("hs.minTalk"), minTalk);
        add(filters, i18n.t("hs.disposition"), disposition);
        JButton search = button("histSearch", "hs.search", () -> {
            offset = 0;
            search();
        });
        filters.add(search);
        model = new DefaultTableModel(new Object[] {i18n.t("hs.call"), i18n.t("hs.when"), i18n.t("hs.line"), i18n.t("hs.elder"),
                i18n.t("hs.agent"), i18n.t("hs.wait"), i18n.t("hs.talk"), i18n.t("hs.outcome"), i18n.t("hs.disposition")}, 0) {
            @Override
            public boolean isCellEditable(int r, int c) {
                return false;
            }
        };
        table = new JTable(model);
        table.setName("deskHistory");
        table.setRowHeight(22);
        table.setSelectionMode(ListSelectionModel.SINGLE_SELECTION);
        JPanel south = new JPanel(new FlowLayout(FlowLayout.LEFT));
        south.add(button("histPrev", "hs.prev", () -> {
            offset = Math.max(0, offset - PAGE);
            search();
        }));
        south.add(page);
        south.add(button("histNext", "hs.next", () -> {
            if (offset + PAGE < total) {
                offset += PAGE;
                search();
            }
        }));
        south.add(button("histTimeline", "hs.timeline", this::timeline));
        south.add(button("histListen", "hs.listen", () -> selected(c -> cti.spy(c.path("id").asLong(), "listen"))));
        south.add(button("histPlay", "hs.play", () -> selected(c -> play.accept(c.path("id").asLong()))));
        add(filters, BorderLayout.NORTH);
        add(new JScrollPane(table), BorderLayout.CENTER);
        add(south, BorderLayout.SOUTH);
    }

    private static void add(JPanel p, String label, java.awt.Component c) {
        p.add(new JLabel(label));
        p.add(c);
    }

    private JButton button(String name, String key, Runnable r) {
        JButton b = new JButton(i18n.t(key));
        b.setName(name);
        b.addActionListener(e -> r.run());
        return b;
    }

    private void selected(java.util.function.Consumer<JsonNode> c) {
        int i = table.getSelectedRow();
        if (i >= 0 && i < rows.size()) {
            c.accept(rows.get(i));
        }
    }

    void search() {
        StringBuilder q = new StringBuilder("/api/history/calls?limit=" + PAGE + "&offset=" + offset);
        param(q, "from", from.getText());
        param(q, "to", to.getText());
        param(q, "line", (String) line.getSelectedItem());
        param(q, "agent", agent.getText());
        param(q, "elderId", elder.getText());
        param(q, "outcome", (String) outcome.getSelectedItem());
        param(q, "minTalkS", minTalk.getText());
        param(q, "disposition", disposition.getText());
        work.execute(() -> {
            try {
                JsonNode r = cti.request("GET", q.toString(), null);
                SwingUtilities.invokeLater(() -> show(r));
            } catch (Exception e) {
                String why = e.getMessage();
                SwingUtilities.invokeLater(() -> page.setText(why));
            }
        });
    }

    private static void param(StringBuilder q, String k, String v) {
        if (v != null && !v.isBlank()) {
            q.append('&').append(k).append('=').append(URLEncoder.encode(v.trim(), StandardCharsets.UTF_8));
        }
    }

    private void show(JsonNode r) {
        total = r.path("total").asInt();
        rows.clear();
        model.setRowCount(0);
        for (JsonNode c : r.path("items")) {
            rows.add(c);
            model.addRow(new Object[] {"#" + c.path("id").asLong(), WHEN.format(Instant.ofEpochMilli(c.path("arrivedAt").asLong())),
                    names.name("line", c.path("line").asText()),
                    c.hasNonNull("elder") ? c.path("elder").asText() : c.path("callerNumber").asText(""),
                    c.path("agent").asText(""), secs(c.path("waitMs")), secs(c.path("talkMs")),
                    names.name("outcome", c.path("outcome").asText("")), c.path("disposition").asText("")});
        }
        int pages = Math.max(1, (total + PAGE - 1) / PAGE);
        page.setText(String.format(i18n.t("hs.page"), offset / PAGE + 1, pages, total));
    }

    private static String secs(JsonNode ms) {
        if (ms.isNull() || ms.isMissingNode()) {
            return "—";
        }
        long s = ms.asLong() / 1000;
        return String.format("%d:%02d", s / 60, s % 60);
    }

    private void timeline() {
        selected(c -> {
            long id = c.path("id").asLong();
            work.execute(() -> {
                try {
                    JsonNode call = cti.request("GET", "/api/calls/" + id, null);
                    StringBuilder b = new StringBuilder();
                    for (JsonNode t : call.path("timeline")) {
                        b.append(WHEN.format(Instant.ofEpochMilli(t.path("at").asLong()))).append("  ")
                                .append(t.path("type").asText()).append("  ").append(t.path("detail").asText("")).append('\n');
                    }
                    SwingUtilities.invokeLater(() -> {
                        JDialog d = new JDialog(SwingUtilities.getWindowAncestor(this), String.format(i18n.t("hs.timelineTitle"), id));
                        d.setName("histTimelineDialog");
                        JTextArea text = new JTextArea(b.toString(), 16, 80);
                        text.setName("histTimelineText");
                        text.setEditable(false);
                        d.getContentPane().add(new JScrollPane(text));
                        d.getRootPane().registerKeyboardAction(e -> d.dispose(),
                                javax.swing.KeyStroke.getKeyStroke(java.awt.event.KeyEvent.VK_ESCAPE, 0),
                                javax.swing.JComponent.WHEN_IN_FOCUSED_WINDOW);
                        d.pack();
                        d.setLocationRelativeTo(this);
                        d.setVisible(true);
                    });
                } catch (Exception e) {
                    String why = e.getMessage();
                    SwingUtilities.invokeLater(() -> page.setText(why));
                }
            });
        });
    }
}
