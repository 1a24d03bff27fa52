package onekey.devices;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * {@code X-OneKey-Signature: sha256=<hex HMAC-SHA256 of the raw body>} with the platform's own key (issue 24). Compared
 * in constant time.
 */
public final class AlarmSignature {
    private AlarmSignature() {
    }

    public static String sign(String key, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 not available", e);
        }
    }

    /**
     * The dialplan's proof (it has SHA1() but no HMAC): {@code sha1=<hex SHA-1 of key ‖ body>}. Only for what Asterisk
     * hands over on the centre's own network (platform {@code asterisk}); device platforms use {@link #verify}.
     */
    public static boolean verifyKeyedSha1(String key, byte[] body, String header) {
        if (key == null || header == null) {
            return false;
        }
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-1");
            md.update(key.getBytes(StandardCharsets.UTF_8));
            md.update(body);
            byte[] expected = ("sha1=" + HexFormat.of().formatHex(md.digest())).getBytes(StandardCharsets.US_ASCII);
            return MessageDigest.isEqual(expected, header.trim().toLowerCase(java.util.Locale.ROOT)
                    .getBytes(StandardCharsets.US_ASCII));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** True when {@code header} is the body's signature with {@code key}; false for a missing key or header. */
    public static boolean verify(String key, byte[] body, String header) {
        if (key == null || header == null) {
            return false;
        }
        byte[] expected = sign(key, body).getBytes(StandardCharsets.US_ASCII);
        byte[] given = header.trim().toLowerCase(java.util.Locale.ROOT).getBytes(StandardCharsets.US_ASCII);
        return MessageDigest.isEqual(expected, given);
    }

    /**
     * The acknowledgement of a MESSAGE alarm handed over by the dialplan: hex SHA-1 of the key, "taken" and the body as
     * received. The dialplan computes the same ({@code SHA1(key taken body)}) and counts only that answer as taken, so
     * a reply that is not OneKey's (whatever answers on the port) never stops the fail-open SOS path.
     */
    public static String messageAck(String key, byte[] body) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-1");
            md.update(key.getBytes(StandardCharsets.UTF_8));
            md.update("taken".getBytes(StandardCharsets.US_ASCII));
            md.update(body);
            return HexFormat.of().formatHex(md.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
