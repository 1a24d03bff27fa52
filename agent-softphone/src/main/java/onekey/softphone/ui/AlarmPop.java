package onekey.softphone.ui;

import com.fasterxml.jackson.databind.JsonNode;
import java.awt.BorderLayout;
import java.awt.event.KeyEvent;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.swing.BorderFactory;
import javax.swing.JComponent;
import javax.swing.JDialog;
import javax.swing.JFrame;
import javax.swing.JLabel;
import javax.swing.JTextArea;
import javax.swing.KeyStroke;
import org.mapsforge.core.model.LatLong;

/**
 * The pop of an alarm without a voice ({@code device.alarm}, issue 24), at SOS priority: what the device reported, the
 * elder and where — the home, the GPS fix with its age and accuracy, the access notes to read to 120, the nearest open
 * 驿站 with its distance and phone (green on the map) — and the offline
 * map of the district when one is configured ({@code --map FILE}, or {@code ONEKEY_MAP}). Esc closes it; the incident
 * it opened is in the incident panel as any other.
 */
final class AlarmPop {
    private AlarmPop() {
    }

    /** The map file configured for this seat, or null. */
    static Path mapFile() {
        String p = System.getProperty("onekey.map", System.getenv("ONEKEY_MAP"));
        if (p == null || p.isBlank()) {
            return null;
        }
        Path f = Path.of(p);
        return Files.isReadable(f) ? f : null;
    }

    /** The pop's text (Chinese first, the wire values as they come). */
    static String text(JsonNode j) {
        JsonNode alarm = j.path("alarm");
        JsonNode dev = j.path("device");
        JsonNode elder = j.path("elder");
        JsonNode fix = elder.path("fix");
        StringBuilder sb = new StringBuilder();
        sb.append("【SOS】设备报警 ").append(alarm.path("kind").asText("?")).append(" — ").append(dev.path("kind").asText(""))
                .append(' ').append(dev.path("serial").asText("")).append('\n');
        sb.append("老人：").append(elder.path("name").asText("?")).append("　").append(elder.path("address").asText(""))
                .append('\n');
        if (!elder.path("landmarks").asText("").isBlank()) {
            sb.append("进门路线：").append(elder.path("landmarks").asText()).append('\n');
        }
        if (fix.isObject()) {
            sb.append(String.format("定位：%.5f, %.5f", fix.path("lat").asDouble(), fix.path("lon").asDouble()));
            if (fix.path("accuracyM").isNumber()) {
                sb.append(String.format("　精度 ±%.0f 米", fix.path("accuracyM").asDouble()));
            }
            sb.append("　").append(fix.path("ageSeconds").asLong()).append(" 秒前");
            if (fix.path("fromHomeMeters").isNumber()) {
                sb.append("　距家 ").append(fix.path("fromHomeMeters").asLong()).append(" 米");
            }
            sb.append('\n');
        } else {
            sb.append("定位：无（显示住址）\n");
        }
        JsonNode st = elder.path("station");
        if (st.isObject()) {
            sb.append("最近驿站：").append(st.path("name").asText("?")).append(st.path("open").asBoolean() ? "（开放中）" : "（已关门）")
                    .append("　距").append("fix".equals(st.path("from").asText()) ? "定位 " : "家 ")
                    .append(st.path("meters").asLong()).append(" 米　电话 ").append(st.path("phone").asText(""))
                    .append("　").append(st.path("address").asText(""));
            if (!st.path("staff").asText("").isBlank()) {
                sb.append("　值班：").append(st.path("staff").asText());
            }
            sb.append('\n');
        } else {
            sb.append("最近驿站：未登记\n");
        }
        sb.append("事件 #").append(j.path("incident").path("id").asText("?")).append("：已呼叫老人，无应答将启动无响应救援\n");
        sb.append(alarm.path("detail").asText(""));
        return sb.toString();
    }

    /** Opens the pop over {@code owner}; returns the dialog (the map's renderer stops when it is closed). */
    static JDialog show(JFrame owner, JsonNode j) {
        JDialog d = new JDialog(owner, "设备报警 Device alarm", false);
        d.setName("alarmPop");
        JTextArea t = new JTextArea(text(j));
        t.setName("alarmText");
        t.setEditable(false);
        t.setLineWrap(true);
        t.setBorder(BorderFactory.createEmptyBorder(8, 8, 8, 8));
        d.getContentPane().add(t, BorderLayout.NORTH);
        AlarmMap[] map = new AlarmMap[1];
        JsonNode elder = j.path("elder");
        LatLong home = elder.path("home").isObject()
                ? new LatLong(elder.path("home").path("lat").asDouble(), elder.path("home").path("lon").asDouble()) : null;
        JsonNode f = elder.path("fix");
        LatLong fix = f.isObject() ? new LatLong(f.path("lat").asDouble(), f.path("lon").asDouble()) : null;
        JsonNode st = elder.path("station");
        LatLong station = st.isObject() ? new LatLong(st.path("lat").asDouble(), st.path("lon").asDouble()) : null;
        Path file = mapFile();
        if (file != null && (home != null || fix != null)) {
            try {
                map[0] = new AlarmMap(file, home, fix, f.path("accuracyM").isNumber() ? f.path("accuracyM").asDouble() : null,
                        station);
                d.getContentPane().add(map[0], BorderLayout.CENTER);
                JLabel note = new JLabel("地图数据 / map data: " + map[0].attribution());
                note.setBorder(BorderFactory.createEmptyBorder(2, 8, 4, 8));
                d.getContentPane().add(note, BorderLayout.SOUTH);
            } catch (Exception e) {
                d.getContentPane().add(new JLabel("离线地图无法打开：" + e.getMessage()), BorderLayout.CENTER);
            }
        } else {
            d.getContentPane().add(new JLabel(file == null ? "未配置离线地图（--map FILE）" : "没有位置可显示"),
                    BorderLayout.CENTER);
        }
        d.getRootPane().registerKeyboardAction(e -> d.dispose(), KeyStroke.getKeyStroke(KeyEvent.VK_ESCAPE, 0),
                JComponent.WHEN_IN_FOCUSED_WINDOW);
        d.addWindowListener(new java.awt.event.WindowAdapter() {
            @Override
            public void windowClosed(java.awt.event.WindowEvent e) {
                if (map[0] != null) {
                    map[0].dispose();
                }
            }
        });
        d.setDefaultCloseOperation(JDialog.DISPOSE_ON_CLOSE);
        d.pack();
        d.setLocationRelativeTo(owner);
        d.setVisible(true);
        return d;
    }
}
