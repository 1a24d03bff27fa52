package onekey.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

    @Test
    void defaultsMatchTheDocumentedPorts() {
        OneKeyConfig c = ConfigLoader.load(null, Map.of());
        assertThat(c.ami().port()).isEqualTo(5038);
        assertThat(c.agi().port()).isEqualTo(4573);
        assertThat(c.http().port()).isEqualTo(8080);
        assertThat(c.asterisk().sipPort()).isEqualTo(5060);
        assertThat(c.db().url()).startsWith("jdbc:h2:file:").contains("MODE=MariaDB");
    }

    @Test
    void fileThenEnvironmentOverride(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("onekey.properties");
        Files.writeString(f, "ami.port=6038\nhttp.port=9090\n");
        OneKeyConfig c = ConfigLoader.load(f, Map.of("ONEKEY_HTTP_PORT", "9191"));
        assertThat(c.ami().port()).isEqualTo(6038);
        assertThat(c.http().port()).isEqualTo(9191);
    }

    @Test
    void badValuesNameTheKeyAndTheExpectedForm() {
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("ONEKEY_AMI_PORT", "five", "ONEKEY_DB_URL", "postgres://x")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("ami.port (ONEKEY_AMI_PORT) is 'five', expected an integer 0..65535")
                .hasMessageContaining("db.url");
    }

    @Test
    void unknownKeysInTheFileAreRefused(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("onekey.properties");
        Files.writeString(f, "ami.prot=6038\n");
        assertThatThrownBy(() -> ConfigLoader.load(f, Map.of())).isInstanceOf(ConfigException.class)
                .hasMessageContaining("ami.prot");
    }

    @Test
    void noSharedAmiSecretAndFastAgiFromLoopbackOnlyByDefault() {
        OneKeyConfig c = ConfigLoader.load(null, Map.of());
        assertThat(c.ami().secret()).isEmpty();
        assertThat(c.agi().allowFrom()).isEqualTo("127.0.0.1,::1");
        assertThat(ConfigLoader.load(null, Map.of("ONEKEY_AGI_ALLOWFROM", "127.0.0.1, 10.0.5.0/24")).agi().allowFrom())
                .isEqualTo("127.0.0.1,10.0.5.0/24");
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("ONEKEY_AGI_ALLOWFROM", "asterisk-host")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("agi.allowFrom (ONEKEY_AGI_ALLOWFROM) is 'asterisk-host', expected a comma list");
    }
}
