package onekey.tts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Recorded prompts (issue 9): a recording of a fixed phrase in the caller's language is played instead of TTS, alone
 * or as a piece of a composed message; a missing or broken recording is spoken by TTS; a Shanghainese (wuu) elder
 * gets the wuu recordings and Mandarin TTS for the rest; recordings in other formats are converted. Real espeak-ng
 * (TTS, and another of its voices as the "person" in the recordings) and sox (the recorders' formats).
 */
class RecordedPromptsTest {

    static final String BODY = "您好，这里是一键通关怀热线，我们来问候您。";
    static final String KEYS = "如果您一切都好，请按1。再听一遍请按2，需要帮助请按0。";

    @TempDir
    Path dir;
    Path recorded;
    Path prompts;

    @BeforeEach
    void up() {
        EspeakTtsTest.requireEspeak(EspeakTts.mandarin());
        recorded = dir.resolve("recorded");
        prompts = dir.resolve("prompts");
    }

    private PromptCache cache() {
        return new PromptCache(prompts, List.of(EspeakTts.mandarin(), EspeakTts.english()), RecordedPrompts.in(recorded),
                PromptCache.DEFAULT_MAX_BYTES);
    }

    private static List<PromptCache.Part> checkIn(String name) {
        return List.of(PromptCache.Part.value(name), PromptCache.Part.fixed("checkin.body", BODY),
                PromptCache.Part.fixed("keys.checkin", KEYS));
    }

    /** A "person" (espeak-ng's female Mandarin voice at 44.1 kHz stereo, as a recorder writes it) saying {@code text}. */
    private Path record(Path file, String text) throws Exception {
        Files.createDirectories(file.getParent());
        Path raw = AudioFiles.speech(dir.resolve("raw-" + file.getFileName()), "cmn+f2", text);
        return AudioFiles.sox(raw, file, "-r 44100 -c 2", "");
    }

    @Test
    void aRecordedPhraseReplacesTtsInAComposedMessage() throws Exception {
        PromptCache tts = cache();
        Path ttsOnly = tts.compose(checkIn("张桂英"), "zh").orElseThrow();
        assertThat(ttsOnly).as("nothing recorded: the same prompt as the whole text")
                .isEqualTo(prompts.toAbsolutePath().resolve(PromptCache.hash("zh", "张桂英" + BODY + KEYS) + ".wav"));

        record(recorded.resolve("zh/checkin.body.wav"), BODY); // named after the phrase id: no manifest line needed
        PromptCache cache = cache();
        // the converted recording (a phrase id is not its text: prompt(BODY) alone would not find it)
        Path alone = cache.compose(List.of(PromptCache.Part.fixed("checkin.body", BODY)), "zh").orElseThrow();
        assertThat(alone).isNotEqualTo(prompts.toAbsolutePath().resolve(PromptCache.hash("zh", BODY) + ".wav"));
        assertThat(cache.synthesized()).isZero();
        Path composed = cache.compose(checkIn("张桂英"), "zh").orElseThrow();
        WavAssert.assertTelephonyWav(composed);
        assertThat(composed).isNotEqualTo(ttsOnly);
        short[] message = AudioFiles.samples(composed);
        assertThat(AudioFiles.contains(message, AudioFiles.samples(alone))).as("the recording is in the message")
                .isGreaterThan(0.98);
        assertThat(AudioFiles.contains(AudioFiles.samples(ttsOnly), AudioFiles.samples(alone)))
                .as("and not in the TTS one").isLessThan(0.5);
        // the name and the keys are TTS, each spoken as its own run
        Path name = prompts.resolve(PromptCache.hash("zh", "张桂英") + ".wav");
        Path keys = prompts.resolve(PromptCache.hash("zh", KEYS) + ".wav");
        assertThat(name).exists();
        assertThat(keys).exists();
        assertThat(AudioFiles.contains(message, Wav.trimSilence(Wav.read(keys), PromptCache.PIECE_SILENCE_MILLIS).samples()))
                .isGreaterThan(0.98);
        assertThat(AudioFiles.level(composed)).isCloseTo(Loudness.TARGET_DBFS, within(1.0));
        // made once: asking again is a hit
        long made = cache.synthesized();
        assertThat(cache.compose(checkIn("张桂英"), "zh")).contains(composed);
        assertThat(cache.synthesized()).isEqualTo(made);
    }

    @Test
    void aMissingOrBrokenRecordingIsSpokenByTtsNeverSilence() throws Exception {
        Path ttsOnly = cache().compose(checkIn("张桂英"), "zh").orElseThrow();
        Path zh = recorded.resolve("zh");
        AudioFiles.manifest(zh, "# the body was never recorded", "gone.wav = @checkin.body", "nonsense line");
        assertThat(cache().compose(checkIn("张桂英"), "zh")).contains(ttsOnly);

        Files.writeString(zh.resolve("keys.checkin.wav"), "this is not a WAV file");
        Files.write(zh.resolve("silent.wav"), Wav.encode(new Wav.Pcm(new short[16000], 8000)));
        AudioFiles.manifest(zh, "silent.wav = @checkin.body");
        PromptCache cache = cache();
        assertThat(cache.compose(checkIn("张桂英"), "zh")).as("corrupt and silent recordings: TTS").contains(ttsOnly);
        assertThat(cache.prompt(KEYS, "zh")).contains(prompts.toAbsolutePath().resolve(PromptCache.hash("zh", KEYS) + ".wav"));

        // the centre replaces the broken file: the next prompt uses it (no restart)
        Path good = record(dir.resolve("take2/keys.wav"), KEYS);
        Files.copy(good, zh.resolve("keys.checkin.wav"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.setLastModifiedTime(zh.resolve("keys.checkin.wav"), FileTime.fromMillis(System.currentTimeMillis() + 5000));
        Awaitility.await().atMost(Duration.ofSeconds(20))
                .until(() -> !cache.compose(checkIn("张桂英"), "zh").orElseThrow().equals(ttsOnly));
    }

    @Test
    void aShanghaineseElderGetsTheWuuRecordingsAndMandarinTtsForTheRest() throws Exception {
        Path wuu = recorded.resolve("wuu");
        Path take = record(wuu.resolve("keys-checkin.wav"), KEYS);
        AudioFiles.manifest(wuu, "# Shanghainese takes, filed under the Mandarin text's phrase id",
                "keys-checkin.wav = @keys.checkin");
        PromptCache cache = cache();
        Path composed = cache.compose(checkIn("张桂英"), "wuu").orElseThrow();
        WavAssert.assertTelephonyWav(composed);
        Wav.Pcm take8k = Loudness.normalize(Wav.trimSilence(Wav.resample(Wav.read(take), 8000),
                RecordedPrompts.KEEP_SILENCE_MILLIS));
        assertThat(AudioFiles.contains(AudioFiles.samples(composed), take8k.samples())).isGreaterThan(0.98);
        // the unrecorded run (name and body) in Mandarin TTS
        Path mandarin = prompts.resolve(PromptCache.hash("zh", "张桂英" + BODY) + ".wav");
        assertThat(mandarin).exists();
        // a wuu text nobody recorded is the Mandarin prompt; the zh elder does not get the wuu recording
        assertThat(cache.prompt("马上为您接通。", "wuu")).isEqualTo(cache.prompt("马上为您接通。", "zh"));
        assertThat(cache.compose(checkIn("张桂英"), "zh")).contains(
                prompts.toAbsolutePath().resolve(PromptCache.hash("zh", "张桂英" + BODY + KEYS) + ".wav"));
        assertThat(cache.speaks("wuu")).isTrue();
    }

    @Test
    void recordingsInOtherFormatsAreConvertedTo8kMono16Bit() throws Exception {
        Path zh = Files.createDirectories(recorded.resolve("zh"));
        Path source = AudioFiles.speech(dir.resolve("source.wav"), "cmn+f2", "您好，马上为您接通。");
        Map<String, String> formats = new java.util.LinkedHashMap<>();
        formats.put("mono16k.wav", "-r 16000 -c 1 -b 16");
        formats.put("stereo44k.wav", "-r 44100 -c 2 -b 16");
        formats.put("stereo48k24bit.wav", "-r 48000 -c 2 -b 24");
        formats.put("float32.wav", "-r 22050 -e floating-point -b 32");
        formats.put("unsigned8.wav", "-r 11025 -e unsigned-integer -b 8");
        formats.put("alaw.wav", "-r 8000 -e a-law");
        formats.put("ulaw.wav", "-r 8000 -e u-law");
        String[] lines = new String[formats.size()];
        int i = 0;
        for (Map.Entry<String, String> f : formats.entrySet()) {
            AudioFiles.sox(source, zh.resolve(f.getKey()), f.getValue(), "");
            lines[i++] = f.getKey() + " = phrase " + i;
        }
        AudioFiles.manifest(zh, lines);
        PromptCache cache = cache();
        short[] reference = null;
        double seconds = 0;
        for (int k = 1; k <= formats.size(); k++) {
            Path p = cache.prompt("phrase " + k, "zh").orElseThrow();
            double s = WavAssert.assertTelephonyWav(p);
            short[] samples = AudioFiles.samples(p);
            if (reference == null) {
                reference = samples;
                seconds = s;
            } else {
                // a rate read wrongly would be off by a third or more; 8-bit's dithered noise floor keeps a little more
                // of the lead-in silence than the trimming of cleaner takes
                assertThat(s).as("phrase " + k + " duration").isCloseTo(seconds, within(0.25));
                assertThat(AudioFiles.contains(samples.length >= reference.length ? samples : reference,
                        java.util.Arrays.copyOfRange(samples.length >= reference.length ? reference : samples, 400,
                                Math.min(samples.length, reference.length) - 400)))
                        .as("phrase " + k + " is the same speech").isGreaterThan(0.9);
            }
        }
        assertThat(cache.synthesized()).as("no TTS: all were recordings").isZero();
    }

    @Test
    void aFlowsFixedPromptIsPlayedFromItsRecordingByExactText() throws Exception {
        Path zh = recorded.resolve("zh");
        record(zh.resolve("greeting.wav"), "您好，马上为您接通。");
        AudioFiles.manifest(zh, "\uFEFF# saved by Notepad, with a BOM", "greeting.wav = 您好，马上为您接通。");
        PromptCache cache = cache();
        String played = cache.playbackPath("您好，马上为您接通。", "zh").orElseThrow();
        assertThat(Path.of(played + ".wav")).exists();
        assertThat(played).doesNotContain(PromptCache.hash("zh", "您好，马上为您接通。"));
        assertThat(cache.synthesized()).isZero();
        // English callers and other texts: TTS
        assertThat(cache.prompt("Hello, connecting you now.", "en")).isPresent();
        assertThat(cache.synthesized()).isEqualTo(1);
        assertThat(cache.warmRecordings()).isEqualTo(2); // by text, and by its file name as a phrase id
    }
}
