package onekey.softphone.ui;

import com.fasterxml.jackson.databind.JsonNode;
import java.awt.BorderLayout;
import java.awt.Color;
import java.awt.Dimension;
import java.awt.FlowLayout;
import java.awt.Font;
import java.awt.GridLayout;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.swing.BorderFactory;
import javax.swing.JFrame;
import javax.swing.JLabel;
import javax.swing.JPanel;
import javax.swing.JScrollPane;
import javax.swing.JSplitPane;
import javax.swing.JTable;
import javax.swing.SwingUtilities;
import javax.swing.Timer;
import javax.swing.table.DefaultTableModel;
import onekey.softphone.cti.CtiClient;

/**
 * The supervisor's wallboard ({@code ./onekey softphone --wallboard}, or the Wallboard button of a supervisor's
 * softphone): every agent's state and time in state, each line's waiting calls and longest wait (SOS first), the
 * live calls, today's figures and a chart of answer times over the day. It reads {@code GET /api/wallboard} every
 * 2 s and at once (at most every 300 ms) when a WebSocket event says something changed; times in state and call
 * durations tick every second in between. Components carry names (wbOffered, wbAgents, …) for tests.
 */
public final class Wallboard {

    private static final DateTimeFormatter HMS = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneId.systemDefault());

    final JFrame frame = new JFrame();
    private final I18n i18n;
    private final CtiClient cti;
    private final ScheduledExecutorService poll = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "wallboard-poll");
        t.setDaemon(true);
        return t;
    });
    private final AtomicBoolean refreshQueued = new AtomicBoolean();
    private final Map<String, JLabel> figures = new LinkedHashMap<>();
    private final DefaultTableModel agents;
    private final DefaultTableModel queues;
    private final DefaultTableModel calls;
    private final AnswerTimesChart chart;
    private final JLabel updated = new JLabel(" ");
    private final Timer tick;
    /** The last wallboard and when (local clock) it was read; durations advance from it. */
    private JsonNode last;
    private long lastReadAt;

    Wallboard(I18n i18n, CtiClient cti) {
        this.i18n = i18n;
        this.cti = cti;
        this.chart = new AnswerTimesChart(i18n);
        this.agents = model("wb.agent", "wb.ext", "wb.state", "wb.inState");
        this.queues = model("wb.line", "wb.waiting", "wb.longest");
        this.calls = model("wb.elder", "wb.line", "wb.agent", "wb.state", "wb.duration");
        frame.setName("wallboard");
        frame.setTitle(i18n.t("wb.title"));
        JPanel figs = new JPanel(new GridLayout(2, 0, 12, 2));
        figs.setBorder(BorderFactory.createTitledBorder(i18n.t("wb.today")));
        List<String[]> keys = List.of(new String[] {"wbOffered", i18n.t("wb.offered")},
                new String[] {"wbAnswered", i18n.t("wb.answered")},
                new String[] {"wbWithin15", String.format(i18n.t("wb.within"), 15)},
                new String[] {"wbWithin60", String.format(i18n.t("wb.within"), 60)},
                new String[] {"wbWithin180", String.format(i18n.t("wb.within"), 180)},
                new String[] {"wbAbandoned", i18n.t("wb.abandoned")},
                new String[] {"wbAht", i18n.t("wb.aht")});
        for (String[] k : keys) {
            JLabel head = new JLabel(k[1]);
            head.setForeground(Color.GRAY);
            figs.add(head);
        }
        for (String[] k : keys) {
            JLabel v = new JLabel("—");
            v.setName(k[0]);
            v.setFont(v.getFont().deriveFont(Font.BOLD, 22f));
            figures.put(k[0], v);
            figs.add(v);
        }
        JPanel top = new JPanel(new BorderLayout());
        top.add(figs, BorderLayout.CENTER);
        updated.setName("wbUpdated");
        JPanel status = new JPanel(new FlowLayout(FlowLayout.RIGHT));
        status.add(updated);
        top.add(status, BorderLayout.SOUTH);

        JPanel left = new JPanel(new GridLayout(0, 1, 4, 4));
        left.add(titled(table(agents, "wbAgents"), "wb.agents"));
        left.add(titled(table(queues, "wbQueues"), "wb.queues"));
        JPanel right = new JPanel(new GridLayout(0, 1, 4, 4));
        right.add(titled(table(calls, "wbCalls"), "wb.calls"));
        chart.setName("wbChart");
        right.add(titled(chart, "wb.chart"));
        JSplitPane split = new JSplitPane(JSplitPane.HORIZONTAL_SPLIT, left, right);
        split.setResizeWeight(0.45);
        frame.getContentPane().add(top, BorderLayout.NORTH);
        frame.getContentPane().add(split, BorderLayout.CENTER);
        frame.setPreferredSize(new Dimension(1100, 760));
        frame.pack();
        frame.setDefaultCloseOperation(JFrame.DISPOSE_ON_CLOSE);
        tick = new Timer(1000, e -> paint());
    }

    private DefaultTableModel model(String... headKeys) {
        Object[] heads = new Object[headKeys.length];
        for (int i = 0; i < headKeys.length; i++) {
            heads[i] = i18n.t(headKeys[i]);
        }
        return new DefaultTableModel(heads, 0) {
            @Override
            public boolean isCellEditable(int row, int column) {
                return false;
            }
        };
    }

    private static JTable table(DefaultTableModel m, String name) {
        JTable t = new JTable(m);
        t.setName(name);
        t.setRowHeight(22);
        t.setFillsViewportHeight(true);
        return t;
    }

    private JPanel titled(java.awt.Component c, String key) {
        JPanel p = new JPanel(new BorderLayout());
        p.setBorder(BorderFactory.createTitledBorder(i18n.t(key)));
        p.add(c instanceof JTable ? new JScrollPane(c) : c, BorderLayout.CENTER);
        return p;
    }

    /** Shows the window and starts reading (the first read at once). */
    public Wallboard open() {
        SwingUtilities.invokeLater(() -> {
            frame.setLocationByPlatform(true);
            frame.setVisible(true);
            tick.start();
        });
        poll.scheduleWithFixedDelay(this::read, 0, 2, TimeUnit.SECONDS);
        return this;
    }

    /** Something changed (a WebSocket event): read again soon, once for a burst of events. */
    public void changed() {
        if (refreshQueued.compareAndSet(false, true)) {
            poll.schedule(() -> {
                refreshQueued.set(false);
                read();
            }, 300, TimeUnit.MILLISECONDS);
        }
    }

    private void read() {
        try {
            JsonNode w = cti.request("GET", "/api/wallboard", null);
            long at = System.currentTimeMillis();
            SwingUtilities.invokeLater(() -> {
                last = w;
                lastReadAt = at;
                updated.setForeground(Color.GRAY);
                updated.setText(String.format(i18n.t("wb.updated"), HMS.format(Instant.ofEpochMilli(at))));
                paint();
            });
        } catch (Exception e) {
            String why = e.getMessage();
            SwingUtilities.invokeLater(() -> {
                updated.setForeground(new Color(0xC62828));
                updated.setText(String.format(i18n.t("wb.stale"), why));
            });
        }
    }

    /** On the EDT: the last wallboard, its durations advanced to now. */
    private void paint() {
        JsonNode w = last;
        if (w == null) {
            return;
        }
        long age = Math.max(0, System.currentTimeMillis() - lastReadAt);
        JsonNode t = w.path("today");
        figures.get("wbOffered").setText(t.path("offered").asText("0"));
        figures.get("wbAnswered").setText(t.path("answered").asText("0"));
        figures.get("wbWithin15").setText(t.path("answeredWithin15s").asText("0"));
        figures.get("wbWithin60").setText(t.path("answeredWithin60s").asText("0"));
        figures.get("wbWithin180").setText(t.path("answeredWithin180s").asText("0"));
        figures.get("wbAbandoned").setText(t.path("abandoned").asText("0"));
        figures.get("wbAht").setText(t.path("averageHandleMs").isNumber() ? duration(t.path("averageHandleMs").asLong()) : "—");
        List<Object[]> rows = new ArrayList<>();
        for (JsonNode a : w.path("agents")) {
            rows.add(new Object[] {a.path("displayName").asText(a.path("username").asText()), a.path("extension").asText(""),
                    state(a.path("state").asText(), a.path("reason").asText(null)),
                    duration(a.path("inStateMs").asLong() + age)});
        }
        fill(agents, rows);
        rows.clear();
        for (JsonNode q : w.path("queues")) {
            long waiting = q.path("waiting").asLong();
            rows.add(new Object[] {i18n.t("line." + q.path("line").asText()), waiting,
                    waiting == 0 ? "—" : duration(q.path("longestWaitMs").asLong() + age)});
        }
        fill(queues, rows);
        rows.clear();
        for (JsonNode c : w.path("liveCalls")) {
            String elder = c.path("elder").isTextual() ? c.path("elder").asText()
                    : i18n.t("unregistered") + " " + c.path("callerNumber").asText("");
            rows.add(new Object[] {elder, i18n.t("line." + c.path("line").asText("general")),
                    c.path("agent").asText("—"), c.path("state").asText(), duration(c.path("durationMs").asLong() + age)});
        }
        fill(calls, rows);
        chart.set(w.path("dayStart").asLong(), w.path("answerTimes"));
    }

    private String state(String s, String reason) {
        String k = "state." + s;
        String shown = i18n.t(k).equals(k) ? s : i18n.t(k);
        if (reason == null) {
            return shown;
        }
        String r = i18n.t("code." + reason);
        return shown + " (" + (r.equals("code." + reason) ? reason : r) + ")";
    }

    private static void fill(DefaultTableModel m, List<Object[]> rows) {
        // rewritten cell by cell: the selection and scroll position stay while the numbers change
        m.setRowCount(rows.size());
        for (int r = 0; r < rows.size(); r++) {
            Object[] row = rows.get(r);
            for (int c = 0; c < row.length; c++) {
                if (!java.util.Objects.equals(m.getValueAt(r, c), row[c])) {
                    m.setValueAt(row[c], r, c);
                }
            }
        }
    }

    static String duration(long ms) {
        long s = Math.max(0, ms) / 1000;
        return s >= 3600 ? String.format("%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60) : String.format("%d:%02d", s / 60, s % 60);
    }

    public void close() {
        poll.shutdownNow();
        SwingUtilities.invokeLater(() -> {
            tick.stop();
            frame.dispose();
        });
    }
}
