package onekey.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class LoginGuardTest {

    final AtomicLong now = new AtomicLong(1_000_000);
    final Clock clock = new Clock() {
        @Override
        public ZoneId getZone() {
            return ZoneId.of("UTC");
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(now.get());
        }
    };

    @Test
    void anAccountIsRefusedUntilItsOldestFailureLeavesTheWindow() {
        try (LoginGuard g = new LoginGuard(clock, 3, 100, 60_000, 1, 1)) {
            for (int i = 0; i < 3; i++) {
                assertTrue(g.begin("ann", "10.0.0.1").isEmpty());
                g.failed("ann", "10.0.0.1");
                now.addAndGet(10_000);
            }
            // failures at 0 s, 10 s, 20 s; now 30 s: the first leaves the window at 60 s
            var r = g.begin("ann", "10.0.0.2").orElseThrow();
            assertEquals("account", r.reason());
            assertEquals(30, r.retryAfterSeconds());
            assertTrue(g.begin("bob", "10.0.0.1").isEmpty());
            g.abandoned("bob", "10.0.0.1");
            now.addAndGet(30_000);
            assertTrue(g.begin("ann", "10.0.0.1").isEmpty());
        }
    }

    @Test
    void aSuccessClearsTheAccountButNotTheAddress() {
        try (LoginGuard g = new LoginGuard(clock, 2, 3, 60_000, 1, 1)) {
            g.failed("ann", "10.0.0.1");
            g.succeeded("ann", "10.0.0.1");
            g.failed("ann", "10.0.0.1");
            assertTrue(g.begin("ann", "10.0.0.9").isEmpty());
            g.abandoned("ann", "10.0.0.9");
            g.failed("bob", "10.0.0.1");
            var r = g.begin("carl", "10.0.0.1").orElseThrow();
            assertEquals("address", r.reason());
        }
    }

    @Test
    void hashesBeyondThePoolAndItsQueueAreRefusedAtOnce() throws Exception {
        try (LoginGuard g = new LoginGuard(clock, 5, 5, 60_000, 1, 1)) {
            CountDownLatch running = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            Thread first = Thread.ofVirtual().start(() -> g.hash(() -> {
                running.countDown();
                release.await();
                return true;
            }));
            running.await();
            Thread queued = Thread.ofVirtual().start(() -> g.hash(() -> true));
            org.awaitility.Awaitility.await().until(() -> queued.getState() == Thread.State.WAITING);
            assertThrows(RejectedExecutionException.class, () -> g.hash(() -> true));
            release.countDown();
            first.join();
            queued.join();
            assertEquals(Boolean.TRUE, g.hash(() -> true));
        }
    }

    @Test
    void attemptsUnderWayCountSoConcurrentGuessesCannotPassTheLimit() {
        try (LoginGuard g = new LoginGuard(clock, 100, 3, 60_000, 1, 1)) {
            // three guesses from one address are being hashed at once: a fourth must wait for their verdicts
            assertTrue(g.begin("a", "10.0.0.1").isEmpty());
            assertTrue(g.begin("b", "10.0.0.1").isEmpty());
            assertTrue(g.begin("c", "10.0.0.1").isEmpty());
            var r = g.begin("d", "10.0.0.1").orElseThrow();
            assertEquals("address", r.reason());
            assertEquals(1, r.retryAfterSeconds());
            g.abandoned("a", "10.0.0.1"); // no verdict: frees its place
            assertTrue(g.begin("d", "10.0.0.1").isEmpty());
            g.failed("b", "10.0.0.1");
            g.failed("c", "10.0.0.1");
            g.failed("d", "10.0.0.1");
            assertEquals(60, g.begin("e", "10.0.0.1").orElseThrow().retryAfterSeconds());
        }
    }

    @Test
    void rememberedKeysAreBounded() {
        try (LoginGuard g = new LoginGuard(clock, 1, 1_000_000, 60_000, 1, 1)) {
            for (int i = 0; i <= LoginGuard.MAX_KEYS; i++) {
                g.failed("user" + i, "10.0.0.1");
            }
            // the oldest name was forgotten, the newest is still refused
            assertTrue(g.begin("user0", "10.0.0.2").isEmpty());
            assertTrue(g.begin("user" + LoginGuard.MAX_KEYS, "10.0.0.2").isPresent());
        }
    }
}
