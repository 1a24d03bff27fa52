package onekey.outbound;

/**
 * New bulk calls (broadcasts) a second on the trunk (issue 9, "per-trunk limits on … new calls per second"): every call
 * gets its own start slot on a fixed grid {@code 1000 / perSecond} ms apart, so the calls leave evenly (at 20 a
 * second one every 50 ms, not a second's worth in one lump) and the sustained rate is exactly the setting. The
 * dialer looks every {@link #HORIZON_MS} and hands out the slots that fall before its next look; a late
 * look catches up at most {@link #HORIZON_MS} of missed slots (so a slow tick costs no rate), and after a pause
 * the grid starts again from now (no burst for the idle time). Used on the broadcast thread only.
 */
public final class CallRate {

    /**
     * How far ahead slots are handed out: one busy pass of the dialer. 250 ms (100 before issue 23): each pass that
     * starts calls commits their rows in one transaction, so at 40 calls a second a pass every 250 ms is 4 commits a
     * second instead of 10, and a call still leaves at its own slot.
     */
    public static final long HORIZON_MS = 250;

    private final double interval;
    private double next;

    /** {@code perSecond} 0: no limit. */
    public CallRate(int perSecond) {
        this.interval = perSecond == 0 ? 0 : 1000.0 / perSecond;
        this.next = Long.MIN_VALUE / 2.0;
    }

    /** How many calls may be given a slot now (slots before {@code now + HORIZON_MS}). */
    public int available(long now) {
        if (interval == 0) {
            return Integer.MAX_VALUE;
        }
        double room = now + HORIZON_MS - from(now);
        return room <= 0 ? 0 : (int) Math.ceil(room / interval);
    }

    /** Takes the next slot: when the call may start (now, or a little later within the horizon). */
    public long reserve(long now) {
        if (interval == 0) {
            return now;
        }
        double slot = from(now);
        next = slot + interval;
        return Math.max(now, (long) Math.ceil(slot));
    }

    /** The next slot: on the grid, unless the grid is older than one horizon (idle): then from now. */
    private double from(long now) {
        return next < now - HORIZON_MS ? now : next;
    }
}
