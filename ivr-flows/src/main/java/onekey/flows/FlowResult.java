package onekey.flows;

import java.util.List;
import java.util.Map;

/**
 * How a flow run ended.
 *
 * @param status ENDED (end of steps, queue or hangup step), HUNG_UP (caller left), FAILED (bug, bad data,
 *     look-up failure, step limit)
 * @param reason a short human-readable explanation, never null
 * @param variables the flow's variables at the end
 * @param steps executed steps in order, with timestamps
 */
public record FlowResult(Status status, String reason, Map<String, String> variables, List<StepRecord> steps) {

    public enum Status { ENDED, HUNG_UP, FAILED }

    public FlowResult {
        variables = Map.copyOf(variables);
        steps = List.copyOf(steps);
    }

    public boolean ended() {
        return status == Status.ENDED;
    }

    public boolean hungUp() {
        return status == Status.HUNG_UP;
    }

    public boolean failed() {
        return status == Status.FAILED;
    }
}
