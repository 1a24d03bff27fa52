package onekey.tts;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The prompt cache's bound (tts.cacheMaxMb): past it the least recently used prompts are removed; a hit makes a prompt
 * recent; the prompt just made stays even when it alone is over the bound; recordings are never removed. Real
 * espeak-ng prompts.
 */
class PromptCacheBoundTest {

    @TempDir
    Path dir;

    @BeforeEach
    void up() {
        EspeakTtsTest.requireEspeak(EspeakTts.english());
    }

    private static PromptCache cache(Path dir, long maxBytes) {
        return new PromptCache(dir, List.of(EspeakTts.english()), RecordedPrompts.none(), maxBytes);
    }

    private static PromptCache cache(Path dir, Path recorded, long maxBytes) {
        return new PromptCache(dir, List.of(EspeakTts.english()), RecordedPrompts.in(recorded), maxBytes);
    }

    @Test
    void pastTheBoundTheLeastRecentlyUsedPromptsAreRemovedAndAHitCountsAsAUse() throws Exception {
        Path prompts = dir.resolve("prompts");
        PromptCache big = cache(prompts, Long.MAX_VALUE);
        Path a = big.prompt("Your taxi is booked for nine o'clock.", "en").orElseThrow();
        Path b = big.prompt("Your appointment is tomorrow morning.", "en").orElseThrow();
        Path c = big.prompt("Press one to confirm.", "en").orElseThrow();
        // used an hour, 50 and 40 minutes ago (a restart reads the use times from the files)
        long now = System.currentTimeMillis();
        Files.setLastModifiedTime(a, FileTime.fromMillis(now - 3_600_000));
        Files.setLastModifiedTime(b, FileTime.fromMillis(now - 3_000_000));
        Files.setLastModifiedTime(c, FileTime.fromMillis(now - 2_400_000));
        long abc = Files.size(a) + Files.size(b) + Files.size(c);

        // the bound fits those three; a fourth prompt of about their size pushes it over
        PromptCache cache = cache(prompts, abc + 1000);
        assertThat(cache.sizeBytes()).isEqualTo(abc);
        assertThat(cache.evicted()).isZero();
        assertThat(cache.prompt("Your taxi is booked for nine o'clock.", "en")).contains(a); // a hit: a is recent now
        Path d = cache.prompt("Your doctor is Wang Jianhua.", "en").orElseThrow();

        assertThat(d).exists();
        assertThat(a).as("used just now").exists();
        assertThat(b).as("least recently used").doesNotExist();
        assertThat(cache.evicted()).isGreaterThanOrEqualTo(1);
        assertThat(cache.sizeBytes()).isLessThanOrEqualTo(cache.maxBytes() / 10 * 9);
        long onDisk = 0;
        try (var files = Files.list(prompts)) {
            for (Path p : files.toList()) {
                onDisk += Files.size(p);
            }
        }
        assertThat(onDisk).as("the folder really is under the bound").isEqualTo(cache.sizeBytes());
        // a removed prompt is simply made again when asked for
        assertThat(cache.prompt("Your appointment is tomorrow morning.", "en")).contains(b);
        assertThat(b).exists();
    }

    @Test
    void thePromptJustMadeIsNeverRemovedEvenWhenItAloneIsOverTheBound() {
        PromptCache cache = cache(dir.resolve("prompts"), 1000);
        Path p = cache.prompt("This prompt alone is bigger than the whole cache may be.", "en").orElseThrow();
        assertThat(p).exists();
        Path q = cache.prompt("And so is this one.", "en").orElseThrow();
        assertThat(q).exists();
        assertThat(p).as("the older one made room").doesNotExist();
    }

    @Test
    void recordedOriginalsAreNeverRemovedOnlyTheirConversions() throws Exception {
        Path prompts = dir.resolve("prompts");
        Path recorded = prompts.resolve("recorded"); // even inside the cache folder
        Path en = Files.createDirectories(recorded.resolve("en"));
        Path original = AudioFiles.sox(AudioFiles.speech(dir.resolve("take.wav"), "en-us+f3", "Hello, connecting you now."),
                en.resolve("hello.wav"), "-r 44100 -c 2", "");
        AudioFiles.manifest(en, "hello.wav = Hello, connecting you now.");
        long originalSize = Files.size(original);
        PromptCache cache = cache(prompts, recorded, 20_000);
        Path converted = cache.prompt("Hello, connecting you now.", "en").orElseThrow();
        assertThat(cache.synthesized()).isZero();
        for (int i = 0; i < 5; i++) {
            cache.prompt("Filler prompt number " + i + " to push the cache over its bound.", "en").orElseThrow();
        }
        assertThat(cache.evicted()).isGreaterThanOrEqualTo(1);
        assertThat(converted).as("its conversion was the least recently used").doesNotExist();
        assertThat(original).exists();
        assertThat(Files.size(original)).isEqualTo(originalSize);
        assertThat(AudioFiles.rate(original)).isEqualTo(44100);
        // and it is converted again on the next use, still no TTS for it
        long made = cache.synthesized();
        assertThat(cache.prompt("Hello, connecting you now.", "en")).contains(converted);
        assertThat(cache.synthesized()).isEqualTo(made);
        // a new cache on the folder (a restart) counts only its own files, never the recordings
        assertThat(cache(prompts, recorded, Long.MAX_VALUE).sizeBytes()).isEqualTo(cache.sizeBytes());
    }
}
