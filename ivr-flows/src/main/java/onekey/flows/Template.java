package onekey.flows;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Text with {@code ${VAR}} and {@code ${VAR:-default}} references, resolved against the flow variables.
 * An unset or empty variable becomes "" (or the default); the flow never fails on a missing value.
 */
public record Template(String source) {

    private static final Pattern REF = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_.]*)(?::-([^}]*))?}");

    public Template {
        if (source == null) {
            throw new IllegalArgumentException("template source is null");
        }
    }

    public String render(Map<String, String> vars) {
        Matcher m = REF.matcher(source);
        StringBuilder out = new StringBuilder(source.length() + 16);
        while (m.find()) {
            String value = vars.get(m.group(1));
            if (value == null || value.isEmpty()) {
                value = m.group(2) == null ? "" : m.group(2);
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** Unbalanced "${" that the pattern cannot read, reported at load time. */
    static boolean wellFormed(String source) {
        String stripped = REF.matcher(source).replaceAll("");
        return !stripped.contains("${");
    }

    @Override
    public String toString() {
        return source;
    }
}
