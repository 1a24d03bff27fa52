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
    /** Attempts under way (being hashed), by "a:" + username and "i:" + address. */
    private final Map<String, Integer> inFlight = new java.util.HashMap<>();
    private static final String ACCOUNT = "a:";
    private static final String ADDRESS = "i:";
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

    /**
     * Starts an attempt: a refusal when {@code username} or {@code address} is over its failure limit, else
     * empty. An attempt under way counts as a failure until it ends ({@link #failed}, {@link #succeeded} or
     * {@link #abandoned}), so concurrent guesses cannot slip past the limit while earlier ones are hashed.
     */
    public Optional<Refusal> begin(String username, String address) {
        long now = clock.millis();
        synchronized (this) {
            long a = wait(accountFailures.get(username), inFlight.getOrDefault(ACCOUNT + username, 0), perAccount, now);
            long b = wait(addressFailures.get(address), inFlight.getOrDefault(ADDRESS + address, 0), perAddress, now);
            if (a > 0 || b > 0) {
                return Optional.of(new Refusal(a >= b ? "account" : "address", Math.max(1, (Math.max(a, b) + 999) / 1000)));
            }
            inFlight.merge(ACCOUNT + username, 1, Integer::sum);
            inFlight.merge(ADDRESS + address, 1, Integer::sum);
        }
        return Optional.empty();
    }

    public synchronized void failed(String username, String address) {
        end(username, address);
        long now = clock.millis();
        add(accountFailures, username, now, perAccount);
        add(addressFailures, address, now, perAddress);
    }

    public synchronized void succeeded(String username, String address) {
        end(username, address);
        accountFailures.remove(username);
    }

    /** The attempt ended without a verdict (the hashing pool was full, an error): it counts as nothing. */
    public synchronized void abandoned(String username, String address) {
        end(username, address);
    }

    private void end(String username, String address) {
        inFlight.computeIfPresent(ACCOUNT + username, (k, v) -> v <= 1 ? null : v - 1);
        inFlight.computeIfPresent(ADDRESS + address, (k, v) -> v <= 1 ? null : v - 1);
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

    /**
     * Milliseconds until the key may try again; 0 when it may now. Attempts under way count as failures; when
     * they alone fill the limit, the answer is one second (they end within it).
     */
    private long wait(Deque<Long> failures, int pending, int limit, long now) {
        if (failures != null) {
            while (!failures.isEmpty() && failures.peekFirst() <= now - windowMillis) {
                failures.pollFirst();
            }
        }
        int recorded = failures == null ? 0 : failures.size();
        if (recorded + pending < limit) {
            return 0;
        }
        if (recorded == 0) {
            return 1000;
        }
        // the oldest failure that must leave the window before one more attempt fits
        int mustLeave = recorded + pending - limit; // 0-based index into the recorded failures
        Long[] times = failures.toArray(new Long[0]);
        return mustLeave < times.length ? Math.max(1, times[mustLeave] + windowMillis - now) : 1000;
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
