package onekey.softphone.rtp;

import java.util.TreeMap;

/**
 * A small fixed jitter buffer: packets are held by sequence number and played out one per 20 ms tick once
 * {@code depth} frames are queued; a missing frame plays as silence, a late one is dropped, and when more
 * than {@code max} frames pile up the oldest are dropped (the sender's clock runs fast).
 */
public final class JitterBuffer {
    private final int depth;
    private final int max;
    private final TreeMap<Integer, short[]> frames = new TreeMap<>();
    private int next = -1;
    private boolean playing;
    private long late;
    private long lost;

    public JitterBuffer(int depth, int max) {
        this.depth = depth;
        this.max = max;
    }

    /** Unwraps the 16-bit sequence number near the next expected one. */
    private int unwrap(int seq16) {
        if (next < 0) {
            return seq16;
        }
        int base = next & ~0xFFFF;
        int cand = base | seq16;
        if (cand - next > 0x8000) {
            cand -= 0x10000;
        } else if (next - cand > 0x8000) {
            cand += 0x10000;
        }
        return cand;
    }

    public synchronized void put(int seq16, short[] pcm) {
        int seq = unwrap(seq16);
        if (next >= 0 && seq < next) {
            late++;
            return;
        }
        if (next < 0) {
            next = seq;
        }
        frames.put(seq, pcm);
        while (frames.size() > max) {
            frames.pollFirstEntry();
            next = frames.firstKey();
        }
    }

    /** One frame for this tick: null while filling (or empty after underrun), else the next frame or silence. */
    public synchronized short[] take() {
        if (!playing) {
            if (frames.size() < depth) {
                return null;
            }
            playing = true;
            next = frames.firstKey();
        }
        if (frames.isEmpty()) {
            playing = false; // underrun: refill to depth
            return null;
        }
        short[] f = frames.remove(next);
        next++;
        if (f == null) {
            lost++;
            return new short[160];
        }
        return f;
    }

    public synchronized long late() {
        return late;
    }

    public synchronized long lost() {
        return lost;
    }

    /** The buffer's delay in ms (frames queued × 20). */
    public synchronized int delayMs() {
        return frames.size() * 20;
    }
}
