package onekey.softphone.ui;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.awt.BorderLayout;
import java.awt.FlowLayout;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.Executor;
import javax.swing.JButton;
import javax.swing.JLabel;
import javax.swing.JPanel;
import javax.swing.JScrollPane;
import javax.swing.JTable;
import javax.swing.JTextField;
import javax.swing.SwingUtilities;
import javax.swing.table.DefaultTableModel;
import onekey.softphone.cti.CtiClient;

/**
 * The desk's notices and workload (issue 19 items 6 and 7): post a notice to every seat or to some (text, for how
 * many minutes, to whom), the notices in force with who acknowledged them; and today's per-agent workload
 * ({@code GET /api/workload}): calls, talk, wrap-up, not-ready time by reason, QA average.
 */
final class NoticesPanel extends JPanel {
    private static final DateTimeFormatter HM = DateTimeFormatter.ofPattern("HH:mm").withZone(ZoneId.systemDefault());

    private final I18n i18n;
    private final CtiClient cti;
    private final Executor work;
    private final JTextField text = new JTextField(40);
    private final JTextField minutes = new JTextField("60", 4);
    private final JTextField to = new JTextField("all", 12);
    private final JLabel status = new JLabel(" ");
    private final DefaultTableModel noticesModel;
    private final DefaultTableModel workloadModel;
    private final ValueNames names;
    /** Events (agent states, notices read) ask for a read at most every 2 s. */
    private final javax.swing.Timer debounce = new javax.swing.Timer(2000, e -> reload());

    NoticesPanel(I18n i18n, CtiClient cti, Executor work) {
        super(new BorderLayout(4, 4));
        this.i18n = i18n;
        this.cti = cti;
        this.work = work;
        this.names = new ValueNames(i18n);
        text.setName("noticeInput");
        minutes.setName("noticeMinutes");
        to.setName("noticeTo");
        status.setName("noticeStatus");
        JButton post = new JButton(i18n.t("nt.post"));
        post.setName("noticePost");
        post.addActionListener(e -> post());
        JPanel form = new JPanel(new FlowLayout(FlowLayout.LEFT));
        form.add(new JLabel(i18n.t("nt.text")));
        form.add(text);
        form.add(new JLabel(i18n.t("nt.minutes")));
        form.add(minutes);
        form.add(new JLabel(i18n.t("nt.to")));
        form.add(to);
        form.add(post);
        form.add(status);
        noticesModel = model(i18n.t("nt.text"), i18n.t("nt.until"), i18n.t("nt.to"), i18n.t("nt.ackedBy"));
        JTable notices = new JTable(noticesModel);
        notices.setName("deskNotices");
        workloadModel = model(i18n.t("wl2.agent"), i18n.t("wl2.calls"), i18n.t("wl2.talk"), i18n.t("wl2.wrapUp"),
                i18n.t("wl2.notReady"), i18n.t("wl2.ready"), i18n.t("wl2.qa"));
        JTable workload = new JTable(workloadModel);
        workload.setName("deskWorkload");
        JButton refresh = new JButton(i18n.t("qa.refresh"));
        refresh.setName("workloadRefresh");
        refresh.addActionListener(e -> reload());
        JPanel top = new JPanel(new BorderLayout());
        top.add(form, BorderLayout.NORTH);
        JScrollPane np = new JScrollPane(notices);
        np.setBorder(javax.swing.BorderFactory.createTitledBorder(i18n.t("nt.inForce")));
        np.setPreferredSize(new java.awt.Dimension(600, 160));
        top.add(np, BorderLayout.CENTER);
        JPanel bottom = new JPanel(new BorderLayout());
        JPanel head = new JPanel(new FlowLayout(FlowLayout.LEFT));
        head.add(new JLabel(i18n.t("wl2.title")));
        head.add(refresh);
        bottom.add(head, BorderLayout.NORTH);
        bottom.add(new JScrollPane(workload), BorderLayout.CENTER);
        add(top, BorderLayout.NORTH);
        add(bottom, BorderLayout.CENTER);
        debounce.setRepeats(false);
    }

    /** Something changed (from any thread): read again within 2 s, once for a burst. */
    void changed() {
        SwingUtilities.invokeLater(() -> {
            if (!debounce.isRunning()) {
                debounce.start();
            }
        });
    }

    private static DefaultTableModel model(Object... heads) {
        return new DefaultTableModel(heads, 0) {
            @Override
            public boolean isCellEditable(int r, int c) {
                return false;
            }
        };
    }

    void reload() {
        work.execute(() -> {
            try {
                JsonNode list = cti.request("GET", "/api/notices", null);
                JsonNode load = cti.request("GET", "/api/workload", null);
                SwingUtilities.invokeLater(() -> {
                    noticesModel.setRowCount(0);
                    for (JsonNode n : list) {
                        java.util.List<String> who = new java.util.ArrayList<>();
                        n.path("acks").fieldNames().forEachRemaining(who::add);
                        noticesModel.addRow(new Object[] {n.path("text").asText(),
                                HM.format(Instant.ofEpochMilli(n.path("until").asLong())),
                                n.path("to").asText().equals("all") ? i18n.t("nt.all") : n.path("to").asText(),
                                String.join(" ", who)});
                    }
                    workloadModel.setRowCount(0);
                    for (JsonNode a : load.path("agents")) {
                        StringBuilder nr = new StringBuilder(minSec(a.path("notReadyMs").asLong()));
                        a.path("notReadyByReason").fields().forEachRemaining(e -> nr.append(' ')
                                .append(names.name("reason", e.getKey())).append(' ').append(minSec(e.getValue().asLong())));
                        workloadModel.addRow(new Object[] {a.path("username").asText(), a.path("calls").asInt(),
                                minSec(a.path("talkMs").asLong()), minSec(a.path("wrapUpMs").asLong()), nr.toString(),
                                minSec(a.path("readyMs").asLong()),
                                a.hasNonNull("qaAverage") ? a.path("qaAverage").asText() : "—"});
                    }
                });
            } catch (Exception e) {
                String why = e.getMessage();
                SwingUtilities.invokeLater(() -> status.setText(why));
            }
        });
    }

    private static String minSec(long ms) {
        long s = ms / 1000;
        return s >= 3600 ? String.format("%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60) : String.format("%d:%02d", s / 60, s % 60);
    }

    private void post() {
        String t = text.getText().trim();
        int mins;
        try {
            mins = Integer.parseInt(minutes.getText().trim());
        } catch (NumberFormatException e) {
            status.setText(i18n.t("nt.badMinutes"));
            return;
        }
        if (t.isEmpty() || mins < 1) {
            status.setText(i18n.t("nt.badMinutes"));
            return;
        }
        String whom = to.getText().trim();
        work.execute(() -> {
            try {
                JsonNode n = cti.request("POST", "/api/notices", JsonNodeFactory.instance.objectNode().put("text", t)
                        .put("until", java.time.ZonedDateTime.now().plusMinutes(mins).toOffsetDateTime().withNano(0).toString())
                        .put("to", whom.isEmpty() ? "all" : whom));
                SwingUtilities.invokeLater(() -> {
                    status.setText(String.format(i18n.t("nt.posted"), n.path("id").asLong()));
                    text.setText("");
                });
                reload();
            } catch (Exception e) {
                String why = e.getMessage();
                SwingUtilities.invokeLater(() -> status.setText(why));
            }
        });
    }
}
