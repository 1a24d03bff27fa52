package onekey.tts;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real espeak-ng (a prerequisite: apt-get install espeak-ng). */
class EspeakTtsTest {

    @TempDir Path dir;

    static void requireEspeak(EspeakTts tts) {
        assertTrue(tts.available(), "espeak-ng with voice " + tts.voice() + " is required: apt-get install espeak-ng ("
                + tts.unavailableReason() + ")");
    }

    @Test
    void mandarinSynthesisIsA8kMono16bitWavWithSpeech() throws Exception {
        EspeakTts zh = EspeakTts.mandarin();
        requireEspeak(zh);
        Path wav = dir.resolve("zh.wav");
        zh.synthesize("您好，王秀英，正在为您转接挂号服务，请稍候。", wav);
        double seconds = WavAssert.assertTelephonyWav(wav);
        assertTrue(seconds > 1.5 && seconds < 15, "plausible duration for a 20-syllable sentence: " + seconds);
        assertFalse(Files.list(dir).anyMatch(p -> p.getFileName().toString().startsWith(".")), "no temp files left");
    }

    @Test
    void englishSynthesis() throws Exception {
        EspeakTts en = EspeakTts.english();
        requireEspeak(en);
        Path wav = dir.resolve("en.wav");
        en.synthesize("Hello Mary, connecting you to the taxi service, please hold.", wav);
        double seconds = WavAssert.assertTelephonyWav(wav);
        assertTrue(seconds > 1.5 && seconds < 15, "duration " + seconds);
    }

    @Test
    void textStartingWithDashIsSpokenNotTakenAsAnOption() throws Exception {
        EspeakTts en = EspeakTts.english();
        requireEspeak(en);
        Path wav = dir.resolve("dash.wav");
        en.synthesize("--help me", wav);
        WavAssert.assertTelephonyWav(wav);
    }

    @Test
    void missingVoiceIsReportedClearly() {
        EspeakTts bogus = new EspeakTts("espeak-ng", "xx", "no-such-voice", 140, Duration.ofSeconds(10));
        assertFalse(bogus.available());
        assertTrue(bogus.unavailableReason().contains("no-such-voice"), bogus.unavailableReason());
        TtsException e = assertThrows(TtsException.class, () -> bogus.synthesize("hi", dir.resolve("x.wav")));
        assertTrue(e.getMessage().contains("no-such-voice"), e.getMessage());
        assertFalse(Files.exists(dir.resolve("x.wav")));
    }

    @Test
    void missingExecutableIsReportedClearly() {
        EspeakTts missing = new EspeakTts(dir.resolve("no-espeak").toString(), "zh", "cmn", 140, Duration.ofSeconds(10));
        assertFalse(missing.available());
        assertTrue(missing.unavailableReason().contains("espeak-ng not found"), missing.unavailableReason());
    }

    @Test
    void voiceListMatchesLanguageNameOrFileNotPrefixes() {
        String list = """
                Pty Language       Age/Gender VoiceName          File                 Other Languages
                 5  cmn             --/M      Chinese_(Mandarin,_latin_as_English) sit/cmn              (zh-cmn 5)(zh 5)
                 2  en-us           --/M      English_(America)  gmw/en-US            (en 3)
                 5  nb              --/M      Norwegian_Bokmål   gmw/nb               (no 5)
                """;
        assertTrue(EspeakTts.listsVoice(list, "cmn"));
        assertTrue(EspeakTts.listsVoice(list, "en-us+f3"));
        assertTrue(EspeakTts.listsVoice(list, "English_(America)"));
        assertFalse(EspeakTts.listsVoice(list, "no-such-voice"));
        assertFalse(EspeakTts.listsVoice(list, "en"));
    }
}
