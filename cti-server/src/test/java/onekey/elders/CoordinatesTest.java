package onekey.elders;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class CoordinatesTest {

    @Test
    void gcj02IsInvertedToWithinAMetre() {
        // a grid over Shanghai: forward then back lands where it started
        for (double lat = 30.9; lat < 31.5; lat += 0.07) {
            for (double lon = 121.1; lon < 121.9; lon += 0.09) {
                var g = Coordinates.wgs84ToGcj02(lat, lon);
                double shift = Coordinates.distanceKm(lat, lon, g.lat(), g.lon());
                assertTrue(shift > 0.2 && shift < 0.9, "GCJ-02 offset in Shanghai is a few hundred metres: " + shift);
                var back = Coordinates.gcj02ToWgs84(g.lat(), g.lon());
                assertTrue(Coordinates.distanceKm(lat, lon, back.lat(), back.lon()) < 0.001,
                        "round trip at " + lat + "," + lon);
            }
        }
    }

    @Test
    void outsideChinaNothingIsShifted() {
        var london = Coordinates.toWgs84(51.5074, -0.1278, Coordinates.Frame.GCJ02);
        assertEquals(51.5074, london.lat(), 0);
        assertEquals(-0.1278, london.lon(), 0);
    }

    @Test
    void bd09IsFurtherShiftedThanGcj02() {
        var w = Coordinates.toWgs84(31.2077, 121.4529, Coordinates.Frame.BD09);
        var g = Coordinates.bd09ToGcj02(31.2077, 121.4529);
        // Baidu adds ~0.006 degrees in each axis on top of GCJ-02
        assertTrue(Coordinates.distanceKm(31.2077, 121.4529, g.lat(), g.lon()) > 0.6);
        assertTrue(Coordinates.distanceKm(31.2077, 121.4529, w.lat(), w.lon()) > 1.0);
    }

    @Test
    void haversineMatchesAKnownDistance() {
        // People's Square to the Oriental Pearl Tower: about 2.7 km
        double d = Coordinates.distanceKm(31.2304, 121.4737, 31.2397, 121.4998);
        assertEquals(2.68, d, 0.1);
    }

    @Test
    void framesAreParsedStrictly() {
        assertEquals(Coordinates.Frame.WGS84, Coordinates.Frame.parse(null));
        assertEquals(Coordinates.Frame.GCJ02, Coordinates.Frame.parse("GCJ-02"));
        assertThrows(IllegalArgumentException.class, () -> Coordinates.Frame.parse("mars"));
        assertThrows(IllegalArgumentException.class, () -> new Place(31.0, null, null, null, null));
    }
}
