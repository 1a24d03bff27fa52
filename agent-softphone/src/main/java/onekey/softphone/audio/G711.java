package onekey.softphone.audio;

/** ITU-T G.711 μ-law (PCMU, RTP payload type 0) and A-law (PCMA, type 8), 16-bit linear PCM in and out. */
public final class G711 {

    private static final int BIAS = 0x84;
    private static final int CLIP = 32635;
    private static final short[] ULAW_DECODE = new short[256];
    private static final short[] ALAW_DECODE = new short[256];

    static {
        for (int i = 0; i < 256; i++) {
            ULAW_DECODE[i] = ulawToLinear((byte) i);
            ALAW_DECODE[i] = alawToLinear((byte) i);
        }
    }

    private G711() {
    }

    public static byte linearToUlaw(short pcm) {
        int sample = pcm;
        int sign = (sample >> 8) & 0x80;
        if (sign != 0) {
            sample = -sample;
        }
        if (sample > CLIP) {
            sample = CLIP;
        }
        sample += BIAS;
        int exponent = 7;
        for (int mask = 0x4000; (sample & mask) == 0 && exponent > 0; mask >>= 1) {
            exponent--;
        }
        int mantissa = (sample >> (exponent + 3)) & 0x0F;
        return (byte) ~(sign | (exponent << 4) | mantissa);
    }

    private static short ulawToLinear(byte b) {
        int u = ~b & 0xFF;
        int sign = u & 0x80;
        int exponent = (u >> 4) & 0x07;
        int mantissa = u & 0x0F;
        int sample = (((mantissa << 3) + BIAS) << exponent) - BIAS;
        return (short) (sign != 0 ? -sample : sample);
    }

    public static byte linearToAlaw(short pcm) {
        int sample = pcm;
        int mask;
        if (sample >= 0) {
            mask = 0xD5;
        } else {
            mask = 0x55;
            sample = -sample - 1;
        }
        if (sample > 32767) {
            sample = 32767;
        }
        int seg = 0;
        int[] ends = {0xFF, 0x1FF, 0x3FF, 0x7FF, 0xFFF, 0x1FFF, 0x3FFF, 0x7FFF};
        while (seg < 8 && sample > ends[seg]) {
            seg++;
        }
        if (seg >= 8) {
            return (byte) (0x7F ^ mask);
        }
        int aval = seg << 4;
        aval |= seg < 2 ? (sample >> 4) & 0x0F : (sample >> (seg + 3)) & 0x0F;
        return (byte) (aval ^ mask);
    }

    private static short alawToLinear(byte b) {
        int a = (b & 0xFF) ^ 0x55;
        int t = (a & 0x0F) << 4;
        int seg = (a & 0x70) >> 4;
        switch (seg) {
            case 0 -> t += 8;
            case 1 -> t += 0x108;
            default -> {
                t += 0x108;
                t <<= seg - 1;
            }
        }
        return (short) ((a & 0x80) != 0 ? t : -t);
    }

    public static short ulaw(byte b) {
        return ULAW_DECODE[b & 0xFF];
    }

    public static short alaw(byte b) {
        return ALAW_DECODE[b & 0xFF];
    }

    /** Encodes {@code pcm} for RTP payload type 0 (μ-law) or 8 (A-law). */
    public static byte[] encode(int payloadType, short[] pcm) {
        byte[] out = new byte[pcm.length];
        for (int i = 0; i < pcm.length; i++) {
            out[i] = payloadType == 8 ? linearToAlaw(pcm[i]) : linearToUlaw(pcm[i]);
        }
        return out;
    }

    public static short[] decode(int payloadType, byte[] data, int off, int len) {
        short[] out = new short[len];
        short[] table = payloadType == 8 ? ALAW_DECODE : ULAW_DECODE;
        for (int i = 0; i < len; i++) {
            out[i] = table[data[off + i] & 0xFF];
        }
        return out;
    }
}
