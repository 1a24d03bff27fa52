package onekey.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import onekey.testkit.Ports;
import onekey.testkit.Stack;
import onekey.testkit.TlsSipPhone;
import onekey.testkit.TlsTrust;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 6, "Transport": SIP over TLS with SRTP, the production setting for seats on other machines. Asterisk is
 * rendered with ONEKEY_SIP_TLS_CERT/KEY (templates/optional/pjsip.tls.conf), so the agent endpoints OneKey
 * provisions require TLS and SDES-keyed SRTP. A small SIP client over a Java SSLSocket (sipp here has no TLS)
 * registers as agent 1001 and calls the echo test (*43).
 */
class SipTlsIT {

    private static final Pattern CRYPTO =
            Pattern.compile("a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:([A-Za-z0-9+/]{40})");

    static Path certDir;
    static TlsTrust.Pem pem;
    static int tlsPort;
    static Stack stack;

    @BeforeAll
    static void up() throws Exception {
        certDir = Files.createTempDirectory("oksiptls");
        pem = TlsTrust.demoCertificate(certDir);
        tlsPort = Ports.free();
        stack = new Stack();
        stack.asterisk.with("ONEKEY_SIP_TLS_CERT", pem.cert().toString())
                .with("ONEKEY_SIP_TLS_KEY", pem.key().toString())
                .with("ONEKEY_SIP_TLS_PORT", String.valueOf(tlsPort));
        stack.startAsterisk().startServer();
        // OneKey writes the agents' endpoints; with TLS configured they inherit SRTP and the TLS transport
        Awaitility.await("agent 1001 provisioned with SRTP").atMost(Duration.ofSeconds(30))
                .until(() -> stack.asterisk.cli("pjsip show endpoint 1001").matches("(?s).*media_encryption\\s+:\\s+sdes.*"));
    }

    @AfterAll
    static void down() throws Exception {
        if (stack != null) {
            stack.close();
        }
        if (certDir != null) {
            try (var files = Files.walk(certDir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }

    @Test
    void asteriskListensForSipOverTlsWithSrtpLoaded() {
        assertThat(stack.asterisk.cli("pjsip show transports")).contains("transport-tls").contains(":" + tlsPort);
        assertThat(stack.asterisk.cli("module show like res_srtp")).contains("res_srtp.so").contains("Running");
        String endpoint = stack.asterisk.cli("pjsip show endpoint 1001");
        assertThat(endpoint).containsPattern("transport\\s+:\\s+transport-tls");
        assertThat(endpoint).containsPattern("media_encryption_optimistic\\s+:\\s+false");
    }

    @Test
    void agentRegistersOverTlsAndGetsSrtpKeysFromAsterisk() throws Exception {
        try (TlsSipPhone phone = new TlsSipPhone(TlsTrust.trusting(pem.cert()), "127.0.0.1", tlsPort, "1001", stack.sipSecret("1001"))) {
            assertThat(phone.tlsProtocol()).isIn("TLSv1.2", "TLSv1.3");
            TlsSipPhone.Response reg = phone.register();
            assertThat(reg.status()).as(phone.transcript()).isEqualTo(200);
            Awaitility.await("1001's contact over TLS").atMost(Duration.ofSeconds(5))
                    .until(() -> stack.asterisk.cli("pjsip show aor 1001").contains("transport=tls"));

            String offer = TlsSipPhone.srtpOffer(Ports.free());
            TlsSipPhone.Call call = phone.invite("*43", offer);
            assertThat(call.ok().status()).as(phone.transcript()).isEqualTo(200);
            String answer = call.ok().body();
            assertThat(answer).as(answer).containsPattern("m=audio \\d+ RTP/SAVP ");
            Matcher theirs = CRYPTO.matcher(answer);
            assertThat(theirs.find()).as("Asterisk's a=crypto line in:\n" + answer).isTrue();
            Matcher ours = CRYPTO.matcher(offer);
            assertThat(ours.find()).isTrue();
            assertThat(theirs.group(1)).as("Asterisk's own SDES key").isNotEqualTo(ours.group(1));
            phone.ack(call);
            Awaitility.await("echo test running").atMost(Duration.ofSeconds(5))
                    .until(() -> stack.asterisk.cli("core show channels concise").contains("PJSIP/1001"));

            TlsSipPhone.Response bye = phone.bye(call);
            assertThat(bye.status()).as(phone.transcript()).isEqualTo(200);
            Awaitility.await("channel gone").atMost(Duration.ofSeconds(5))
                    .until(() -> !stack.asterisk.cli("core show channels concise").contains("PJSIP/1001"));
        }
    }

    @Test
    void aSeatOfferingPlainRtpIsRefused() throws Exception {
        try (TlsSipPhone phone = new TlsSipPhone(TlsTrust.trusting(pem.cert()), "127.0.0.1", tlsPort, "1002", stack.sipSecret("1002"))) {
            assertThat(phone.register().status()).as(phone.transcript()).isEqualTo(200);
            String plain = TlsSipPhone.srtpOffer(Ports.free()).replace("RTP/SAVP", "RTP/AVP")
                    .replaceAll("a=crypto:[^\r]*\r\n", "");
            TlsSipPhone.Call call = phone.invite("*43", plain);
            assertThat(call.ok().status()).as(phone.transcript()).isEqualTo(488);
        }
    }
}
