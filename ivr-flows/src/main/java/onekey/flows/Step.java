package onekey.flows;

import java.util.List;
import java.util.Map;

/** One step of a flow. {@code kind()} is the JSON "step" value. */
public sealed interface Step {

    String kind();

    /** Picks up the call. */
    record Answer() implements Step {
        public String kind() { return "answer"; }
    }

    /** {@code var} = rendered {@code value}, or the channel variable {@code fromChannel}; {@code export} also sets it on the channel. */
    record SetVar(String var, Template value, String fromChannel, boolean export) implements Step {
        public String kind() { return "set"; }
    }

    /** Calls host function {@code name} and merges the variables it returns. */
    record Lookup(String name, boolean optional) implements Step {
        public String kind() { return "lookup"; }
    }

    /** Starts recording to the rendered {@code file}; sets ONEKEY_RECORDING=1 on the channel when started. */
    record Record(Template file) implements Step {
        public String kind() { return "record"; }
    }

    /** Plays a prompt; with {@code interrupt} a digit stops it and is stored in {@code var} (if given). */
    record Play(Prompt prompt, boolean interrupt, String var) implements Step {
        public String kind() { return "play"; }
    }

    /** Plays an optional prompt and reads up to {@code maxDigits} digits into {@code var}. */
    record ReadDigits(Prompt prompt, int maxDigits, long timeoutMs, String var) implements Step {
        public String kind() { return "readDigits"; }
    }

    /**
     * Plays {@code prompt} and reads one digit; a digit in {@code choices} jumps to its label. A timeout or
     * a wrong digit asks again, {@code retries} more times, then jumps to {@code defaultLabel}.
     */
    record Menu(Prompt prompt, Map<String, String> choices, int retries, long timeoutMs, String defaultLabel,
                String var) implements Step {
        public String kind() { return "menu"; }
    }

    /** Jumps to {@code target} when variable {@code var} matches; otherwise goes on with the next step. */
    record Branch(String var, Condition condition, String target) implements Step {
        public String kind() { return "branch"; }
    }

    /** A jump target; does nothing when executed. */
    record Label(String name) implements Step {
        public String kind() { return "label"; }
    }

    record Goto(String target) implements Step {
        public String kind() { return "goto"; }
    }

    /**
     * Hands the caller to an app_queue queue. The dialplan does the queueing after the flow returns, so this
     * step sets ONEKEY_PRIO then ONEKEY_QUEUE (last, so a flow that fails earlier leaves it empty and the
     * dialplan's fail-open path queues the call) and ends the flow.
     */
    record Queue(Template queue, Template priority) implements Step {
        public String kind() { return "queue"; }
    }

    record Hangup() implements Step {
        public String kind() { return "hangup"; }
    }

    /** Conditions of a {@link Branch}; comparisons are case-insensitive on trimmed values. */
    sealed interface Condition {
        boolean test(String value);

        record Equals(String expected) implements Condition {
            public boolean test(String value) { return value.trim().equalsIgnoreCase(expected.trim()); }
        }

        record In(List<String> options) implements Condition {
            public boolean test(String value) {
                return options.stream().anyMatch(o -> o.trim().equalsIgnoreCase(value.trim()));
            }
        }

        record Empty() implements Condition {
            public boolean test(String value) { return value.isBlank(); }
        }

        record NotEmpty() implements Condition {
            public boolean test(String value) { return !value.isBlank(); }
        }
    }
}
