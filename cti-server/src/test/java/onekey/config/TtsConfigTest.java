package onekey.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** tts.cacheMaxMb, tts.ratePercent and paths.recordedPrompts: defaults, and bad values stop the start with the key and the expected form. */
class TtsConfigTest {

    @TempDir
    Path dir;

    @Test
    void defaults() {
        OneKeyConfig.Tts t = ConfigLoader.load(null, Map.of()).tts();
        assertThat(t.cacheMaxMb()).isEqualTo(1024);
        assertThat(t.cacheMaxBytes()).isEqualTo(1024L * 1024 * 1024);
        assertThat(t.ratePercent()).isEqualTo(100);
        assertThat(t.recordedPrompts()).isEqualTo(Path.of("./run/recorded-prompts").toAbsolutePath().normalize());
        assertThat(ConfigLoader.load(null, Map.of("ONEKEY_PATHS_RECORDEDPROMPTS", "")).tts().recordedPrompts())
                .as("empty: no recordings").isNull();
    }

    @Test
    void badValuesNameTheirKeyAndTheExpectedForm() throws Exception {
        for (String bad : new String[] {"0", "-5", "1GB", "2000000"}) {
            assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("ONEKEY_TTS_CACHEMAXMB", bad)))
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining("tts.cacheMaxMb (ONEKEY_TTS_CACHEMAXMB) is '" + bad + "', expected a size in"
                            + " megabytes, an integer 1..1048576");
        }
        for (String bad : new String[] {"49", "301", "fast", "1.5"}) {
            assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("ONEKEY_TTS_RATEPERCENT", bad)))
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining("tts.ratePercent (ONEKEY_TTS_RATEPERCENT) is '" + bad + "', expected an"
                            + " integer 50..300");
        }
        assertThat(ConfigLoader.load(null, Map.of("ONEKEY_TTS_RATEPERCENT", "80")).tts().ratePercent()).isEqualTo(80);
        Path file = Files.writeString(dir.resolve("not-a-folder"), "x");
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("ONEKEY_PATHS_RECORDEDPROMPTS", file.toString())))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("paths.recordedPrompts (ONEKEY_PATHS_RECORDEDPROMPTS)")
                .hasMessageContaining("expected a folder");
        Path props = Files.writeString(dir.resolve("onekey.properties"), "tts.cacheMaxMb=256\npaths.recordedPrompts="
                + dir.resolve("recordings") + "\n");
        OneKeyConfig.Tts t = ConfigLoader.load(props, Map.of()).tts();
        assertThat(t.cacheMaxMb()).isEqualTo(256);
        assertThat(t.recordedPrompts()).isEqualTo(dir.resolve("recordings").toAbsolutePath().normalize());
    }
}
