package onekey.softphone.rtp;

import java.util.TreeMap;

/**
 * A small fixed jitter buffer: packets are held by sequence number and played out one per 20 ms tick once
 * {@code depth} frames are queued; a missing frame plays as silence, a late one is dropped, and when more
 * than {@code max} frames pile up the oldest are dropped (the sender's clock runs fast). A jump of the sequence
 * number by more than {@link #RESYNC} either way is a new stream (after a transfer Asterisk relays another
 * party's packets with their own numbering): the buffer starts again instead of dropping them all as late
 * or playing silence for every missing number.
 */
public final class JitterBuffer {
    static final int RESYNC = 100;
    private final int depth;
    private final int max;
    private final TreeMap<Integer, short[]> frames = new TreeMap<>();
    private int next = -1;
    /** The last unwrapped sequence number received: the reference for unwrapping the next one. */
    private int ref = -1;
    private boolean playing;
    private long late;
    private long lost;
    private long resyncs;

    public JitterBuffer(int depth, int max) {
        this.depth = depth;
        this.max = max;
    }

    /** Unwraps the 16-bit sequence number near the next expected one. */
    private int unwrap(int seq16) {
        if (ref < 0) {
            return seq16 + 0x10000; // room below for packets that arrive out of order at the start
        }
        int cand = (ref & ~0xFFFF) | seq16;
        if (cand - ref > 0x8000) {
            cand -= 0x10000;
        } else if (ref - cand > 0x8000) {
            cand += 0x10000;
        }
        return cand;
    }

    public synchronized void put(int seq16, short[] pcm) {
        int seq = unwrap(seq16);
        if (ref >= 0 && Math.abs(seq - ref) > RESYNC) {
            reset();
            seq = unwrap(seq16);
        }
        ref = ref < 0 ? seq : Math.max(ref, seq);
        if (next >= 0 && seq < next) { // already played (or skipped as lost)
            late++;
            return;
        }
        frames.put(seq, pcm);
        while (frames.size() > max) {
            frames.pollFirstEntry();
            if (playing) {
                next = frames.firstKey();
            }
        }
    }

    /** One frame for this tick: null while filling (or empty after underrun), else the next frame or silence. */
    public synchronized short[] take() {
        if (!playing) {
            if (frames.size() < depth) {
                return null;
            }
            playing = true;
            next = Math.max(next, frames.firstKey());
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

    /** Forgets everything queued: the next packet starts a new stream (a new SSRC, a jump in numbering). */
    public synchronized void reset() {
        frames.clear();
        next = -1;
        ref = -1;
        playing = false;
        resyncs++;
    }

    public synchronized long resyncs() {
        return resyncs;
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
