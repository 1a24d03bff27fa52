package onekey.broadcast;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
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
import onekey.testkit.RecordingPbx;
import onekey.testkit.TestClock;
import onekey.tts.AudioFiles;
import onekey.tts.EspeakTts;
import onekey.tts.FreeTts;
import onekey.tts.PromptCache;
import onekey.tts.RecordedPrompts;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Broadcast prompts with recordings (issue 9): a Shanghainese (wuu) elder's check-in is composed of the centre's wuu
 * recordings and Mandarin TTS, and a prompt the cache's bound removed between scheduling and dialling is made again
 * — with its recording — when the attempt is dialled. Real H2, espeak-ng and sox; the PBX records the call.
 */
class BroadcastRecordedPromptsTest {
    static final String BODY = "您好，这里是一键通关怀热线，我们来问候您。";
    static final String KEYS = "如果您一切都好，请按1。再听一遍请按2，需要帮助请按0。";

    @TempDir
    Path tmp;
    final TestClock clock = new TestClock(Instant.parse("2026-06-01T02:00:00Z")); // 10:00 in Shanghai
    final RecordingPbx pbx = new RecordingPbx();
    final Account agent = new Account(7, "ann", Role.AGENT, "1001", "secret", "Ann", true);
    Database db;
    JooqElderRepository elders;
    BroadcastService service;

    @BeforeEach
    void up() {
        db = onekey.testkit.H2Template.open(tmp.resolve("onekey"), "sa", 4);
        elders = new JooqElderRepository(db, "21", clock);
    }

    @AfterEach
    void down() {
        if (service != null) {
            service.close();
        }
        db.close();
    }

    private BroadcastService start(PromptCache cache) {
        BroadcastService s = new BroadcastService(new BroadcastRepository(db), elders, pbx, new EventHub(100), clock,
                new BroadcastService.Settings(Map.of("check-in", new RetryPlan(3, 600)), 30, 3, 6,
                        QuietHours.parse("21:00-08:00", ZoneId.of("Asia/Shanghai")), LocalTime.of(18, 0), 2, 10),
                new BroadcastPrompts(cache));
        s.pbxConnected();
        return s;
    }

    private Elder elder(String name, String language) {
        return elders.create(new ElderDraft(name, null, "F", List.of("13800000001"), "上海市黄浦区", null, "黄浦区", language,
                null, null, null, null, null, null, null, List.of()));
    }

    /** A take of {@code text} ("a person": espeak-ng's female Mandarin voice, 44.1 kHz stereo as a recorder writes). */
    private Path record(Path file, String text) throws Exception {
        Files.createDirectories(file.getParent());
        return AudioFiles.sox(AudioFiles.speech(tmp.resolve("raw-" + file.getFileName()), "cmn+f2", text), file,
                "-r 44100 -c 2", "");
    }

    private static PromptCache cache(Path prompts, Path recorded, long maxBytes) {
        return new PromptCache(prompts, List.of(EspeakTts.mandarin(), new FreeTts(), EspeakTts.english()),
                RecordedPrompts.in(recorded), maxBytes);
    }

    @Test
    void aShanghaineseElderHearsTheWuuRecordingsAndMandarinTtsForTheRest() throws Exception {
        Path recorded = tmp.resolve("recorded");
        record(recorded.resolve("wuu/checkin-body.wav"), BODY);
        AudioFiles.manifest(recorded.resolve("wuu"), "checkin-body.wav = @checkin.body");
        Path prompts = tmp.resolve("prompts");
        PromptCache cache = cache(prompts, recorded, PromptCache.DEFAULT_MAX_BYTES);
        service = start(cache);
        Elder e = elder("李阿婆", "wuu");

        Broadcast b = service.schedule(new BroadcastService.Request(e.id(), "check-in", Map.of(),
                clock.instant().plus(Duration.ofHours(1)), false), agent);

        assertThat(b.language()).isEqualTo("wuu");
        assertThat(b.message()).as("stored and shown in Mandarin characters").isEqualTo("李阿婆" + BODY + KEYS);
        Path wav = Path.of(b.prompt() + ".wav");
        assertThat(wav).exists();
        Path take = cache.compose(List.of(PromptCache.Part.fixed("checkin.body", BODY)), "wuu").orElseThrow();
        assertThat(AudioFiles.contains(AudioFiles.samples(wav), AudioFiles.samples(take))).isGreaterThan(0.98);
        // the name and the keys were spoken by the Mandarin voice: asking it for them now is a hit, not a synthesis
        long made = cache.synthesized();
        assertThat(cache.prompt("李阿婆", "zh")).isPresent();
        assertThat(cache.prompt(KEYS, "zh")).isPresent();
        assertThat(cache.synthesized()).isEqualTo(made);
        assertThat(b.promptMs()).isGreaterThan(3000);
    }

    @Test
    void aPromptEvictedAfterSchedulingIsSpokenAgainWithItsRecordingWhenDialled() throws Exception {
        Path recorded = tmp.resolve("recorded");
        record(recorded.resolve("zh/keys.checkin.wav"), KEYS);
        Path prompts = tmp.resolve("prompts");
        PromptCache cache = cache(prompts, recorded, 400_000);
        service = start(cache);
        Elder e = elder("张桂英", "zh");
        Broadcast b = service.schedule(new BroadcastService.Request(e.id(), "check-in", Map.of(),
                clock.instant().plus(Duration.ofHours(1)), false), agent);
        Path wav = Path.of(b.prompt() + ".wav");
        assertThat(wav).exists();
        short[] scheduled = AudioFiles.samples(wav);

        // the centre's other prompts fill the cache: the broadcast's prompt, unused since, is removed
        for (int i = 0; i < 30 && Files.exists(wav); i++) {
            cache.prompt("这是第" + i + "条其他的提示语，用来把缓存填满，内容没有别的意义。", "zh").orElseThrow();
        }
        assertThat(wav).as("evicted by tts.cacheMaxMb").doesNotExist();
        assertThat(cache.evicted()).isPositive();

        clock.advance(Duration.ofHours(1).plusSeconds(1));
        RecordingPbx.Call call = pbx.await(1);
        String played = call.vars().get("ONEKEY_PROMPT");
        assertThat(Path.of(played + ".wav")).as("spoken again before the call").exists();
        assertThat(played).isEqualTo(b.prompt()); // the same pieces make the same prompt
        short[] again = AudioFiles.samples(Path.of(played + ".wav"));
        assertThat(again).isEqualTo(scheduled);
        Path take = cache.compose(List.of(PromptCache.Part.fixed("keys.checkin", KEYS)), "zh").orElseThrow();
        assertThat(AudioFiles.contains(again, AudioFiles.samples(take))).as("with its recording").isGreaterThan(0.98);
    }
}
