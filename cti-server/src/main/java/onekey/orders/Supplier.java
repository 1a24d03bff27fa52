package onekey.orders;

import java.time.LocalTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A supplier of life services (issue 21): what it serves ({@code categories}, from orders.categories), where (the
 * sub-districts it covers and/or a radius around its WGS-84 position), when ({@link Hours}), how it is reached (its
 * phones, or its own system through a signed webhook), its contract and licence dates, its state, and the scorecard
 * its orders keep.
 */
public record Supplier(long id, String name, List<String> categories, List<String> phones, Double lat, Double lon,
                       Double radiusKm, List<String> subDistricts, String hours, String contractUntil, String licenceUntil,
                       State state, Via via, String webhookUrl, String webhookKey, Scorecard scorecard, long createdAt,
                       long updatedAt) {

    /** 准入 / 暂停 / 终止: only an admitted supplier is matched. */
    public enum State {
        ADMITTED, SUSPENDED, ENDED;

        public String wire() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static State of(String wire) {
            return valueOf(wire.trim().toUpperCase(Locale.ROOT));
        }
    }

    /** How an offer reaches it: a voice call to its first phone, or its own system (a signed webhook). */
    public enum Via {
        VOICE, WEBHOOK;

        public String wire() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Via of(String wire) {
            return valueOf(wire.trim().toUpperCase(Locale.ROOT));
        }
    }

    /**
     * What its orders say of it (服务质量、价格合理度、客户满意度、投诉率, plus on-time and orders done): sums of the
     * elders' 1-5 ratings over {@code callbacks}.
     */
    public record Scorecard(int ordersDone, int callbacks, int qualitySum, int priceSum, int satisfactionSum,
                            int complaints, int onTime) {
        public static final Scorecard EMPTY = new Scorecard(0, 0, 0, 0, 0, 0, 0);
        /** The score of a supplier no elder has rated yet: in the middle, so it neither leads nor trails. */
        public static final double UNRATED = 60.0;

        private Double avg(int sum) {
            return callbacks == 0 ? null : Math.round(sum * 100.0 / callbacks) / 100.0;
        }

        public Double quality() {
            return avg(qualitySum);
        }

        public Double price() {
            return avg(priceSum);
        }

        public Double satisfaction() {
            return avg(satisfactionSum);
        }

        /** Complaints per callback heard (0..1); null before the first. */
        public Double complaintRate() {
            return callbacks == 0 ? null : Math.round(complaints * 1000.0 / callbacks) / 1000.0;
        }

        public Double onTimeRate() {
            return ordersDone == 0 ? null : Math.round(onTime * 1000.0 / ordersDone) / 1000.0;
        }

        /**
         * 0..100, "优质优先": the mean of quality, price fairness and satisfaction (each 1-5) as a percentage, times the
         * share of callbacks without a complaint; {@link #UNRATED} before the first callback.
         */
        public double score() {
            if (callbacks == 0) {
                return UNRATED;
            }
            double mean = (qualitySum + priceSum + satisfactionSum) / (3.0 * callbacks); // 1..5
            double s = mean / 5 * 100 * (1 - (double) complaints / callbacks);
            return Math.round(s * 10) / 10.0;
        }

        public Map<String, Object> shape() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("ordersDone", ordersDone);
            m.put("callbacks", callbacks);
            m.put("quality", quality());
            m.put("price", price());
            m.put("satisfaction", satisfaction());
            m.put("complaints", complaints);
            m.put("complaintRate", complaintRate());
            m.put("onTimeRate", onTimeRate());
            m.put("score", score());
            return m;
        }
    }

    /** Opening hours: "08:00-20:00", several joined by commas ("08:00-11:30,13:00-18:00"); empty: always open. */
    public record Hours(List<LocalTime[]> spans) {
        public static Hours parse(String s) {
            List<LocalTime[]> spans = new ArrayList<>();
            if (s != null && !s.isBlank()) {
                for (String part : s.split(",")) {
                    String[] ft = part.trim().split("-");
                    if (ft.length != 2) {
                        throw new IllegalArgumentException("hours: expected HH:MM-HH:MM[,HH:MM-HH:MM…], got '" + s + "'");
                    }
                    try {
                        spans.add(new LocalTime[] {LocalTime.parse(ft[0].trim()), LocalTime.parse(ft[1].trim())});
                    } catch (java.time.format.DateTimeParseException e) {
                        throw new IllegalArgumentException("hours: expected HH:MM-HH:MM[,HH:MM-HH:MM…], got '" + s + "'");
                    }
                }
            }
            return new Hours(spans);
        }

        /** Open at {@code t}; a span whose end is before its start runs over midnight (22:00-06:00). */
        public boolean open(LocalTime t) {
            if (spans.isEmpty()) {
                return true;
            }
            for (LocalTime[] s : spans) {
                boolean in = s[0].isBefore(s[1]) ? !t.isBefore(s[0]) && t.isBefore(s[1])
                        : !t.isBefore(s[0]) || t.isBefore(s[1]);
                if (in) {
                    return true;
                }
            }
            return false;
        }
    }

    public boolean located() {
        return lat != null && lon != null;
    }

    /** The wire shape (docs/api.md); the webhook key is never shown, only whether one is set. */
    public Map<String, Object> shape() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", id);
        m.put("name", name);
        m.put("categories", categories);
        m.put("phones", phones);
        m.put("lat", lat);
        m.put("lon", lon);
        m.put("radiusKm", radiusKm);
        m.put("subDistricts", subDistricts);
        m.put("hours", hours == null ? "" : hours);
        m.put("contractUntil", contractUntil);
        m.put("licenceUntil", licenceUntil);
        m.put("state", state.wire());
        m.put("dispatch", via.wire());
        m.put("webhookUrl", webhookUrl);
        m.put("webhookKeySet", webhookKey != null && !webhookKey.isEmpty());
        m.put("scorecard", scorecard.shape());
        m.put("createdAt", createdAt);
        m.put("updatedAt", updatedAt);
        return m;
    }
}
