package onekey.flows;

import java.util.List;
import java.util.Map;

/**
 * A validated flow: a name, its steps, and where each label is. Built by {@link FlowLoader}; every goto,
 * branch and menu target is known to exist.
 */
public record Flow(String name, String description, List<Step> steps, Map<String, Integer> labels) {

    public Flow {
        steps = List.copyOf(steps);
        labels = Map.copyOf(labels);
    }

    int indexOf(String label) {
        Integer i = labels.get(label);
        if (i == null) {
            throw new IllegalStateException("flow " + name + ": unknown label " + label);
        }
        return i;
    }
}
