package onekey.elders;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Seals and opens the archive's secrets (the medical-insurance card number) with AES-256-GCM (issue 22: "stored
 * encrypted, AES-GCM with a key from the environment"). The key is 32 bytes given as 64 hex digits or base64
 * (config {@code archive.key}, env {@code ONEKEY_ARCHIVE_KEY}; {@code ./onekey demo} writes one into its secrets
 * file); it is never stored in the database. Each value gets a fresh 12-byte nonce; the sealed form is base64 of
 * {@code nonce || ciphertext || tag}; tampering with it is detected (the tag), not silently opened.
 */
public final class ArchiveCipher {

    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final byte[] AAD = "onekey.elder.insurance-card".getBytes(StandardCharsets.UTF_8);

    private final SecretKey key;
    private final SecureRandom random = new SecureRandom();

    private ArchiveCipher(byte[] key) {
        if (key.length != 32) {
            throw new IllegalArgumentException("the archive key must be 32 bytes (64 hex digits or base64 of 32 bytes), got "
                    + key.length);
        }
        this.key = new SecretKeySpec(key, "AES");
    }

    /** A cipher over {@code text}: 64 hex digits or base64 of 32 bytes. */
    public static ArchiveCipher of(String text) {
        String t = text == null ? "" : text.trim();
        if (t.isEmpty()) {
            throw new IllegalArgumentException("no archive key: set archive.key (ONEKEY_ARCHIVE_KEY)");
        }
        if (t.matches("[0-9a-fA-F]{64}")) {
            byte[] b = new byte[32];
            for (int i = 0; i < 32; i++) {
                b[i] = (byte) Integer.parseInt(t.substring(2 * i, 2 * i + 2), 16);
            }
            return new ArchiveCipher(b);
        }
        try {
            return new ArchiveCipher(Base64.getDecoder().decode(t));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the archive key must be 64 hex digits or base64 of 32 bytes");
        }
    }

    /** {@code number} sealed, with its last four characters to show. */
    public InsuranceCard seal(String number) {
        try {
            byte[] nonce = new byte[NONCE_BYTES];
            random.nextBytes(nonce);
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            c.updateAAD(AAD);
            byte[] ct = c.doFinal(number.getBytes(StandardCharsets.UTF_8));
            byte[] out = new byte[nonce.length + ct.length];
            System.arraycopy(nonce, 0, out, 0, nonce.length);
            System.arraycopy(ct, 0, out, nonce.length, ct.length);
            String last4 = number.length() <= 4 ? number : number.substring(number.length() - 4);
            return new InsuranceCard(Base64.getEncoder().encodeToString(out), last4);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM unavailable", e);
        }
    }

    /** The number sealed in {@code card} for elder {@code elderId}; {@link SecurityException} when it does not open. */
    public String open(long elderId, InsuranceCard card) {
        try {
            byte[] in = Base64.getDecoder().decode(card.sealed());
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, in, 0, NONCE_BYTES));
            c.updateAAD(AAD);
            return new String(c.doFinal(in, NONCE_BYTES, in.length - NONCE_BYTES), StandardCharsets.UTF_8);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new SecurityException("the insurance card of elder " + elderId
                    + " does not open with this archive key (another key, or altered)");
        }
    }

}
