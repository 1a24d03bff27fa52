package onekey.softphone.ui;

import java.awt.BorderLayout;
import java.awt.Dimension;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.swing.JPanel;
import org.mapsforge.core.graphics.GraphicFactory;
import org.mapsforge.core.graphics.Paint;
import org.mapsforge.core.graphics.Style;
import org.mapsforge.core.model.LatLong;
import org.mapsforge.core.model.Point;
import org.mapsforge.map.awt.graphics.AwtGraphicFactory;
import org.mapsforge.map.awt.util.AwtUtil;
import org.mapsforge.map.awt.view.MapView;
import org.mapsforge.map.layer.cache.TileCache;
import org.mapsforge.map.layer.overlay.Circle;
import org.mapsforge.map.layer.overlay.FixedPixelCircle;
import org.mapsforge.map.layer.renderer.TileRendererLayer;
import org.mapsforge.map.reader.MapFile;
import org.mapsforge.map.rendertheme.internal.MapsforgeThemes;

/**
 * The offline map of an alarm's pop (issue 24): the district's Mapsforge {@code .map} file (made by {@code ./onekey map}
 * from an OpenStreetMap extract) rendered here with Mapsforge's AWT renderer, no network: the elder's home (a red dot),
 * the device's GPS fix (a blue dot inside a circle of its accuracy), the nearest 驿站 (a green dot), centred on the fix,
 * else on the home. Coordinates
 * are WGS-84 as the server stores them (GCJ-02/BD-09 were converted before they were stored).
 */
public final class AlarmMap extends JPanel {
    /** The home marker's colour (ARGB): a window test looks for it at the home's pixel. */
    public static final int HOME_RGB = 0xFFE01010;
    public static final int FIX_RGB = 0xFF1060E0;
    /** The nearest 驿站's marker (ARGB). */
    public static final int STATION_RGB = 0xFF10A040;
    private static final GraphicFactory GF = AwtGraphicFactory.INSTANCE;

    private final MapView view = new MapView();
    private final TileRendererLayer tiles;
    private final LatLong home;
    private final LatLong station;
    private final Path cacheDir;

    /** {@code home}, {@code fix} may be null (not known); {@code accuracyM} null: no circle. */
    public AlarmMap(Path mapFile, LatLong home, LatLong fix, Double accuracyM) throws IOException {
        this(mapFile, home, fix, accuracyM, null);
    }

    /** As above, with the nearest 驿站 ({@code station} null: none known). */
    public AlarmMap(Path mapFile, LatLong home, LatLong fix, Double accuracyM, LatLong station) throws IOException {
        super(new BorderLayout());
        this.home = home;
        this.station = station;
        this.cacheDir = Files.createTempDirectory("okmaptiles");
        TileCache cache = AwtUtil.createTileCache(view.getModel().displayModel.getTileSize(),
                view.getModel().frameBufferModel.getOverdrawFactor(), 256, cacheDir.toFile());
        tiles = new TileRendererLayer(cache, new MapFile(new File(mapFile.toString())), view.getModel().mapViewPosition,
                false, true, false, GF);
        tiles.setXmlRenderTheme(MapsforgeThemes.DEFAULT);
        view.getLayerManager().getLayers().add(tiles);
        if (fix != null && accuracyM != null && accuracyM > 0) {
            view.getLayerManager().getLayers().add(new Circle(fix, accuracyM.floatValue(), paint(0x401060E0, Style.FILL),
                    paint(FIX_RGB, Style.STROKE)));
        }
        if (station != null) {
            view.getLayerManager().getLayers().add(new FixedPixelCircle(station, 8, paint(STATION_RGB, Style.FILL),
                    paint(0xFFFFFFFF, Style.STROKE)));
        }
        if (home != null) {
            view.getLayerManager().getLayers().add(new FixedPixelCircle(home, 9, paint(HOME_RGB, Style.FILL),
                    paint(0xFFFFFFFF, Style.STROKE)));
        }
        if (fix != null) {
            view.getLayerManager().getLayers().add(new FixedPixelCircle(fix, 7, paint(FIX_RGB, Style.FILL),
                    paint(0xFFFFFFFF, Style.STROKE)));
        }
        LatLong centre = fix != null ? fix : home != null ? home : tiles.getMapDataStore().boundingBox().getCenterPoint();
        view.getModel().mapViewPosition.setMapPosition(new org.mapsforge.core.model.MapPosition(centre, (byte) 16));
        view.setPreferredSize(new Dimension(560, 380));
        add(view, BorderLayout.CENTER);
        // the layers drawn again once the map is on screen and whenever its size changes: a frame drawn while the window
        // was still being laid out showed the streets without the markers (the home's pixel the map's background) and
        // the renderer, idle, never drew another (AlarmMapWindowTest, twice in a day's fresh clones)
        view.addHierarchyListener(e -> {
            if ((e.getChangeFlags() & java.awt.event.HierarchyEvent.SHOWING_CHANGED) != 0 && view.isShowing()) {
                view.getLayerManager().redrawLayers();
            }
        });
        view.addComponentListener(new java.awt.event.ComponentAdapter() {
            @Override
            public void componentResized(java.awt.event.ComponentEvent e) {
                view.getLayerManager().redrawLayers();
            }
        });
    }

    private static Paint paint(int argb, Style style) {
        Paint p = GF.createPaint();
        p.setColor(argb);
        p.setStyle(style);
        p.setStrokeWidth(2);
        return p;
    }

    /** Where the home is drawn, in this component's pixels (null: no home, or the view is not laid out yet). */
    public java.awt.Point homePixel() {
        return pixel(home);
    }

    /** Where the 驿站 is drawn, in this component's pixels (null: none, or not laid out yet). */
    public java.awt.Point stationPixel() {
        return pixel(station);
    }

    private java.awt.Point pixel(LatLong at) {
        if (at == null || view.getWidth() == 0) {
            return null;
        }
        Point p = view.getMapViewProjection().toPixels(at);
        return p == null ? null : javax.swing.SwingUtilities.convertPoint(view, (int) Math.round(p.x),
                (int) Math.round(p.y), this);
    }

    /** The map data's own note (the writer's comment: "(c) OpenStreetMap contributors" or what it was made of). */
    public String attribution() {
        String c = ((MapFile) tiles.getMapDataStore()).getMapFileInfo().comment;
        return c == null ? "" : c;
    }

    /** Stops the renderer's threads and removes the tile cache. */
    public void dispose() {
        view.destroyAll();
        try (var s = Files.walk(cacheDir)) {
            s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temporary folder left behind
        }
    }
}
