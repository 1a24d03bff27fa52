package onekey.broadcast;

/**
 * New broadcast calls a second on the trunk (issue 9, "per-trunk limits on … new calls per second"): a token
 * bucket filled at {@code perSecond} and holding at most half a second's worth (at least one call), so a
 * sustained rate never exceeds the setting and a burst after a pause is short. Used on the broadcast thread only.
 */
final class CallRate {

    private final double perMilli;
    private final double capacity;
    private double tokens;
    private long last;

    /** {@code perSecond} 0: no limit. */
    CallRate(int perSecond, long now) {
        this.perMilli = perSecond / 1000.0;
        this.capacity = perSecond == 0 ? Double.MAX_VALUE : Math.max(1, perSecond / 2.0);
        this.tokens = perSecond == 0 ? Double.MAX_VALUE : 1;
        this.last = now;
    }

    /** How many calls may start now (after refilling for the time since the last look). */
    int available(long now) {
        if (perMilli > 0 && now > last) {
            tokens = Math.min(capacity, tokens + (now - last) * perMilli);
        }
        last = Math.max(last, now);
        return tokens >= Integer.MAX_VALUE ? Integer.MAX_VALUE : (int) Math.floor(tokens);
    }

    /** One call started. */
    void take() {
        if (perMilli > 0) {
            tokens -= 1;
        }
    }
}
