package onekey.orders;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The webhook's signature (issue 21), both ways: {@code X-OneKey-Timestamp} is the Unix time in seconds and
 * {@code X-OneKey-Signature} is {@code sha256=} and the hex HMAC-SHA256, under the supplier's key, of the timestamp, a
 * dot and the body's bytes. A request older or newer than {@link #TOLERANCE_SECONDS} is refused (no replays).
 */
public final class Signatures {
    public static final String TIMESTAMP = "X-OneKey-Timestamp";
    public static final String SIGNATURE = "X-OneKey-Signature";
    public static final long TOLERANCE_SECONDS = 300;

    private Signatures() {
    }

    public static String sign(String key, long timestampSeconds, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            mac.update((timestampSeconds + ".").getBytes(StandardCharsets.US_ASCII));
            return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A signed POST of the JSON {@code body} to {@code url}: the timestamp and signature headers under {@code key}
     * (the orders' supplier webhooks, the monthly report's push to the district's platform).
     */
    public static java.net.http.HttpRequest post(java.net.URI url, String key, long timestampSeconds, byte[] body,
                                                 java.time.Duration timeout) {
        return java.net.http.HttpRequest.newBuilder(url).timeout(timeout)
                .header("Content-Type", "application/json; charset=utf-8")
                .header(TIMESTAMP, Long.toString(timestampSeconds))
                .header(SIGNATURE, sign(key, timestampSeconds, body))
                .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(body)).build();
    }

    /** Whether the headers sign {@code body} under {@code key} within the tolerance of {@code nowMillis}. */
    public static boolean verify(String key, String timestamp, String signature, byte[] body, long nowMillis) {
        if (key == null || key.isEmpty() || timestamp == null || signature == null) {
            return false;
        }
        long ts;
        try {
            ts = Long.parseLong(timestamp.trim());
        } catch (NumberFormatException e) {
            return false;
        }
        if (Math.abs(nowMillis / 1000 - ts) > TOLERANCE_SECONDS) {
            return false;
        }
        byte[] want = sign(key, ts, body).getBytes(StandardCharsets.US_ASCII);
        return MessageDigest.isEqual(want, signature.trim().getBytes(StandardCharsets.US_ASCII));
    }
}
