package onekey.flows;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The TTS prompts of a flow whose text has no variables, with their language: a host synthesizes
 * them ahead of the first call so no caller waits for a voice to be generated.
 */
public final class FixedPrompts {

    /** One text in one language. */
    public record Text(String language, String text) {}

    private FixedPrompts() {
    }

    public static List<Text> of(Flow flow) {
        List<Text> out = new ArrayList<>();
        for (Step s : flow.steps()) {
            Prompt p = switch (s) {
                case Step.Play play -> play.prompt();
                case Step.ReadDigits r -> r.prompt();
                case Step.Menu m -> m.prompt();
                default -> null;
            };
            if (p == null || p.isSound()) {
                continue;
            }
            for (Map.Entry<String, Template> e : p.texts().entrySet()) {
                if (!e.getValue().source().contains("${")) {
                    out.add(new Text(e.getKey(), e.getValue().source()));
                }
            }
        }
        return out;
    }
}
