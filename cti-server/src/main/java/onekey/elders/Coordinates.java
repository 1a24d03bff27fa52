package onekey.elders;

/**
 * Conversions between the coordinate frames an elder's position may arrive in. OneKey stores and draws WGS-84
 * (GPS, OpenStreetMap); Chinese map services publish GCJ-02 (国测局, AMap/Tencent) or BD-09 (Baidu), which are
 * WGS-84 shifted by a published, deliberately non-linear offset of up to a few hundred metres. Outside mainland
 * China GCJ-02 equals WGS-84. GCJ-02 to WGS-84 has no closed form: it is inverted by fixed-point iteration to well
 * under a metre.
 */
public final class Coordinates {

    /** The frame a pair of coordinates is given in. */
    public enum Frame {
        WGS84, GCJ02, BD09;

        /** "wgs84", "gcj02", "bd09" (case-insensitive); null or blank is WGS-84. */
        public static Frame parse(String s) {
            if (s == null || s.isBlank()) {
                return WGS84;
            }
            return switch (s.trim().toLowerCase(java.util.Locale.ROOT).replace("-", "")) {
                case "wgs84" -> WGS84;
                case "gcj02" -> GCJ02;
                case "bd09" -> BD09;
                default -> throw new IllegalArgumentException("coordinate frame must be wgs84, gcj02 or bd09");
            };
        }
    }

    /** A position in degrees. */
    public record LatLon(double lat, double lon) {}

    private static final double A = 6378245.0;              // Krasovsky 1940 semi-major axis, as GCJ-02 uses
    private static final double EE = 0.00669342162296594323; // its first eccentricity squared
    private static final double X_PI = Math.PI * 3000.0 / 180.0;

    private Coordinates() {
    }

    /** {@code lat, lon} in {@code frame} as WGS-84. */
    public static LatLon toWgs84(double lat, double lon, Frame frame) {
        return switch (frame) {
            case WGS84 -> new LatLon(lat, lon);
            case GCJ02 -> gcj02ToWgs84(lat, lon);
            case BD09 -> {
                LatLon g = bd09ToGcj02(lat, lon);
                yield gcj02ToWgs84(g.lat(), g.lon());
            }
        };
    }

    /** WGS-84 to GCJ-02 (the published forward transform); unchanged outside mainland China. */
    public static LatLon wgs84ToGcj02(double lat, double lon) {
        if (outOfChina(lat, lon)) {
            return new LatLon(lat, lon);
        }
        double dLat = transformLat(lon - 105.0, lat - 35.0);
        double dLon = transformLon(lon - 105.0, lat - 35.0);
        double radLat = lat / 180.0 * Math.PI;
        double magic = Math.sin(radLat);
        magic = 1 - EE * magic * magic;
        double sqrtMagic = Math.sqrt(magic);
        dLat = (dLat * 180.0) / ((A * (1 - EE)) / (magic * sqrtMagic) * Math.PI);
        dLon = (dLon * 180.0) / (A / sqrtMagic * Math.cos(radLat) * Math.PI);
        return new LatLon(lat + dLat, lon + dLon);
    }

    /** GCJ-02 to WGS-84 by iterating the forward transform until it lands within ~1e-9 degrees. */
    public static LatLon gcj02ToWgs84(double lat, double lon) {
        if (outOfChina(lat, lon)) {
            return new LatLon(lat, lon);
        }
        double wLat = lat;
        double wLon = lon;
        for (int i = 0; i < 30; i++) {
            LatLon g = wgs84ToGcj02(wLat, wLon);
            double eLat = g.lat() - lat;
            double eLon = g.lon() - lon;
            wLat -= eLat;
            wLon -= eLon;
            if (Math.abs(eLat) < 1e-9 && Math.abs(eLon) < 1e-9) {
                break;
            }
        }
        return new LatLon(wLat, wLon);
    }

    /** BD-09 to GCJ-02 (Baidu's published inverse). */
    public static LatLon bd09ToGcj02(double lat, double lon) {
        double x = lon - 0.0065;
        double y = lat - 0.006;
        double z = Math.sqrt(x * x + y * y) - 0.00002 * Math.sin(y * X_PI);
        double theta = Math.atan2(y, x) - 0.000003 * Math.cos(x * X_PI);
        return new LatLon(z * Math.sin(theta), z * Math.cos(theta));
    }

    /** Great-circle distance in kilometres on a sphere of the mean Earth radius (haversine). */
    public static double distanceKm(double lat1, double lon1, double lat2, double lon2) {
        double p1 = Math.toRadians(lat1);
        double p2 = Math.toRadians(lat2);
        double dp = p2 - p1;
        double dl = Math.toRadians(lon2 - lon1);
        double h = Math.sin(dp / 2) * Math.sin(dp / 2) + Math.cos(p1) * Math.cos(p2) * Math.sin(dl / 2) * Math.sin(dl / 2);
        return 2 * 6371.0088 * Math.asin(Math.min(1, Math.sqrt(h)));
    }

    private static boolean outOfChina(double lat, double lon) {
        return lon < 72.004 || lon > 137.8347 || lat < 0.8293 || lat > 55.8271;
    }

    private static double transformLat(double x, double y) {
        double r = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * Math.sqrt(Math.abs(x));
        r += (20.0 * Math.sin(6.0 * x * Math.PI) + 20.0 * Math.sin(2.0 * x * Math.PI)) * 2.0 / 3.0;
        r += (20.0 * Math.sin(y * Math.PI) + 40.0 * Math.sin(y / 3.0 * Math.PI)) * 2.0 / 3.0;
        r += (160.0 * Math.sin(y / 12.0 * Math.PI) + 320 * Math.sin(y * Math.PI / 30.0)) * 2.0 / 3.0;
        return r;
    }

    private static double transformLon(double x, double y) {
        double r = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * Math.sqrt(Math.abs(x));
        r += (20.0 * Math.sin(6.0 * x * Math.PI) + 20.0 * Math.sin(2.0 * x * Math.PI)) * 2.0 / 3.0;
        r += (20.0 * Math.sin(x * Math.PI) + 40.0 * Math.sin(x / 3.0 * Math.PI)) * 2.0 / 3.0;
        r += (150.0 * Math.sin(x / 12.0 * Math.PI) + 300.0 * Math.sin(x / 30.0 * Math.PI)) * 2.0 / 3.0;
        return r;
    }
}
