package onekey.softphone.ui;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The transfer targets offered in the window: other seats and professional seats (a doctor, a lawyer, a
 * psychologist), configured per desk in {@code ONEKEY_TRANSFER_TARGETS} as {@code name=number;name=number}
 * (an extension, or any number, which Asterisk dials out through the trunk). The agent may also type a number.
 */
record TransferTargets(String name, String number) {

    static final String ENV = "ONEKEY_TRANSFER_TARGETS";
    private static final Pattern NUMBER = Pattern.compile("[0-9*#+]{1,32}");
    private static final Pattern SHOWN = Pattern.compile(".*\\(([0-9*#+]{1,32})\\)\\s*$");

    @Override
    public String toString() {
        return name + " (" + number + ")";
    }

    static List<TransferTargets> fromEnvironment() {
        return parse(System.getenv(ENV));
    }

    /** {@code 医生 刘=1003;心理咨询=02161230000}; entries without a valid number are left out. */
    static List<TransferTargets> parse(String spec) {
        List<TransferTargets> out = new ArrayList<>();
        if (spec == null) {
            return out;
        }
        for (String entry : spec.split(";")) {
            int eq = entry.lastIndexOf('=');
            String name = eq < 0 ? "" : entry.substring(0, eq).trim();
            String number = (eq < 0 ? entry : entry.substring(eq + 1)).trim();
            if (NUMBER.matcher(number).matches()) {
                out.add(new TransferTargets(name.isEmpty() ? number : name, number));
            }
        }
        return out;
    }

    /** The number in what the combo box shows ("name (number)") or what the agent typed; "" when there is none. */
    static String number(String shown) {
        String s = shown == null ? "" : shown.trim();
        Matcher m = SHOWN.matcher(s);
        if (m.matches()) {
            return m.group(1);
        }
        return NUMBER.matcher(s).matches() ? s : "";
    }
}
