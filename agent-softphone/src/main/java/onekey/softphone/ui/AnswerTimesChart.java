package onekey.softphone.ui;

import com.fasterxml.jackson.databind.JsonNode;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Dimension;
import java.awt.Graphics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import javax.swing.JComponent;

/**
 * The wallboard's chart (plain Swing painting): one dot per call answered today at the hour it arrived and the
 * seconds it waited (SOS red), the 15 / 60 / 180 s service levels as lines, and each hour's average as a bar.
 * Its tooltip says how many calls it shows.
 */
final class AnswerTimesChart extends JComponent {

    private static final Color SOS = new Color(0xC62828);
    private static final Color OTHER = new Color(0x1565C0);
    private static final int[] LEVELS = {15, 60, 180};
    private final I18n i18n;
    private long dayStart;
    private long[] at = new long[0];
    private long[] waitMs = new long[0];
    private boolean[] sos = new boolean[0];

    AnswerTimesChart(I18n i18n) {
        this.i18n = i18n;
        setPreferredSize(new Dimension(480, 220));
        setToolTipText("0");
    }

    void set(long dayStart, JsonNode points) {
        int n = points.size();
        long[] a = new long[n];
        long[] w = new long[n];
        boolean[] s = new boolean[n];
        for (int i = 0; i < n; i++) {
            JsonNode p = points.get(i);
            a[i] = p.path("at").asLong();
            w[i] = p.path("waitMs").asLong();
            s[i] = "sos".equals(p.path("line").asText());
        }
        this.dayStart = dayStart;
        this.at = a;
        this.waitMs = w;
        this.sos = s;
        setToolTipText(String.valueOf(n));
        repaint();
    }

    /** How many calls the chart shows. */
    int points() {
        return at.length;
    }

    @Override
    protected void paintComponent(Graphics g0) {
        Graphics2D g = (Graphics2D) g0.create();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            int w = getWidth();
            int h = getHeight();
            int left = 40;
            int bottom = 20;
            int pw = Math.max(1, w - left - 10);
            int ph = Math.max(1, h - bottom - 10);
            g.setColor(getBackground() == null ? Color.WHITE : getBackground());
            g.fillRect(0, 0, w, h);
            // the y axis: 0 … 240 s (longer waits are drawn at the top)
            double maxS = 240;
            g.setColor(Color.LIGHT_GRAY);
            g.setStroke(new BasicStroke(1, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10, new float[] {4, 4}, 0));
            for (int lv : LEVELS) {
                int y = 10 + ph - (int) (ph * lv / maxS);
                g.drawLine(left, y, left + pw, y);
                g.drawString(lv + "s", 4, y + 4);
            }
            g.setStroke(new BasicStroke(1));
            g.setColor(Color.GRAY);
            g.drawLine(left, 10 + ph, left + pw, 10 + ph);
            for (int hr = 0; hr <= 24; hr += 3) {
                int x = left + pw * hr / 24;
                g.drawString(String.valueOf(hr), x - 4, h - 4);
            }
            // each hour's average wait as a pale bar
            double[] sum = new double[24];
            int[] cnt = new int[24];
            for (int i = 0; i < at.length; i++) {
                int hr = (int) Math.min(23, Math.max(0, (at[i] - dayStart) / 3_600_000L));
                sum[hr] += waitMs[i] / 1000.0;
                cnt[hr]++;
            }
            g.setColor(new Color(0x90CAF9));
            for (int hr = 0; hr < 24; hr++) {
                if (cnt[hr] > 0) {
                    double avg = Math.min(maxS, sum[hr] / cnt[hr]);
                    int bh = (int) (ph * avg / maxS);
                    g.fillRect(left + pw * hr / 24 + 1, 10 + ph - bh, Math.max(1, pw / 24 - 2), bh);
                }
            }
            for (int i = 0; i < at.length; i++) {
                double hours = (at[i] - dayStart) / 3_600_000.0;
                int x = left + (int) (pw * Math.min(24, Math.max(0, hours)) / 24);
                int y = 10 + ph - (int) (ph * Math.min(maxS, waitMs[i] / 1000.0) / maxS);
                g.setColor(sos[i] ? SOS : OTHER);
                g.fillOval(x - 3, y - 3, 6, 6);
            }
            if (at.length == 0) {
                g.setColor(Color.GRAY);
                g.drawString(i18n.t("wb.chart") + ": 0", left + 10, 30);
            }
        } finally {
            g.dispose();
        }
    }
}
