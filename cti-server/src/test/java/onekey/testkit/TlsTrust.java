package onekey.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Trust for a test client: an SSLContext that trusts exactly the certificates in a PEM file (the demo's
 * self-signed certificate is its own CA), as {@code curl --cacert FILE} does. Host names are still checked.
 */
public final class TlsTrust {

    private TlsTrust() {
    }

    /** An SSLContext trusting the PEM certificate(s) in {@code caFile}; throws if the file is absent or not PEM. */
    public static SSLContext trusting(Path caFile) {
        try (InputStream in = Files.newInputStream(caFile)) {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            int i = 0;
            for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                ks.setCertificateEntry("ca" + i++, c);
            }
            if (i == 0) {
                throw new IllegalStateException("no certificate in " + caFile);
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(ks);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, tmf.getTrustManagers(), null);
            return ctx;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot trust " + caFile + ": " + e.getMessage(), e);
        }
    }

    /**
     * A certificate and PKCS#8 key made by the launcher's own generator ({@code ./onekey tls-cert DIR}, the one
     * {@code ./onekey demo} runs): DIR/cert.pem (also the CA file clients trust) and DIR/key.pem.
     */
    public record Pem(Path cert, Path key) {}

    public static Pem demoCertificate(Path dir) {
        Proc.run(java.util.List.of("bash", Repo.root().resolve("onekey").toString(), "tls-cert", dir.toString()),
                Repo.root(), java.util.Map.of(), 60);
        return new Pem(dir.resolve("cert.pem"), dir.resolve("key.pem"));
    }
}
