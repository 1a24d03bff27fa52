package onekey.flows;

import java.util.Map;
import java.util.Optional;

/** What the server offers a flow besides the channel: data look-ups and spoken prompts. */
public interface FlowHost {

    /**
     * Runs the host function {@code name} (e.g. "caller") with a read-only view of the flow's variables.
     *
     * @return variables to merge into the flow (null values are ignored); may be empty, never null
     * @throws RuntimeException when the look-up cannot be done; the flow then fails (or continues when
     *     the step is marked {@code "optional": true})
     */
    Map<String, String> lookup(String name, Map<String, String> vars);

    /**
     * A sound for {@code text} spoken in {@code language} ("zh", "en"), synthesized or cached.
     *
     * @return a path WITHOUT extension that {@link FlowChannel#playFile} accepts; empty when no voice is
     *     available for the language (the flow then skips the prompt: a call never fails for a voice)
     */
    Optional<String> prompt(String text, String language);
}
