package onekey.testkit;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;

/** A clock the test moves (injected where the code takes a {@link Clock}); UTC. */
public final class TestClock extends Clock {
    private final AtomicLong now;

    public TestClock(long startMillis) {
        now = new AtomicLong(startMillis);
    }

    public TestClock(Instant start) {
        this(start.toEpochMilli());
    }

    public void advance(long millis) {
        now.addAndGet(millis);
    }

    public void advance(Duration d) {
        advance(d.toMillis());
    }

    public void set(Instant t) {
        now.set(t.toEpochMilli());
    }

    @Override
    public long millis() {
        return now.get();
    }

    @Override
    public Instant instant() {
        return Instant.ofEpochMilli(now.get());
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }
}
