package onekey.softphone.ui;

import java.awt.Rectangle;
import java.awt.Robot;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import javax.imageio.ImageIO;
import javax.swing.JFrame;
import javax.swing.SwingUtilities;
import org.mapsforge.core.model.LatLong;

/**
 * The alarm map in a window of its own (run by {@link AlarmMapWindowTest} on a private Xvfb display): shows it, waits
 * until the renderer has drawn the streets, takes the screen's pixels of the map with {@link Robot} and writes them as
 * a PNG; prints {@code @@HOME x y} (the home's pixel in the PNG) and {@code @@STATION x y}. Args: MAP OUT.png homeLat
 * homeLon fixLat fixLon accuracyM [stationLat stationLon].
 */
public final class AlarmMapShot {
    public static void main(String[] a) throws Exception {
        Thread.setDefaultUncaughtExceptionHandler((t, e) -> {
            System.out.println("@@UNCAUGHT " + t.getName() + " " + e);
            e.printStackTrace();
        });
        Path map = Path.of(a[0]);
        Path out = Path.of(a[1]);
        LatLong home = new LatLong(Double.parseDouble(a[2]), Double.parseDouble(a[3]));
        LatLong fix = new LatLong(Double.parseDouble(a[4]), Double.parseDouble(a[5]));
        double acc = Double.parseDouble(a[6]);
        LatLong station = a.length > 8 ? new LatLong(Double.parseDouble(a[7]), Double.parseDouble(a[8])) : null;
        AlarmMap[] m = new AlarmMap[1];
        JFrame[] f = new JFrame[1];
        SwingUtilities.invokeAndWait(() -> {
            try {
                m[0] = new AlarmMap(map, home, fix, acc, station);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            f[0] = new JFrame("设备报警 地图");
            f[0].setContentPane(m[0]);
            f[0].pack();
            // at the screen's origin: a frame placed elsewhere is moved after it is mapped, and with no window manager
            // Java's idea of where it is was once left 20 px off the X server's (1 run in 25 under load: the home's red
            // found 20 px right of and below where getLocationOnScreen put it, for the whole 30 s)
            f[0].setLocation(0, 0);
            f[0].setVisible(true);
        });
        Robot robot = new Robot();
        BufferedImage[] shot = new BufferedImage[1];
        java.awt.Point[] at = new java.awt.Point[2]; // the home and the station, in the map's pixels
        int[] before = {-1};
        try {
            // the renderer's tiles arrive on its own threads: the X server's pixels are read again until the picture
            // is drawn and the last tiles are in (the same picture twice in a row)
            org.awaitility.Awaitility.await("the map drawn and settled").atMost(java.time.Duration.ofSeconds(30))
                    .pollDelay(java.time.Duration.ofMillis(200)).pollInterval(java.time.Duration.ofMillis(200))
                    .until(() -> {
                        robot.waitForIdle();
                        java.awt.Point[] hp = new java.awt.Point[2];
                        Rectangle[] r = new Rectangle[1];
                        SwingUtilities.invokeAndWait(() -> {
                            hp[0] = m[0].homePixel();
                            hp[1] = m[0].stationPixel();
                            java.awt.Point p = m[0].getLocationOnScreen();
                            r[0] = new Rectangle(p.x, p.y, m[0].getWidth(), m[0].getHeight());
                        });
                        shot[0] = robot.createScreenCapture(r[0]);
                        at[0] = hp[0];
                        at[1] = hp[1];
                        int streets = hp[0] == null ? 0 : streetPixels(shot[0], hp[0].x, hp[0].y);
                        // the markers' layer is drawn after the tiles: a picture without the home's red (a fresh clone
                        // caught one, F8F8F8 at the home) has not settled; never red: the test judges the last picture
                        boolean marker = hp[0] != null && hp[0].x >= 0 && hp[0].y >= 0 && hp[0].x < shot[0].getWidth()
                                && hp[0].y < shot[0].getHeight() && red(shot[0].getRGB(hp[0].x, hp[0].y));
                        boolean settled = streets >= 300 && streets == before[0] && marker;
                        before[0] = streets;
                        return settled;
                    });
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            System.out.println("@@UNSETTLED " + e.getMessage()); // the last picture is written: the test judges it
            // what the renderer's threads were doing (a thread that died on an exception draws no more)
            Thread.getAllStackTraces().forEach((t, st) -> System.out.println("@@THREAD " + t.getName() + " "
                    + t.getState() + (st.length > 0 ? " at " + st[0] : "")));
            System.out.println("@@PIXELS home=" + at[0] + " station=" + at[1] + " size="
                    + (shot[0] == null ? "none" : shot[0].getWidth() + "x" + shot[0].getHeight()) + " colours="
                    + (shot[0] == null ? 0 : colours(shot[0])) + " red at " + (shot[0] == null ? "-" : redCentre(shot[0])));
        }
        java.awt.Point home0 = at[0];
        java.awt.Point station0 = at[1];
        ImageIO.write(shot[0], "png", out.toFile());
        System.out.println("@@HOME " + (home0 == null ? "-1 -1" : home0.x + " " + home0.y));
        System.out.println("@@STATION " + (station0 == null ? "-1 -1" : station0.x + " " + station0.y));
        System.out.println("@@ATTRIBUTION " + m[0].attribution());
        System.out.flush();
        SwingUtilities.invokeAndWait(() -> {
            m[0].dispose();
            f[0].dispose();
        });
        System.exit(0);
    }

    /** The home marker's red, as AlarmMapWindowTest judges it. */
    static boolean red(int rgb) {
        return ((rgb >> 16) & 0xFF) > 180 && ((rgb >> 8) & 0xFF) < 80 && (rgb & 0xFF) < 80;
    }

    /**
     * White pixels (the theme's street fill) away from the markers: the home (hx, hy), the fix at the centre, and the
     * scale bar in the lower left; 0 while the renderer has not drawn the streets yet.
     */
    static int streetPixels(BufferedImage img, int hx, int hy) {
        int n = 0;
        int cx = img.getWidth() / 2;
        int cy = img.getHeight() / 2;
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                boolean nearMarker = (x - hx) * (x - hx) + (y - hy) * (y - hy) < 25 * 25
                        || (x - cx) * (x - cx) + (y - cy) * (y - cy) < 45 * 45
                        || x < 130 && y > img.getHeight() - 50;
                if (!nearMarker && (img.getRGB(x, y) & 0xFFFFFF) == 0xFFFFFF) {
                    n++;
                }
            }
        }
        return n;
    }

    /** The centre of the picture's home-marker red (null: none): far from the home's pixel, the window is not where Java says. */
    static java.awt.Point redCentre(BufferedImage img) {
        long sx = 0;
        long sy = 0;
        int n = 0;
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                if (red(img.getRGB(x, y))) {
                    sx += x;
                    sy += y;
                    n++;
                }
            }
        }
        return n == 0 ? null : new java.awt.Point((int) (sx / n), (int) (sy / n));
    }

    static int colours(BufferedImage img) {
        Set<Integer> c = new HashSet<>();
        for (int y = 0; y < img.getHeight(); y += 3) {
            for (int x = 0; x < img.getWidth(); x += 3) {
                c.add(img.getRGB(x, y));
                if (c.size() > 50) {
                    return c.size();
                }
            }
        }
        return c.size();
    }
}
