package onekey.softphone.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * Issue 24 item 5: the alarm pop's offline map. The demo district's {@code .map} is made as an operator makes one
 * ({@code ./onekey map}: osmium, osmosis and Debian's Mapsforge writer; from the repository's synthetic demo streets,
 * there being no OpenStreetMap extract of Shanghai on this machine), rendered by Mapsforge in a real window on a private
 * Xvfb display; the screen's pixels show the streets and the home marker where the home is. The PNG is kept in
 * target/ (the README's screenshot is one of these).
 */
class AlarmMapWindowTest {

    @Test
    void theMapIsDrawnWithTheHomeMarkerAtTheHome() throws Exception {
        Path repo = Path.of(System.getProperty("user.dir")).getParent();
        Path dir = Files.createTempDirectory("okalarmmap");
        Path map = dir.resolve("demo.map");
        Process mk = new ProcessBuilder(List.of(repo.resolve("onekey").toString(), "map",
                repo.resolve("maps/demo-district.synthetic.osm").toString(), map.toString(), "--bbox",
                "31.195,121.431,31.209,121.453", "--attribution", "synthetic demo streets, not OpenStreetMap data"))
                .redirectErrorStream(true).redirectOutput(dir.resolve("map.log").toFile()).start();
        assertTrue(mk.waitFor(120, TimeUnit.SECONDS), "./onekey map did not finish");
        assertEquals(0, mk.exitValue(), Files.readString(dir.resolve("map.log")));

        Path fd = dir.resolve("display");
        Process xvfb = new ProcessBuilder("Xvfb", "-displayfd", "1", "-screen", "0", "800x600x24", "-nolisten", "tcp")
                .redirectOutput(fd.toFile()).redirectError(dir.resolve("xvfb.err").toFile()).start();
        try {
            Awaitility.await("Xvfb display").atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50))
                    .until(() -> Files.readString(fd).trim().matches("\\d+\\s*"));
            Path png = Path.of("target", "alarm-map.png").toAbsolutePath();
            Files.createDirectories(png.getParent());
            String java = ProcessHandle.current().info().command().orElse("java");
            // 王德明's home in the demo (天平路街道), a fix 150 m away with 40 m accuracy, the demo's nearest 驿站
            ProcessBuilder pb = new ProcessBuilder(List.of(java, "-Xmx256m", "-Dfile.encoding=UTF-8",
                    "-Dsun.java2d.xrender=false", "-cp", System.getProperty("java.class.path"), AlarmMapShot.class.getName(),
                    map.toString(), png.toString(), "31.2020", "121.4420", "31.2030", "121.4431", "40", "31.2046", "121.4447"))
                    .redirectError(dir.resolve("shot.err").toFile());
            pb.environment().put("DISPLAY", ":" + Files.readString(fd).trim());
            Process shot = pb.start();
            String out = new String(shot.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(shot.waitFor(60, TimeUnit.SECONDS));
            assertEquals(0, shot.exitValue(), out + Files.readString(dir.resolve("shot.err")));
            String[] home = out.lines().filter(l -> l.startsWith("@@HOME ")).findFirst().orElseThrow().split(" ");
            int hx = Integer.parseInt(home[1]);
            int hy = Integer.parseInt(home[2]);
            BufferedImage img = ImageIO.read(png.toFile());
            assertTrue(hx > 0 && hy > 0 && hx < img.getWidth() && hy < img.getHeight(), "home inside the map: " + hx + "," + hy);
            // the home marker: red at the home's pixel
            int rgb = img.getRGB(hx, hy);
            int r = (rgb >> 16) & 0xFF;
            int g = (rgb >> 8) & 0xFF;
            int b = rgb & 0xFF;
            assertTrue(r > 180 && g < 80 && b < 80, String.format("home pixel is %06X, not the red marker; the shot said:%n%s%n%s",
                    rgb & 0xFFFFFF, out, Files.readString(dir.resolve("shot.err"))));
            // the nearest 驿站: green at its pixel, up and to the right of the home (north-east of it)
            String[] st = out.lines().filter(l -> l.startsWith("@@STATION ")).findFirst().orElseThrow().split(" ");
            int sx = Integer.parseInt(st[1]);
            int sy = Integer.parseInt(st[2]);
            assertTrue(sx > hx + 40 && sy < hy - 40 && sx < img.getWidth() && sy > 0, "station at " + sx + "," + sy
                    + ", home at " + hx + "," + hy);
            int srgb = img.getRGB(sx, sy);
            assertTrue(((srgb >> 16) & 0xFF) < 80 && ((srgb >> 8) & 0xFF) > 130 && (srgb & 0xFF) < 120,
                    String.format("station pixel is %06X, not the green marker", srgb & 0xFFFFFF));
            // the streets were drawn from the .map: white street fill away from the markers
            int streets = AlarmMapShot.streetPixels(img, hx, hy);
            assertTrue(streets >= 300, "no streets drawn (" + streets + " street pixels)");
            int corner = img.getRGB(5, 5);
            assertTrue(((corner >> 16) & 0xFF) < 200 || ((corner >> 8) & 0xFF) > 150, "a corner is not the marker");
            assertTrue(out.contains("@@ATTRIBUTION synthetic demo streets"), out);
        } finally {
            xvfb.destroy();
            deleteTree(dir);
        }
    }

    static void deleteTree(Path dir) throws IOException {
        try (var s = Files.walk(dir)) {
            s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
