package onekey.calls;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import onekey.elders.Elder;
import onekey.elders.ElderRepository;
import onekey.elders.PhoneNumbers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who is calling: the elder owning the caller number and their last calls, looked up off the caller's
 * path with a deadline. RULE (ARCHITECTURE "Faults": database slow or away — lookups give up after
 * 300 ms): past the deadline, or on an error, the call goes on as an unknown caller and the screen pop
 * says the record could not be read.
 */
public final class CallerLookup {

    private static final Logger log = LoggerFactory.getLogger(CallerLookup.class);
    private static final int LAST_CALLS = 5;

    /** {@code unavailable}: the record could not be read (database slow or away), not "no such elder". */
    public record Result(Elder elder, List<CallRecord> lastCalls, boolean unavailable) {
        static final Result UNKNOWN = new Result(null, List.of(), false);
        static final Result UNAVAILABLE = new Result(null, List.of(), true);
    }

    /** Runs a task once a delay has passed: the lookup's deadline (real time in the server, a test clock in tests). */
    @FunctionalInterface
    public interface Timer {
        Timer REAL = (delayMs, task) -> CompletableFuture.delayedExecutor(delayMs, TimeUnit.MILLISECONDS).execute(task);

        void after(long delayMs, Runnable task);
    }

    private final ElderRepository elders;
    private final CallRepository calls;
    private final String defaultAreaCode;
    private final long timeoutMs;
    private final Timer timer;

    public CallerLookup(ElderRepository elders, CallRepository calls, String defaultAreaCode, long timeoutMs) {
        this(elders, calls, defaultAreaCode, timeoutMs, Timer.REAL);
    }

    public CallerLookup(ElderRepository elders, CallRepository calls, String defaultAreaCode, long timeoutMs, Timer timer) {
        this.elders = elders;
        this.calls = calls;
        this.defaultAreaCode = defaultAreaCode;
        this.timeoutMs = timeoutMs;
        this.timer = timer;
    }

    /** Starts the lookup on a virtual thread; the future completes within the deadline, never exceptionally. */
    public CompletableFuture<Result> lookup(String callerNumber, String linkedid) {
        String n = PhoneNumbers.normalize(callerNumber, defaultAreaCode);
        if (n == null) {
            return CompletableFuture.completedFuture(Result.UNKNOWN);
        }
        CompletableFuture<Result> f = new CompletableFuture<>();
        Thread.ofVirtual().name("caller-lookup").start(() -> {
            try {
                f.complete(read(n, linkedid));
            } catch (RuntimeException e) {
                log.error("caller lookup failed call={} caller={} error={}", linkedid, PhoneNumbers.mask(callerNumber), e.toString());
                f.complete(Result.UNAVAILABLE);
            }
        });
        timer.after(timeoutMs, () -> f.complete(Result.UNAVAILABLE));
        return f.whenComplete((r, e) -> {
            if (r != null && r.unavailable()) {
                log.warn("caller record not read within {} ms call={} caller={}: popped as unknown", timeoutMs, linkedid,
                        PhoneNumbers.mask(callerNumber));
            }
        });
    }

    /**
     * The elder owning the caller number, read without a deadline (off the call path: the late link once the database
     * answers again). Empty for a withheld number or no such elder; throws when the database cannot be read.
     */
    public Optional<Elder> elderFor(String callerNumber) {
        String n = PhoneNumbers.normalize(callerNumber, defaultAreaCode);
        return n == null ? Optional.empty() : elders.findByPhone(n);
    }

    /** Waits for the lookup (it is bounded by the deadline already). */
    public Result lookupNow(String callerNumber, String linkedid) {
        return lookup(callerNumber, linkedid).join();
    }

    private Result read(String normalized, String linkedid) {
        Optional<Elder> e = elders.findByPhone(normalized);
        if (e.isEmpty()) {
            return Result.UNKNOWN;
        }
        List<CallRecord> last = calls.find(e.get().id(), null, LAST_CALLS + 1).stream()
                .filter(c -> !c.linkedid().equals(linkedid))
                .limit(LAST_CALLS)
                .toList();
        return new Result(e.get(), last, false);
    }
}
