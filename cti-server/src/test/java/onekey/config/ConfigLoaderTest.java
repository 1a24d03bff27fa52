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
        assertThat(c.asterisk().sipHost()).isEqualTo("127.0.0.1");
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

    @Test
    void metricsAreOpenToLoopbackOnlyByDefaultAndABadListIsNamed() {
        assertThat(ConfigLoader.load(null, Map.of()).metrics().allowFrom()).isEqualTo("127.0.0.1,::1");
        assertThat(ConfigLoader.load(null, Map.of("ONEKEY_METRICS_ALLOWFROM", "10.0.9.0/24 , ::1")).metrics().allowFrom())
                .isEqualTo("10.0.9.0/24,::1");
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("ONEKEY_METRICS_ALLOWFROM", "prometheus.local")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("metrics.allowFrom (ONEKEY_METRICS_ALLOWFROM) is 'prometheus.local', expected a comma list");
    }

    @Test
    void plainHttpOnANetworkAddressIsRefusedUnlessAllowed() {
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("ONEKEY_HTTP_BIND", "0.0.0.0")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("http.bind (ONEKEY_HTTP_BIND) is '0.0.0.0', not a loopback address")
                .hasMessageContaining("http.tlsCert").hasMessageContaining("http.tlsKey")
                .hasMessageContaining("http.allowPlaintext=true");
        OneKeyConfig allowed = ConfigLoader.load(null, Map.of("ONEKEY_HTTP_BIND", "0.0.0.0", "ONEKEY_HTTP_ALLOWPLAINTEXT", "true"));
        assertThat(allowed.httpTls().allowPlaintext()).isTrue();
        assertThat(allowed.httpTls().enabled()).isFalse();
        OneKeyConfig loopback = ConfigLoader.load(null, Map.of("ONEKEY_HTTP_BIND", "127.0.0.1"));
        assertThat(loopback.httpTls().enabled()).isFalse();
        assertThat(loopback.http().bind()).isEqualTo("127.0.0.1");
    }

    @Test
    void tlsNeedsACertificateAndAPkcs8Key(@TempDir Path dir) throws Exception {
        Path cert = dir.resolve("cert.pem");
        Path key = dir.resolve("key.pem");
        Path ecKey = dir.resolve("ec.pem");
        Files.writeString(cert, "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n");
        Files.writeString(key, "-----BEGIN PRIVATE KEY-----\nMIIB\n-----END PRIVATE KEY-----\n");
        Files.writeString(ecKey, "-----BEGIN EC PRIVATE KEY-----\nMIIB\n-----END EC PRIVATE KEY-----\n");
        OneKeyConfig c = ConfigLoader.load(null, Map.of("ONEKEY_HTTP_BIND", "0.0.0.0",
                "ONEKEY_HTTP_TLSCERT", cert.toString(), "ONEKEY_HTTP_TLSKEY", key.toString()));
        assertThat(c.httpTls().enabled()).isTrue();
        assertThat(c.httpTls().cert()).isEqualTo(cert);
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("ONEKEY_HTTP_TLSCERT", cert.toString())))
                .hasMessageContaining("go together");
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("ONEKEY_HTTP_TLSCERT", cert.toString(),
                "ONEKEY_HTTP_TLSKEY", ecKey.toString())))
                .hasMessageContaining("http.tlsKey (ONEKEY_HTTP_TLSKEY)").hasMessageContaining("openssl pkcs8 -topk8");
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("ONEKEY_HTTP_TLSCERT", dir.resolve("none.pem").toString(),
                "ONEKEY_HTTP_TLSKEY", key.toString())))
                .hasMessageContaining("http.tlsCert (ONEKEY_HTTP_TLSCERT)").hasMessageContaining("cannot read it");
    }
}
