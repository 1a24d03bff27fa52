package onekey.softphone.ui;

import com.fasterxml.jackson.databind.JsonNode;
import java.awt.Color;
import java.awt.FlowLayout;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executor;
import javax.swing.JButton;
import javax.swing.JLabel;
import javax.swing.JPanel;
import javax.swing.SwingUtilities;
import javax.swing.Timer;
import onekey.softphone.cti.CtiClient;
import onekey.softphone.cti.CtiEvent;

/**
 * The notices pinned on a seat (公告便签, issue 19 item 6), in the window's menu bar: the newest notice in force for
 * this seat, until it expires; 知道了 acknowledges it ({@code POST /api/notices/{id}/ack}). Notices come from
 * {@code GET /api/notices} at every (re)connect and as {@code notice.posted} events.
 */
final class NoticeBar extends JPanel {
    private static final DateTimeFormatter HM = DateTimeFormatter.ofPattern("HH:mm").withZone(ZoneId.systemDefault());

    private final I18n i18n;
    private final CtiClient cti;
    private final Executor work;
    private final String me;
    /** id → notice, newest first. */
    private final TreeMap<Long, JsonNode> notices = new TreeMap<>(java.util.Comparator.reverseOrder());
    private final Map<Long, Boolean> acked = new java.util.HashMap<>();
    private final JLabel text = new JLabel();
    private final JButton ack = new JButton();
    private final Timer expiry;

    NoticeBar(I18n i18n, CtiClient cti, Executor work, String me) {
        super(new FlowLayout(FlowLayout.LEFT, 6, 0));
        this.i18n = i18n;
        this.cti = cti;
        this.work = work;
        this.me = me;
        setOpaque(false);
        text.setName("noticeText");
        text.setForeground(new Color(0x8A5A00));
        ack.setName("noticeAck");
        ack.setText(i18n.t("nt.ack"));
        ack.addActionListener(e -> ack());
        add(text);
        add(ack);
        setVisible(false);
        expiry = new Timer(1000, e -> render());
        expiry.start();
    }

    /** From the CTI client's thread. */
    void event(CtiEvent ev) {
        if (ev instanceof CtiEvent.Hello) {
            work.execute(() -> {
                try {
                    JsonNode list = cti.request("GET", "/api/notices", null);
                    SwingUtilities.invokeLater(() -> {
                        list.forEach(this::put);
                        render();
                    });
                } catch (Exception e) {
                    // away: the next notice comes as an event
                }
            });
        } else if ("notice.posted".equals(ev.json().path("type").asText())) {
            JsonNode n = ev.json().path("notice");
            SwingUtilities.invokeLater(() -> {
                put(n);
                render();
            });
        }
    }

    private void put(JsonNode n) {
        String to = n.path("to").asText("all");
        if (!to.equals("all") && !java.util.Arrays.asList(to.split(",")).contains(me)) {
            return; // a supervisor sees every notice posted; pinned are only its own
        }
        notices.put(n.path("id").asLong(), n);
        acked.merge(n.path("id").asLong(), n.path("acked").asBoolean(false), Boolean::logicalOr);
    }

    private void render() {
        long now = System.currentTimeMillis();
        notices.values().removeIf(n -> n.path("until").asLong() <= now);
        JsonNode n = notices.isEmpty() ? null : notices.firstEntry().getValue();
        if (n == null) {
            setVisible(false);
            return;
        }
        String more = notices.size() > 1 ? String.format(i18n.t("nt.more"), notices.size() - 1) : "";
        text.setText(String.format(i18n.t("nt.pinned"), n.path("text").asText(), n.path("createdBy").asText(),
                HM.format(Instant.ofEpochMilli(n.path("until").asLong()))) + more);
        boolean done = acked.getOrDefault(n.path("id").asLong(), false);
        ack.setEnabled(!done);
        ack.setText(done ? i18n.t("nt.acked") : i18n.t("nt.ack"));
        setVisible(true);
        revalidate();
    }

    private void ack() {
        if (notices.isEmpty()) {
            return;
        }
        long id = notices.firstKey();
        ack.setEnabled(false);
        work.execute(() -> {
            try {
                cti.request("POST", "/api/notices/" + id + "/ack", null);
                SwingUtilities.invokeLater(() -> {
                    acked.put(id, true);
                    render();
                });
            } catch (Exception e) {
                SwingUtilities.invokeLater(() -> ack.setEnabled(true));
            }
        });
    }

    void close() {
        expiry.stop();
    }
}
