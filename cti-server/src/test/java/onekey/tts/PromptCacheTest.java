package onekey.tts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PromptCacheTest {

    @TempDir Path dir;

    /** Writes a short tone; counts calls; can be held until released. */
    static final class CountingEngine implements TtsEngine {
        final String language;
        final AtomicInteger calls = new AtomicInteger();
        final CountDownLatch release = new CountDownLatch(1);
        volatile boolean hold;
        volatile boolean available = true;
        volatile RuntimeException failure;

        CountingEngine(String language) {
            this.language = language;
        }

        @Override public String language() { return language; }
        @Override public boolean available() { return available; }

        @Override public void synthesize(String text, Path wav) {
            calls.incrementAndGet();
            if (failure != null) {
                throw failure;
            }
            try {
                if (hold && !release.await(10, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("never released");
                }
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            short[] s = new short[8000];
            for (int i = 0; i < s.length; i++) {
                s[i] = (short) (8000 * Math.sin(2 * Math.PI * 440 * i / 8000.0));
            }
            Wav.writeTelephony(new Wav.Pcm(s, 8000), wav, "fake");
        }
    }

    @Test
    void secondRequestIsServedFromDiskWithoutSynthesis() {
        CountingEngine zh = new CountingEngine("zh");
        PromptCache cache = new PromptCache(dir, List.of(zh));
        Optional<Path> first = cache.prompt("您好", "zh");
        Optional<Path> second = cache.prompt("您好", "zh-CN");
        assertTrue(first.isPresent());
        assertEquals(first, second);
        assertEquals(1, zh.calls.get());
        assertEquals(1, cache.synthesized());
        assertEquals(dir.toAbsolutePath().resolve(PromptCache.hash("zh", "您好") + ".wav"), first.get());
        assertTrue(Files.isRegularFile(first.get()));
        // A new cache on the same directory (server restart) also reuses the file.
        PromptCache restarted = new PromptCache(dir, List.of(zh));
        assertEquals(first, restarted.prompt("您好", "zh"));
        assertEquals(1, zh.calls.get());
    }

    @Test
    void aFasterSpeakingRateIsAShorterPromptUnderItsOwnNameAndTheDefaultKeepsTheOldNames() throws Exception {
        String text = "张桂英您好，这里是一键通服务中心。确认请按1，重听请按2。";
        Path normal = PromptCache.standard(dir, RecordedPrompts.none(), 1L << 30, 100).prompt(text, "zh").orElseThrow();
        Path fast = PromptCache.standard(dir, RecordedPrompts.none(), 1L << 30, 200).prompt(text, "zh").orElseThrow();
        assertEquals(dir.toAbsolutePath().resolve(PromptCache.hash("zh", text) + ".wav"), normal);
        assertFalse(normal.equals(fast), "a prompt made at one rate is never played for another");
        double ratio = (double) Files.size(fast) / Files.size(normal);
        assertTrue(ratio > 0.35 && ratio < 0.65, "twice the rate, about half the length: " + ratio);
    }

    @Test
    void playbackPathHasNoExtension() {
        PromptCache cache = new PromptCache(dir, List.of(new CountingEngine("en")));
        String p = cache.playbackPath("Hello", "en").orElseThrow();
        assertFalse(p.endsWith(".wav"));
        assertTrue(Files.isRegularFile(Path.of(p + ".wav")));
    }

    @Test
    void differentLanguageOrTextIsADifferentPrompt() {
        CountingEngine zh = new CountingEngine("zh");
        CountingEngine en = new CountingEngine("en");
        PromptCache cache = new PromptCache(dir, List.of(zh, en));
        Path a = cache.prompt("OK", "zh").orElseThrow();
        Path b = cache.prompt("OK", "en").orElseThrow();
        Path c = cache.prompt("OK!", "en").orElseThrow();
        assertEquals(3, List.of(a, b, c).stream().distinct().count());
        assertEquals(1, zh.calls.get());
        assertEquals(2, en.calls.get());
    }

    @Test
    void concurrentRequestsForOnePromptSynthesizeOnce() throws Exception {
        CountingEngine zh = new CountingEngine("zh");
        zh.hold = true;
        PromptCache cache = new PromptCache(dir, List.of(zh));
        int n = 16;
        CountDownLatch started = new CountDownLatch(n);
        List<Future<Optional<Path>>> results = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < n; i++) {
                results.add(pool.submit(() -> {
                    started.countDown();
                    return cache.prompt("请稍候", "zh");
                }));
            }
            assertTrue(started.await(10, TimeUnit.SECONDS));
            zh.release.countDown();
            for (Future<Optional<Path>> f : results) {
                assertTrue(f.get(10, TimeUnit.SECONDS).isPresent());
            }
        }
        assertEquals(1, zh.calls.get());
    }

    @Test
    void unknownLanguageGivesEmptyNotAnException() {
        PromptCache cache = new PromptCache(dir, List.of(new CountingEngine("zh")));
        assertEquals(Optional.empty(), cache.prompt("Bonjour", "fr"));
        assertFalse(cache.speaks("fr"));
    }

    @Test
    void unavailableOrFailingEngineGivesEmpty() {
        CountingEngine off = new CountingEngine("en");
        off.available = false;
        assertEquals(Optional.empty(), new PromptCache(dir, List.of(off)).prompt("Hello", "en"));
        assertEquals(0, off.calls.get());

        CountingEngine broken = new CountingEngine("en");
        broken.failure = new TtsException("voice crashed");
        PromptCache cache = new PromptCache(dir, List.of(broken));
        assertEquals(Optional.empty(), cache.prompt("Hello", "en"));
        assertEquals(Optional.empty(), cache.prompt("Hello", "en"), "a failure is not cached as a file");
        assertEquals(2, broken.calls.get());
    }

    @Test
    void missingEspeakBinaryOrVoiceGivesEmpty() {
        PromptCache cache = new PromptCache(dir, List.of(
                new EspeakTts(dir.resolve("missing-espeak-ng").toString(), "zh", "cmn", 140, Duration.ofSeconds(5)),
                new EspeakTts("espeak-ng", "en", "no-such-voice", 140, Duration.ofSeconds(5))));
        assertEquals(Optional.empty(), cache.prompt("您好", "zh"));
        assertEquals(Optional.empty(), cache.prompt("Hello", "en"));
    }

    @Test
    void preferredEngineWinsAndUnavailableOneFallsBack() {
        CountingEngine first = new CountingEngine("en");
        CountingEngine second = new CountingEngine("en");
        first.available = false;
        new PromptCache(dir, List.of(first, second)).prompt("Hi", "en");
        assertEquals(0, first.calls.get());
        assertEquals(1, second.calls.get());
    }

    @Test
    void standardCacheSpeaksMandarinAndEnglishForReal() throws Exception {
        EspeakTtsTest.requireEspeak(EspeakTts.mandarin());
        PromptCache cache = PromptCache.standard(dir.resolve("sounds/onekey"));
        Path zh = cache.prompt("您好，正在为您转接，请稍候。", "zh").orElseThrow();
        Path en = cache.prompt("Hello, connecting you now, please hold.", "en").orElseThrow();
        WavAssert.assertTelephonyWav(zh);
        WavAssert.assertTelephonyWav(en);
        assertEquals(dir.resolve("sounds/onekey").toAbsolutePath(), zh.getParent());
    }

    @Test
    void languageNormalization() {
        assertEquals("zh", PromptCache.normalize(null));
        assertEquals("zh", PromptCache.normalize(" "));
        assertEquals("zh", PromptCache.normalize("cmn"));
        assertEquals("zh", PromptCache.normalize("zh_CN"));
        assertEquals("en", PromptCache.normalize("en-US"));
        assertEquals("en", PromptCache.normalize(" EN "));
        assertEquals("wuu", PromptCache.normalize("wuu-Hans"));
        assertEquals("wuu", PromptCache.normalize("wuu"));
        assertEquals("zh", PromptCache.normalize("ZH_cn"));
        assertEquals("fr", PromptCache.normalize("fr_FR"));
        assertEquals("", PromptCache.normalize("-x"));
    }
}
