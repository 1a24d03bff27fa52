package onekey.flows;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Look-ups from a map; TTS returns "tts/<lang>/<n>" for the languages it has a voice for. */
final class FakeHost implements FlowHost {
    final Map<String, Map<String, String>> lookups = new HashMap<>();
    final List<String> spoken = new ArrayList<>();
    Set<String> voices = Set.of("zh", "en");
    RuntimeException lookupFailure;

    @Override public Map<String, String> lookup(String name, Map<String, String> vars) {
        if (lookupFailure != null) {
            throw lookupFailure;
        }
        Map<String, String> r = lookups.get(name);
        if (r == null) {
            throw new IllegalArgumentException("no lookup " + name);
        }
        return r;
    }

    @Override public Optional<String> prompt(String text, String language) {
        spoken.add(language + ":" + text);
        return voices.contains(language) ? Optional.of("tts/" + language + "/" + spoken.size()) : Optional.empty();
    }
}
