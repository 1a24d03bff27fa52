package onekey.reports;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A report as computed: its name, period, grouping, the columns of its rows in order (each row also has
 * {@code key}), the rows (in key order: time, or as the query sorted them) and the total over the whole period
 * (computed over all rows, not summed from averages). Figures are longs, or null when there is nothing to
 * average.
 */
public record Report(String name, Period period, GroupBy groupBy, List<String> columns,
                     List<Map<String, Object>> rows, Map<String, Object> total) {

    /** The JSON shape: {@code {"from","to","rows":[{"key",…}],"total":{…}}} (issue 22's core names). */
    public Map<String, Object> json() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("from", period.iso(period.from()));
        m.put("to", period.iso(period.to()));
        m.put("rows", rows);
        m.put("total", total);
        return m;
    }
}
