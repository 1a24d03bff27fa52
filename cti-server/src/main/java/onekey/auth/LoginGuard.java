package onekey.auth;

import java.time.Clock;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Guards password checks, which cost ~0.1 s of CPU each (210k PBKDF2 rounds) on the machine that also runs
 * Asterisk:
 *
 * <ul>
 *   <li><b>Throttling before hashing.</b> An account name with {@code perAccount} failures inside
 *   {@code window}, or an address with {@code perAddress} failures inside it, is refused without hashing
 *   until the oldest of those failures leaves the window ({@link Refusal#retryAfterSeconds}). A success clears
 *   the account's failures, not the address's. Unknown usernames count like known ones, so the throttle does
 *   not reveal which exist.</li>
 *   <li><b>A small bounded pool.</b> Every hash runs on one of {@code threads} threads with at most
 *   {@code queue} waiting; a burst beyond that is refused as busy at once, so logins can never take more
 *   than {@code threads} cores however many arrive.</li>
 * </ul>
 * Memory is bounded: at most {@value #MAX_KEYS} names and addresses are remembered (the oldest forgotten).
 */
public final class LoginGuard implements AutoCloseable {

    static final int MAX_KEYS = 10_000;

    /** Why a login was refused before any password was checked. */
    public record Refusal(String reason, long retryAfterSeconds) {}

    private final Clock clock;
    private final int perAccount;
    private final int perAddress;
    private final long windowMillis;
    private final Map<String, Deque<Long>> accountFailures = lru();
    private final Map<String, Deque<Long>> addressFailures = lru();
    private final ThreadPoolExecutor pool;

    public LoginGuard(Clock clock, int perAccount, int perAddress, long windowMillis, int threads, int queue) {
        if (perAccount < 1 || perAddress < 1 || windowMillis < 1 || threads < 1 || queue < 0) {
            throw new IllegalArgumentException("login guard limits must be positive");
        }
        this.clock = clock;
        this.perAccount = perAccount;
        this.perAddress = perAddress;
        this.windowMillis = windowMillis;
        this.pool = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.MILLISECONDS,
                queue == 0 ? new java.util.concurrent.SynchronousQueue<>() : new ArrayBlockingQueue<>(queue),
                r -> {
                    Thread t = new Thread(r, "login-hash");
                    t.setDaemon(true);
                    t.setPriority(Thread.MIN_PRIORITY);
                    return t;
                }, new ThreadPoolExecutor.AbortPolicy());
    }

    /** A refusal when {@code username} or {@code address} is over its failure limit, else empty. */
    public Optional<Refusal> check(String username, String address) {
        long now = clock.millis();
        synchronized (this) {
            long a = wait(accountFailures.get(username), perAccount, now);
            long b = wait(addressFailures.get(address), perAddress, now);
            if (a > 0 || b > 0) {
                return Optional.of(new Refusal(a >= b ? "account" : "address", Math.max(1, (Math.max(a, b) + 999) / 1000)));
            }
        }
        return Optional.empty();
    }

    public synchronized void failed(String username, String address) {
        long now = clock.millis();
        add(accountFailures, username, now, perAccount);
        add(addressFailures, address, now, perAddress);
    }

    public synchronized void succeeded(String username) {
        accountFailures.remove(username);
    }

    /**
     * Runs a password hash or check on the bounded pool and waits for it.
     *
     * @throws RejectedExecutionException when the pool and its queue are full
     */
    public <T> T hash(Callable<T> work) {
        Future<T> f = pool.submit(work);
        try {
            return f.get();
        } catch (InterruptedException e) {
            f.cancel(true);
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while checking a password", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    /** Milliseconds until the key may try again; 0 when it may now. */
    private long wait(Deque<Long> failures, int limit, long now) {
        if (failures == null) {
            return 0;
        }
        while (!failures.isEmpty() && failures.peekFirst() <= now - windowMillis) {
            failures.pollFirst();
        }
        if (failures.size() < limit) {
            return 0;
        }
        return failures.peekFirst() + windowMillis - now;
    }

    private void add(Map<String, Deque<Long>> map, String key, long now, int limit) {
        Deque<Long> d = map.computeIfAbsent(key, k -> new ArrayDeque<>());
        d.addLast(now);
        while (d.size() > limit) {
            d.pollFirst();
        }
    }

    private static Map<String, Deque<Long>> lru() {
        return new LinkedHashMap<>(256, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Deque<Long>> eldest) {
                return size() > MAX_KEYS;
            }
        };
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
