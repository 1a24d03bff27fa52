package onekey.elders;

/**
 * Where an elder lives beyond the address text (schema version 20): the home in WGS-84 degrees, where the
 * coordinates came from, and the sub-district (街道/镇) and community (居委/村委) the district reports group by.
 * {@code lat}/{@code lon} are both set or both null. Distances, matching of suppliers and the map in the pop read
 * the coordinates; coordinates from Chinese map services (GCJ-02, BD-09) are converted to WGS-84 before they are
 * stored here.
 */
public record Place(Double lat, Double lon, String coordSource, String subDistrict, String community) {

    /** Nothing known beyond the address text. */
    public static final Place NONE = new Place(null, null, null, null, null);

    public Place {
        if ((lat == null) != (lon == null)) {
            throw new IllegalArgumentException("lat and lon go together: give both or neither");
        }
        if (lat != null && (lat.isNaN() || lat < -90 || lat > 90)) {
            throw new IllegalArgumentException("lat must be between -90 and 90 (WGS-84 degrees)");
        }
        if (lon != null && (lon.isNaN() || lon < -180 || lon > 180)) {
            throw new IllegalArgumentException("lon must be between -180 and 180 (WGS-84 degrees)");
        }
    }

    /** True when the home has coordinates. */
    public boolean located() {
        return lat != null;
    }
}
