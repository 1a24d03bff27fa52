package onekey.broadcast;

import java.util.List;
import java.util.Optional;
import onekey.broadcast.BroadcastService.Spoken;
import onekey.tts.PromptCache;

/**
 * The broadcasts' prompts from the {@link PromptCache}: a message is composed of the recorded phrases of the elder's
 * language and TTS for the rest (names, hospitals, times); a prompt about to be dialled has its use refreshed.
 */
public final class BroadcastPrompts implements BroadcastService.Prompts {

    private final PromptCache cache;

    public BroadcastPrompts(PromptCache cache) {
        this.cache = cache;
    }

    @Override
    public Optional<Spoken> speak(String text, String language) {
        return cache.prompt(text, language).map(Spoken::ofWav);
    }

    @Override
    public Optional<Spoken> speak(List<Templates.Segment> message, String language) {
        return cache.compose(message.stream().map(s -> new PromptCache.Part(s.phrase(), s.text())).toList(), language)
                .map(Spoken::ofWav);
    }

    @Override
    public boolean keep(String playbackPath) {
        return cache.use(playbackPath);
    }
}
