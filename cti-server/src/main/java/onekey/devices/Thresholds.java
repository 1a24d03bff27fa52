package onekey.devices;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The ranges a health reading must stay in (issue 24: "health devices whose readings go abnormal start help"). The
 * centre's defaults here; an elder's own ranges (a doctor's) override them key by key.
 */
public record Thresholds(Map<String, double[]> ranges) {

    /** Heart rate (bpm), SpO₂ (%), blood pressure (mmHg), body temperature (°C). */
    public static final Thresholds DEFAULT = new Thresholds(Map.of(
            "heartRate", new double[] {40, 130},
            "spo2", new double[] {90, 100},
            "systolic", new double[] {90, 180},
            "diastolic", new double[] {50, 110},
            "temperature", new double[] {35.0, 38.5}));

    /** These ranges with {@code own} over them, reading by reading. */
    public Thresholds with(Map<String, double[]> own) {
        if (own.isEmpty()) {
            return this;
        }
        Map<String, double[]> m = new java.util.HashMap<>(ranges);
        m.putAll(own);
        return new Thresholds(Map.copyOf(m));
    }

    /** The readings outside their range, as "name=value (min–max)"; readings with no range are not judged. */
    public List<String> outside(Map<String, Double> readings) {
        List<String> out = new ArrayList<>();
        for (Map.Entry<String, Double> r : new LinkedHashMap<>(readings).entrySet()) {
            double[] range = ranges.get(r.getKey());
            if (range != null && r.getValue() != null && (r.getValue() < range[0] || r.getValue() > range[1])) {
                out.add(r.getKey() + "=" + fmt(r.getValue()) + " (" + fmt(range[0]) + "-" + fmt(range[1]) + ")");
            }
        }
        return out;
    }

    private static String fmt(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }
}
