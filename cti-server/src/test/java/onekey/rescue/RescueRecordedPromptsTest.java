package onekey.rescue;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import onekey.auth.Account;
import onekey.auth.Role;
import onekey.elders.Contact;
import onekey.elders.Elder;
import onekey.elders.ElderDraft;
import onekey.elders.JooqElderRepository;
import onekey.events.EventHub;
import onekey.store.Database;
import onekey.telephony.PbxEvent;
import onekey.testkit.RecordingPbx;
import onekey.testkit.TestClock;
import onekey.tts.AudioFiles;
import onekey.tts.EspeakTts;
import onekey.tts.PromptCache;
import onekey.tts.RecordedPrompts;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seat A's message to an emergency contact with the centre's recordings (issue 8 + 9): a Shanghainese (wuu) contact
 * hears the wuu recording of the message's fixed ending ("rescue.keys") and Mandarin TTS for who and where. Real H2,
 * espeak-ng and sox; the PBX records the calls.
 */
class RescueRecordedPromptsTest {
    static final String ELDER = "2164000001";
    static final String SON = "13800000002";
    static final String KEYS = "如果您能马上过去看看，请按1。重听请按2。";

    @TempDir
    Path tmp;
    final TestClock clock = new TestClock(Instant.parse("2026-06-01T02:00:00Z"));
    final RecordingPbx pbx = new RecordingPbx();
    final Account agent = new Account(7, "ann", Role.AGENT, "1001", "secret", "Ann", true);
    Database db;
    RescueService rescue;
    PromptCache cache;
    Elder elder;

    @BeforeEach
    void up() throws Exception {
        Path wuu = Files.createDirectories(tmp.resolve("recorded/wuu"));
        AudioFiles.sox(AudioFiles.speech(tmp.resolve("take.wav"), "cmn+f2", KEYS), wuu.resolve("rescue.keys.wav"),
                "-r 48000 -c 2", "");
        cache = new PromptCache(tmp.resolve("prompts"), List.of(EspeakTts.mandarin(), EspeakTts.english()),
                RecordedPrompts.in(tmp.resolve("recorded")), PromptCache.DEFAULT_MAX_BYTES);
        db = onekey.testkit.H2Template.open(tmp.resolve("onekey"), "sa", 4);
        JooqElderRepository elders = new JooqElderRepository(db, "21", clock);
        elder = elders.create(new ElderDraft("王阿婆", null, "F", List.of(ELDER), "上海市黄浦区南京东路 100 号", null, "黄浦",
                "wuu", "living-alone", null, null, null, null, null, null, List.of(new Contact("王明", "儿子", SON, "wuu"))));
        rescue = new RescueService(new IncidentRepository(db), elders, pbx, new EventHub(100), clock,
                new RescueService.Settings(2, 60, 30, 8, 500, 300, 48, 120), new RescueService.Prompts() {
                    @Override
                    public Optional<String> playbackPath(String text, String language) {
                        return cache.playbackPath(text, language);
                    }

                    @Override
                    public Optional<String> playbackPath(List<PromptCache.Part> message, String language) {
                        return cache.compose(message, language).map(PromptCache::withoutExtension);
                    }
                });
        rescue.pbxConnected();
    }

    @AfterEach
    void down() {
        rescue.close();
        db.close();
    }

    @Test
    void aShanghaineseContactHearsTheRecordedEndingAndMandarinTtsForWhoAndWhere() throws Exception {
        assertThat(RescueService.contactLanguage(elder, SON)).isEqualTo("wuu");
        long id = rescue.noResponse(elder.id(), null, agent, "no-response").incident().id();
        rescue.onEvent(new PbxEvent.OutResult("r1", clock.millis(), pbx.await(1).step(), "silent"));
        // redial 2 planned a minute later on the injected clock; then that minute passes
        Awaitility.await().until(() -> rescue.get(id).orElseThrow().steps().stream()
                .anyMatch(st -> st.seq() == 2 && st.state().equals("planned")));
        clock.advance(Duration.ofSeconds(61));
        RecordingPbx.Call redial2 = pbx.await(2);
        rescue.onEvent(new PbxEvent.OriginateResult("r2", clock.millis(), redial2.actionId(), false, 3));

        RecordingPbx.Call son = pbx.await(3);
        assertThat(son.context()).isEqualTo("onekey-out-contact");
        assertThat(son.vars()).containsEntry("ONEKEY_LANG", "wuu");
        Path message = Path.of(son.vars().get("ONEKEY_PROMPT") + ".wav");
        assertThat(message).exists();
        Path take = cache.compose(List.of(PromptCache.Part.fixed("rescue.keys", KEYS)), "wuu").orElseThrow();
        assertThat(AudioFiles.contains(AudioFiles.samples(message), AudioFiles.samples(take)))
                .as("the recorded ending is in the message").isGreaterThan(0.98);
        // who and where: Mandarin TTS (asking the Mandarin voice for that run now is a hit, not a synthesis)
        long made = cache.synthesized();
        assertThat(cache.prompt("您好，这里是一键通紧急救助中心。王阿婆按了一键呼叫，但是没有回应，我们联系不上。地址是"
                + "上海市黄浦区南京东路 100 号。", "zh")).isPresent();
        assertThat(cache.synthesized()).isEqualTo(made);
    }
}
