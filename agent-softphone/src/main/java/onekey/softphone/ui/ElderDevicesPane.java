package onekey.softphone.ui;

import com.fasterxml.jackson.databind.JsonNode;
import java.awt.BorderLayout;
import java.awt.FlowLayout;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import javax.swing.BorderFactory;
import javax.swing.DefaultListModel;
import javax.swing.JButton;
import javax.swing.JLabel;
import javax.swing.JList;
import javax.swing.JPanel;
import javax.swing.JScrollPane;
import javax.swing.JTextField;
import javax.swing.ListSelectionModel;
import javax.swing.Timer;

/**
 * The elder's terminals in the pop (issue 24): each with its kind, serial, last test and test mode, from
 * {@code GET /api/devices?elderId=}; 测试模式 N 分钟 (Ctrl+T) on the selected one (or the only one) as
 * {@code PUT /api/devices/{id}/test-mode}, so the seat helping a 驿站 worker on the phone sets it and hears the result:
 * while a terminal is in test mode the list is read again every 5 s, and the test the worker's press recorded shows.
 * Any role may set test mode (docs/api.md). All on the EDT; the requests go through {@link Submit}.
 */
final class ElderDevicesPane {

    /** What the pane asks of the softphone (off the EDT; it answers with {@link #loaded}, {@link #testModeSet}, {@link #failed}). */
    interface Submit {
        void load(long elderId);

        void testMode(long deviceId, int minutes);
    }

    private static final DateTimeFormatter HM = DateTimeFormatter.ofPattern("HH:mm").withZone(ZoneId.systemDefault());

    final JPanel panel = new JPanel(new BorderLayout(4, 2));
    final DefaultListModel<String> model = new DefaultListModel<>();
    final JList<String> list = new JList<>(model);
    final JTextField minutes = new JTextField("30", 3);
    final JButton testMode = new JButton();
    final JLabel status = new JLabel(" ");
    private final JLabel minutesLabel = new JLabel();
    private final I18n i18n;
    private final List<JsonNode> devices = new ArrayList<>();
    private final Timer poll;
    private Submit submit;
    private long elderId = -1;

    ElderDevicesPane(I18n i18n) {
        this.i18n = i18n;
        panel.setName("elderDevices");
        list.setName("elderDevicesList");
        list.setVisibleRowCount(3);
        list.setSelectionMode(ListSelectionModel.SINGLE_SELECTION);
        minutes.setName("elderDevicesMinutes");
        testMode.setName("elderDevicesTestMode");
        status.setName("elderDevicesStatus");
        JPanel row = new JPanel(new FlowLayout(FlowLayout.LEFT, 4, 0));
        row.add(minutesLabel);
        row.add(minutes);
        row.add(testMode);
        row.add(status);
        panel.add(new JScrollPane(list), BorderLayout.CENTER);
        panel.add(row, BorderLayout.SOUTH);
        testMode.addActionListener(e -> testMode());
        poll = new Timer(5000, e -> {
            if (elderId > 0 && submit != null && panel.isShowing() && anyInTestMode()) {
                submit.load(elderId);
            }
        });
        relabel();
        panel.setVisible(false);
    }

    void relabel() {
        panel.setBorder(BorderFactory.createTitledBorder(i18n.t("ed.title")));
        minutesLabel.setText(i18n.t("dv.minutes"));
        testMode.setText(i18n.t("ed.testMode"));
        fill();
    }

    void onSubmit(Submit s) {
        this.submit = s;
    }

    /** A registered elder's pop: the elder's terminals are read. */
    void show(long elderId) {
        this.elderId = elderId;
        devices.clear();
        model.clear();
        status.setText(" ");
        panel.setVisible(true);
        poll.start();
        if (submit != null) {
            submit.load(elderId);
        }
    }

    void hide() {
        panel.setVisible(false);
        poll.stop();
        elderId = -1;
        devices.clear();
        model.clear();
    }

    /** The elder's terminals as the server has them now (a list for another elder is dropped). */
    void loaded(long forElder, JsonNode list) {
        if (forElder != elderId) {
            return;
        }
        int sel = this.list.getSelectedIndex();
        devices.clear();
        list.forEach(devices::add);
        fill();
        if (sel >= 0 && sel < devices.size()) {
            this.list.setSelectedIndex(sel);
        }
    }

    private void fill() {
        model.clear();
        if (elderId > 0 && devices.isEmpty()) {
            model.addElement(i18n.t("ed.none"));
        }
        long now = System.currentTimeMillis();
        for (JsonNode d : devices) {
            StringBuilder b = new StringBuilder("#").append(d.path("id").asLong()).append(' ')
                    .append(DeviceForm.kindName(i18n, d.path("kind").asText())).append(' ').append(d.path("serial").asText())
                    .append(" · ").append(i18n.t("dv.col.lastTest")).append(' ').append(DevicesPanel.lastTest(i18n, d));
            if (d.path("testModeUntil").isNumber() && d.path("testModeUntil").asLong() > now) {
                b.append(" · ").append(String.format(i18n.t("dv.until"), HM.format(Instant.ofEpochMilli(
                        d.path("testModeUntil").asLong()))));
            }
            model.addElement(b.toString());
        }
    }

    private boolean anyInTestMode() {
        long now = System.currentTimeMillis();
        return devices.stream().anyMatch(d -> d.path("testModeUntil").isNumber() && d.path("testModeUntil").asLong() > now);
    }

    /** 测试模式 N 分钟 (Ctrl+T): on the selected terminal, or the only one. */
    void testMode() {
        if (elderId < 0 || submit == null) {
            return;
        }
        int i = list.getSelectedIndex();
        if (i < 0 && devices.size() == 1) {
            i = 0;
        }
        if (i < 0 || i >= devices.size()) {
            status.setText(i18n.t(devices.isEmpty() ? "ed.none" : "ed.choose"));
            return;
        }
        String t = minutes.getText().trim();
        if (!t.matches("\\d{1,4}") || Integer.parseInt(t) < 1 || Integer.parseInt(t) > 1440) {
            status.setText(i18n.t("dv.minutesBad"));
            return;
        }
        status.setText(i18n.t("ed.setting"));
        submit.testMode(devices.get(i).path("id").asLong(), Integer.parseInt(t));
    }

    /** Test mode set: the terminal and until when; the list read again. */
    void testModeSet(JsonNode d) {
        status.setText(d.path("testModeUntil").isNumber() ? String.format(i18n.t("dv.testModeSet"), d.path("id").asLong(),
                HM.format(Instant.ofEpochMilli(d.path("testModeUntil").asLong())))
                : String.format(i18n.t("dv.testModeEnded"), d.path("id").asLong()));
        if (submit != null && elderId > 0) {
            submit.load(elderId);
        }
    }

    void failed(String why) {
        status.setText(why);
    }
}
