package onekey.tts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every prompt at one level (issue 9): the same text from espeak-ng and from FreeTTS, and a quiet and a loud recording,
 * all end within 1 dB of the target active-speech level, with no sample above the peak ceiling.
 */
class LoudnessTest {

    static final double TOLERANCE_DB = 1.0;
    static final String EN = "Hello Margaret, this is the OneKey care line calling to see how you are. If you are well, press 1.";
    static final String ZH = "张桂英您好，这里是一键通关怀热线，我们来问候您。如果您一切都好，请按1。";

    @TempDir
    Path dir;

    @Test
    void theSameTextFromEspeakAndFreeTtsIsWrittenAtTheTargetLevel() throws Exception {
        FreeTts freeTts = new FreeTts();
        assertThat(freeTts.available()).as("FreeTTS kevin16: " + freeTts.unavailableReason()).isTrue();
        EspeakTts espeakEn = EspeakTts.english();
        EspeakTts espeakZh = EspeakTts.mandarin();
        EspeakTtsTest.requireEspeak(espeakEn);
        EspeakTtsTest.requireEspeak(espeakZh);
        Path a = dir.resolve("freetts.wav");
        Path b = dir.resolve("espeak-en.wav");
        Path c = dir.resolve("espeak-cmn.wav");
        freeTts.synthesize(EN, a);
        espeakEn.synthesize(EN, b);
        espeakZh.synthesize(ZH, c);
        for (Path p : List.of(a, b, c)) {
            WavAssert.assertTelephonyWav(p);
            assertThat(AudioFiles.level(p)).as(p.getFileName() + " level").isCloseTo(Loudness.TARGET_DBFS, within(TOLERANCE_DB));
            assertThat(AudioFiles.peak(p)).as(p.getFileName() + " peak").isLessThanOrEqualTo(Loudness.PEAK_DBFS + 0.01);
        }
    }

    @Test
    void aQuietAndALoudRecordingEndAtTheTargetLevelWithoutClipping() throws Exception {
        Path voice = AudioFiles.speech(dir.resolve("voice.wav"), "cmn+f2", "您好，马上为您接通。");
        Path zh = dir.resolve("recorded/zh");
        Files.createDirectories(zh);
        // a quiet take: 44.1 kHz stereo, 30 dB down; a loud one: 16 kHz, pushed 20 dB into clipping
        Path quiet = AudioFiles.sox(voice, zh.resolve("quiet.wav"), "-r 44100 -c 2", "vol 0.03");
        Path loud = AudioFiles.sox(voice, zh.resolve("loud.wav"), "-r 16000", "vol 10");
        assertThat(AudioFiles.level(quiet)).isLessThan(-40);
        assertThat(AudioFiles.level(loud)).isGreaterThan(-12);
        assertThat(AudioFiles.peak(loud)).isGreaterThan(-0.1);
        AudioFiles.manifest(zh, "quiet.wav = 您好，马上为您接通。", "loud.wav = 请稍候。");
        PromptCache cache = new PromptCache(dir.resolve("prompts"), List.of(EspeakTts.mandarin()),
                RecordedPrompts.in(dir.resolve("recorded")), PromptCache.DEFAULT_MAX_BYTES);
        Path q = cache.prompt("您好，马上为您接通。", "zh").orElseThrow();
        Path l = cache.prompt("请稍候。", "zh").orElseThrow();
        assertThat(cache.synthesized()).as("both came from the recordings").isZero();
        for (Path p : List.of(q, l)) {
            WavAssert.assertTelephonyWav(p);
            assertThat(AudioFiles.level(p)).isCloseTo(Loudness.TARGET_DBFS, within(TOLERANCE_DB));
            assertThat(AudioFiles.peak(p)).isLessThanOrEqualTo(Loudness.PEAK_DBFS + 0.01);
        }
    }

    @Test
    void silenceIsNotMeasuredSoPausesDoNotMakeAPromptLouder() throws Exception {
        Path voice = AudioFiles.speech(dir.resolve("v.wav"), "en-us", "This is the OneKey service centre.");
        Path padded = AudioFiles.sox(voice, dir.resolve("padded.wav"), "", "pad 2 4");
        Wav.Pcm a = Loudness.normalize(Wav.resample(Wav.read(voice), 8000));
        Wav.Pcm b = Loudness.normalize(Wav.resample(Wav.read(padded), 8000));
        assertThat(b.seconds()).isGreaterThan(a.seconds() + 5.5);
        assertThat(Loudness.peakDbfs(b.samples())).isCloseTo(Loudness.peakDbfs(a.samples()), within(0.5));
        assertThat(Loudness.activeLevelDbfs(b.samples(), 8000)).isCloseTo(Loudness.TARGET_DBFS, within(TOLERANCE_DB));
        // nothing but silence (or hiss below -50 dBFS) is left alone, not amplified into noise
        short[] hiss = new short[8000];
        java.util.Random r = new java.util.Random(1);
        for (int i = 0; i < hiss.length; i++) {
            hiss[i] = (short) (r.nextGaussian() * 20);
        }
        assertThat(Loudness.normalize(new Wav.Pcm(hiss, 8000)).samples()).isEqualTo(hiss);
    }

    @Test
    void aHugePeakIsLimitedWhileTheSpeechReachesTheTarget() throws Exception {
        Path voice = AudioFiles.speech(dir.resolve("v.wav"), "en-us", "Press one to confirm.");
        short[] s = Wav.resample(Wav.read(voice), 8000).samples().clone();
        for (int i = 0; i < s.length; i++) {
            s[i] = (short) (s[i] / 8); // quiet speech …
        }
        for (int i = 4000; i < 4040; i++) {
            s[i] = (short) (i % 2 == 0 ? 32000 : -32000); // … with a full-scale click in it
        }
        Wav.Pcm out = Loudness.normalize(new Wav.Pcm(s, 8000));
        assertThat(Loudness.peakDbfs(out.samples())).isLessThanOrEqualTo(Loudness.PEAK_DBFS + 0.01);
        assertThat(Loudness.activeLevelDbfs(out.samples(), 8000)).isCloseTo(Loudness.TARGET_DBFS, within(TOLERANCE_DB));
    }
}
