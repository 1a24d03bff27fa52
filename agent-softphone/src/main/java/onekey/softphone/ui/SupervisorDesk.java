package onekey.softphone.ui;

import com.fasterxml.jackson.databind.JsonNode;
import java.awt.BorderLayout;
import java.awt.Dimension;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.IntConsumer;
import java.util.function.Supplier;
import javax.swing.JFrame;
import javax.swing.JTabbedPane;
import onekey.softphone.cti.CtiClient;
import onekey.softphone.cti.CtiEvent;

/**
 * The supervisors' and QA desk (issue 19), a window of a supervisor's softphone opened with the 班长台 button: the
 * alerts first. Built at sign-in (hidden) so alerts are loaded and urgent ones sound before the window is opened;
 * the button counts the open alerts. Components carry names for tests (deskAlerts, alertNote, alertAck, …).
 */
public final class SupervisorDesk {
    final JFrame frame = new JFrame();
    final JTabbedPane tabs = new JTabbedPane();
    final AlertsPanel alerts;
    final RecordingPlayer player;
    final IncidentsBoardPanel board;
    final QaPanel qa;
    final NoticesPanel notices;
    final HistoryPanel history;
    /** Issue 21: the dispatchers' orders board. */
    final OrdersBoardPanel orders;
    final ReportsPanel reports;
    final DevicesPanel devices;
    /** Issue 21: the suppliers' register (add, edit, suspend, re-admit, end; the scorecards). */
    final SuppliersPanel suppliers;
    private final ExecutorService work = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "desk-requests");
        t.setDaemon(true);
        return t;
    });

    /** {@code audioOut}: where the player's sound goes (the softphone's audio output). */
    SupervisorDesk(I18n i18n, CtiClient cti, Supplier<AlertCue> cue, IntConsumer openAlerts,
                   Supplier<onekey.softphone.audio.AudioSink> audioOut) {
        frame.setName("desk");
        frame.setTitle(i18n.t("desk.title"));
        tabs.setName("deskTabs");
        alerts = new AlertsPanel(i18n, cti, work, cue, openAlerts);
        tabs.addTab(i18n.t("desk.tab.alerts"), alerts);
        board = new IncidentsBoardPanel(i18n, cti, work);
        tabs.addTab(i18n.t("desk.tab.incidents"), board);
        player = new RecordingPlayer(i18n, cti, work, audioOut);
        javax.swing.JPanel top = new javax.swing.JPanel(new BorderLayout());
        top.add(player, BorderLayout.NORTH);
        qa = new QaPanel(i18n, cti, work, callId -> { // 听录音: the player's tab with the call's recording
            tabs.setSelectedComponent(top);
            player.open(callId);
        });
        tabs.addTab(i18n.t("desk.tab.qa"), qa);
        history = new HistoryPanel(i18n, cti, work, callId -> {
            tabs.setSelectedComponent(top);
            player.open(callId);
        });
        tabs.addTab(i18n.t("desk.tab.history"), history);
        tabs.addTab(i18n.t("desk.tab.player"), top);
        notices = new NoticesPanel(i18n, cti, work);
        tabs.addTab(i18n.t("desk.tab.notices"), notices);
        orders = new OrdersBoardPanel(i18n, cti, work);
        tabs.addTab(i18n.t("desk.tab.orders"), orders);
        suppliers = new SuppliersPanel(i18n, cti, work);
        tabs.addTab(SuppliersTexts.t(i18n, "desk.tab.suppliers"), suppliers);
        reports = new ReportsPanel(i18n, cti, work); // issue 22: the district's figures
        tabs.addTab(i18n.t("desk.tab.reports"), reports);
        devices = new DevicesPanel(i18n, cti, work); // issue 24: terminals, their tests, the 驿站 register
        tabs.addTab(i18n.t("desk.tab.devices"), devices);
        frame.getContentPane().add(tabs, BorderLayout.CENTER);
        frame.setPreferredSize(new Dimension(1100, 640));
        frame.pack();
        frame.setDefaultCloseOperation(JFrame.HIDE_ON_CLOSE);
    }

    /** Issue 21: not null for a dispatcher's desk, which shows only the orders board (the rest is the supervisors'). */
    private volatile boolean ordersOnly;

    /** A dispatcher's desk: the orders board alone, titled as the dispatch desk. */
    SupervisorDesk ordersOnly(I18n i18n) {
        ordersOnly = true;
        tabs.removeAll();
        tabs.addTab(i18n.t("desk.tab.orders"), orders);
        tabs.addTab(SuppliersTexts.t(i18n, "desk.tab.suppliers"), suppliers);
        frame.setTitle(i18n.t("desk.dispatchTitle"));
        return this;
    }

    void open() {
        frame.setVisible(true);
        frame.toFront();
    }

    /** From the CTI client's thread: what the desk shows; hops to the Swing thread. */
    void event(CtiEvent ev) {
        if (ordersOnly) {
            if (ev instanceof CtiEvent.Hello || ev.json().path("type").asText().startsWith("order.")) {
                orders.changed();
                suppliers.changed();
            }
            return;
        }
        if (ev instanceof CtiEvent.Hello) {
            alerts.reload(); // every (re)connect: what was raised while away
            board.reload();
            qa.reload();
            notices.reload();
            orders.reload();
            devices.reload();
            devices.stations.reload();
            return;
        }
        String type = ev.json().path("type").asText();
        if (type.equals("alert.raised") || type.equals("alert.ack")) {
            JsonNode a = ev.json().path("alert");
            javax.swing.SwingUtilities.invokeLater(() -> alerts.event(type, a));
        }
        if (type.startsWith("notice.") || type.equals("agent.state") || type.equals("qa.scored")) {
            notices.changed();
        }
        if (ev instanceof CtiEvent.IncidentChanged) {
            board.changed();
        }
        if (type.startsWith("order.")) {
            orders.changed();
            suppliers.changed();
        }
        if (type.startsWith("device.")) {
            devices.changed();
        }
    }

    void close() {
        player.stop();
        board.close();
        orders.close();
        devices.close();
        suppliers.close();
        work.shutdownNow();
        frame.dispose();
    }
}
