package onekey.reports;

import java.util.Locale;

/**
 * How a report's rows are keyed (issue 22): by period (day, week, month in the centre's zone) or by an attribute of
 * the call, the elder or the incident. Not every report has every attribute; {@link ReportQueries} says which.
 */
public enum GroupBy {
    DAY, WEEK, MONTH, LINE, CATEGORY, SUB_DISTRICT, CARE_LEVEL, AGENT, OUTCOME, REASON, KIND, NONE;

    public boolean time() {
        return this == DAY || this == WEEK || this == MONTH;
    }

    public String wire() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** "sub-district", "subDistrict", "sub_district" … ; null or blank: {@code def}. */
    public static GroupBy parse(String s, GroupBy def) {
        if (s == null || s.isBlank()) {
            return def;
        }
        String n = s.trim().replaceAll("([a-z])([A-Z])", "$1_$2").replace('-', '_').toUpperCase(Locale.ROOT);
        try {
            return valueOf(n);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("groupBy must be one of day, week, month, line, category, sub-district,"
                    + " care-level, agent, outcome, reason, kind, none");
        }
    }
}
