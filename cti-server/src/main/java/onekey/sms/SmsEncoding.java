package onekey.sms;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * How a text goes on the air (SMPP 3.4 / GSM 03.38 / 3GPP TS 23.040), protocol-free so it is tested alone: GSM 7-bit
 * (data coding 0, one unpacked septet per byte, as SMPP carries it) when every character is in the GSM default
 * alphabet or its extension table, else UCS2 (data coding 8, UTF-16BE) — Chinese always. A text longer than one
 * message is cut into parts, each with a concatenation header (IEI 0x00, 8-bit reference, total, sequence; all
 * parts the same reference): 153 septets or 67 UCS2 characters a part, never cutting an escape sequence or a
 * surrogate pair.
 */
public final class SmsEncoding {

    public static final byte GSM7 = 0x00;
    public static final byte UCS2 = 0x08;

    /** GSM 03.38 default alphabet, position = septet value. */
    static final String GSM_BASIC = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\u001bÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
            + "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
    /** Extension table: the character and the septet that follows ESC (0x1B). */
    static final String GSM_EXT_CHARS = "\f^{}\\[~]|€";
    static final byte[] GSM_EXT_CODES = {0x0A, 0x14, 0x28, 0x29, 0x2F, 0x3C, 0x3D, 0x3E, 0x40, 0x65};

    private SmsEncoding() {
    }

    /** The encoded text: data coding and the short_message bytes of each part (with its UDH when more than one). */
    public record Encoded(byte dataCoding, List<byte[]> parts) {
        public boolean concatenated() {
            return parts.size() > 1;
        }
    }

    /** Whether every character of {@code text} has a GSM 7-bit code. */
    public static boolean gsmOnly(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\u001b' || GSM_BASIC.indexOf(c) < 0 && GSM_EXT_CHARS.indexOf(c) < 0) {
                return false;
            }
        }
        return true;
    }

    /** The septets of one character (one, or ESC and one). */
    private static byte[] septets(char c) {
        int b = GSM_BASIC.indexOf(c);
        if (b >= 0) {
            return new byte[] {(byte) b};
        }
        int e = GSM_EXT_CHARS.indexOf(c);
        return new byte[] {0x1B, GSM_EXT_CODES[e]};
    }

    /** Encodes {@code text}; {@code reference} names the parts of one text (0..255). */
    public static Encoded encode(String text, int reference) {
        if (text == null || text.isEmpty()) {
            throw new IllegalArgumentException("empty text");
        }
        List<byte[]> chunks = new ArrayList<>();
        byte coding;
        if (gsmOnly(text)) {
            coding = GSM7;
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            List<Integer> charEnds = new ArrayList<>();
            for (int i = 0; i < text.length(); i++) {
                all.writeBytes(septets(text.charAt(i)));
                charEnds.add(all.size());
            }
            byte[] s = all.toByteArray();
            if (s.length <= 160) {
                chunks.add(s);
            } else {
                int start = 0;
                int lastEnd = 0;
                for (int end : charEnds) {
                    if (end - start > 153) {
                        chunks.add(java.util.Arrays.copyOfRange(s, start, lastEnd));
                        start = lastEnd;
                    }
                    lastEnd = end;
                }
                chunks.add(java.util.Arrays.copyOfRange(s, start, lastEnd));
            }
        } else {
            coding = UCS2;
            if (text.length() <= 70) {
                chunks.add(text.getBytes(StandardCharsets.UTF_16BE));
            } else {
                int i = 0;
                while (i < text.length()) {
                    int end = Math.min(text.length(), i + 67);
                    if (end < text.length() && Character.isHighSurrogate(text.charAt(end - 1))) {
                        end--;
                    }
                    chunks.add(text.substring(i, end).getBytes(StandardCharsets.UTF_16BE));
                    i = end;
                }
            }
        }
        if (chunks.size() == 1) {
            return new Encoded(coding, chunks);
        }
        if (chunks.size() > 255) {
            throw new IllegalArgumentException("text too long: " + chunks.size() + " parts (at most 255)");
        }
        List<byte[]> parts = new ArrayList<>(chunks.size());
        for (int n = 0; n < chunks.size(); n++) {
            byte[] c = chunks.get(n);
            byte[] p = new byte[6 + c.length];
            p[0] = 0x05; // UDH length
            p[1] = 0x00; // IEI: concatenated short messages, 8-bit reference
            p[2] = 0x03;
            p[3] = (byte) reference;
            p[4] = (byte) chunks.size();
            p[5] = (byte) (n + 1);
            System.arraycopy(c, 0, p, 6, c.length);
            parts.add(p);
        }
        return new Encoded(coding, parts);
    }

    /** The text of a received short_message (a reply): UDH skipped when {@code udhi}; GSM, Latin-1 or UCS2. */
    public static String decode(byte dataCoding, byte[] message, boolean udhi) {
        if (message == null) {
            return "";
        }
        int from = 0;
        if (udhi && message.length > 0) {
            from = Math.min(message.length, (message[0] & 0xFF) + 1);
        }
        byte[] body = java.util.Arrays.copyOfRange(message, from, message.length);
        int alphabet = dataCoding & 0x0F;
        if ((dataCoding & 0xC0) == 0 && alphabet == 0x08) {
            return new String(body, StandardCharsets.UTF_16BE);
        }
        if ((dataCoding & 0xC0) == 0 && alphabet == 0x03) {
            return new String(body, StandardCharsets.ISO_8859_1);
        }
        if ((dataCoding & 0xC0) == 0 && alphabet == 0x04) {
            return new String(body, StandardCharsets.UTF_8);
        }
        StringBuilder sb = new StringBuilder(body.length);
        for (int i = 0; i < body.length; i++) {
            int v = body[i] & 0x7F;
            if (v == 0x1B && i + 1 < body.length) {
                int e = body[++i] & 0x7F;
                char ch = ' ';
                for (int k = 0; k < GSM_EXT_CODES.length; k++) {
                    if (GSM_EXT_CODES[k] == e) {
                        ch = GSM_EXT_CHARS.charAt(k);
                    }
                }
                sb.append(ch);
            } else {
                sb.append(GSM_BASIC.charAt(v));
            }
        }
        return sb.toString();
    }
}
