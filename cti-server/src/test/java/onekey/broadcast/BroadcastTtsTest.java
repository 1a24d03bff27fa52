package onekey.broadcast;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import onekey.auth.Account;
import onekey.auth.Role;
import onekey.broadcast.BroadcastService.RetryPlan;
import onekey.elders.Elder;
import onekey.elders.ElderDraft;
import onekey.elders.JooqElderRepository;
import onekey.events.EventHub;
import onekey.store.Database;
import onekey.tts.EspeakTts;
import onekey.tts.FreeTts;
import onekey.tts.PromptCache;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 9, test 6: the Mandarin and English templates are rendered through the real engines (espeak-ng cmn, FreeTTS
 * or espeak-ng en-us) into prompt files when scheduled, and a Mandarin voice that is missing falls back to the
 * English engine with the English text — never a silent prompt.
 */
class BroadcastTtsTest {

    @TempDir
    Path tmp;

    private BroadcastService service(Database db, JooqElderRepository elders, PromptCache cache) {
        return new BroadcastService(new BroadcastRepository(db), elders, new onekey.testkit.RecordingPbx(),
                new EventHub(100), Clock.systemUTC(),
                new BroadcastService.Settings(Map.of("check-in", new RetryPlan(3, 600)), 30, 3, 6,
                        QuietHours.none(ZoneId.of("Asia/Shanghai")), LocalTime.of(18, 0), 2, 10),
                (text, lang) -> cache.prompt(text, lang).map(BroadcastService.Spoken::ofWav));
    }

    @Test
    void mandarinAndEnglishTemplatesAreSpokenByTheirEnginesAndAMissingVoiceFallsBack() throws Exception {
        try (Database db = onekey.testkit.H2Template.open(tmp.resolve("onekey"), "sa", 4)) {
            JooqElderRepository elders = new JooqElderRepository(db, "21", Clock.systemUTC());
            Elder zh = elders.create(new ElderDraft("张桂英", null, "F", List.of("13800000001"), "上海", null, "杨浦区", "zh",
                    null, null, null, null, null, null, null, List.of()));
            Elder en = elders.create(new ElderDraft("Margaret Liu", null, "F", List.of("13800000002"), "Gubei", null, "长宁区",
                    "en", null, null, null, null, null, null, null, List.of()));
            Account agent = new Account(7, "ann", Role.AGENT, "1001", "secret", "Ann", true);
            java.time.Instant later = java.time.Instant.now().plus(Duration.ofDays(1));
            Map<String, String> taxi = Map.of("from", "控江路1029弄", "to", "瑞金医院", "time", "2031-03-05T08:30",
                    "plate", "沪A12345", "driverPhone", "13912345678", "eta", "10");

            try (BroadcastService s = service(db, elders, PromptCache.standard(tmp.resolve("prompts")))) {
                Broadcast mandarin = s.schedule(new BroadcastService.Request(zh.id(), "taxi", taxi, later, false), agent);
                Broadcast english = s.schedule(new BroadcastService.Request(en.id(), "taxi", taxi, later, false), agent);
                assertThat(mandarin.language()).isEqualTo("zh");
                assertThat(mandarin.message()).contains("出租车", "沪 A 1 2 3 4 5", "1 3 9 1 2 3 4 5 6 7 8");
                assertThat(english.language()).isEqualTo("en");
                assertThat(english.message()).contains("taxi", "Wednesday, March 5, at 8:30");
                for (Broadcast b : List.of(mandarin, english)) {
                    Path wav = Path.of(b.prompt() + ".wav");
                    assertThat(wav).exists();
                    assertThat(b.promptMs()).as(b.language() + " prompt length").isGreaterThan(3000);
                    assertThat(Files.size(wav)).isBetween(44 + b.promptMs() * 16, 44 + b.promptMs() * 16 + 15);
                }
            }
            // a Mandarin voice that is not installed: the English engine speaks the English text
            PromptCache noMandarin = new PromptCache(tmp.resolve("prompts2"), List.of(
                    new EspeakTts("espeak-ng", "zh", "no-such-voice-xx", 140, Duration.ofSeconds(10)), new FreeTts(),
                    EspeakTts.english()));
            try (BroadcastService s = service(db, elders, noMandarin)) {
                Broadcast b = s.schedule(new BroadcastService.Request(zh.id(), "check-in", Map.of(), later, false), agent);
                assertThat(b.language()).isEqualTo("en");
                assertThat(b.message()).startsWith("Hello 张桂英").contains("press 1");
                assertThat(Path.of(b.prompt() + ".wav")).exists();
                assertThat(b.promptMs()).isGreaterThan(2000);
            }
        }
    }
}
