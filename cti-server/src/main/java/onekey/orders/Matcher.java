package onekey.orders;

import java.time.LocalTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import onekey.elders.Coordinates;
import onekey.elders.Place;

/**
 * Matching a need to suppliers (issue 21; the service rules: "种类匹配、就近服务、优质优先"): among the suppliers the
 * SQL prefilter found (admitted, serving the category, inside the bounding box or covering the elder's sub-district),
 * those open at the wanted time that cover the elder's place (its sub-district, or the great-circle distance within
 * their radius); nearest first (in steps of 100 m), then the best score, each with the reasons it was chosen.
 */
public final class Matcher {

    private Matcher() {
    }

    /** Ranked candidates for an elder at {@code place}, wanted at {@code wanted} (the centre's local time of day). */
    public static List<Order.Candidate> rank(List<Supplier> prefiltered, String category, Place place, LocalTime wanted) {
        List<Order.Candidate> out = new ArrayList<>();
        for (Supplier s : prefiltered) {
            if (s.state() != Supplier.State.ADMITTED || !s.categories().contains(category)) {
                continue;
            }
            Supplier.Hours hours;
            try {
                hours = Supplier.Hours.parse(s.hours());
            } catch (IllegalArgumentException e) {
                continue; // hours that cannot be read: not matched rather than matched at any time
            }
            if (!hours.open(wanted)) {
                continue;
            }
            Double km = place.located() && s.located()
                    ? Coordinates.distanceKm(place.lat(), place.lon(), s.lat(), s.lon()) : null;
            boolean bySubDistrict = place.subDistrict() != null && s.subDistricts().contains(place.subDistrict());
            boolean byRadius = km != null && s.radiusKm() != null && km <= s.radiusKm();
            if (!bySubDistrict && !byRadius) {
                continue;
            }
            double score = s.scorecard().score();
            StringBuilder why = new StringBuilder("服务类别 ").append(category);
            why.append("；营业时间 ").append(s.hours() == null || s.hours().isBlank() ? "全天" : s.hours());
            if (byRadius) {
                why.append(String.format(Locale.ROOT, "；距离 %.2f km（服务半径 %.1f km 内）", km, s.radiusKm()));
            } else if (km != null) {
                why.append(String.format(Locale.ROOT, "；距离 %.2f km", km));
            }
            if (bySubDistrict) {
                why.append("；覆盖 ").append(place.subDistrict());
            }
            why.append(String.format(Locale.ROOT, "；评分 %.1f", score));
            if (s.scorecard().callbacks() == 0) {
                why.append("（暂无评价）");
            }
            out.add(new Order.Candidate(s.id(), s.name(), km == null ? null : Math.round(km * 1000) / 1000.0, score,
                    why.toString()));
        }
        out.sort(ORDER);
        return out;
    }

    /** Nearest first in steps of 100 m (unknown distance last), then the best score, then the nearer, then the id. */
    static final Comparator<Order.Candidate> ORDER = Comparator
            .comparingLong((Order.Candidate c) -> c.distanceKm() == null ? Long.MAX_VALUE : Math.round(c.distanceKm() * 10))
            .thenComparing(Comparator.comparingDouble(Order.Candidate::score).reversed())
            .thenComparingDouble(c -> c.distanceKm() == null ? Double.MAX_VALUE : c.distanceKm())
            .thenComparingLong(Order.Candidate::supplierId);
}
