package onekey.outbound;

import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The one thread a service runs its changes on (the outbound dialer, and each feature that owns legs): PBX events and
 * timers are handed to it, a request waits for its answer ({@link #call}) at most 30 s.
 */
public final class Worker implements AutoCloseable {
    private final ScheduledExecutorService exec;
    private final String busy;
    /** Run on the thread before each task ({@link #beforeEachTask}); null: nothing. */
    private volatile Runnable first;

    /** {@code name}: the thread's; {@code busy}: the message a request gets when the thread does not answer. */
    public Worker(String name, String busy) {
        this.busy = busy;
        var e = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        }) {
            @Override
            protected void beforeExecute(Thread t, Runnable r) {
                Runnable f = first;
                if (f != null) {
                    try {
                        f.run();
                    } catch (RuntimeException x) {
                        org.slf4j.LoggerFactory.getLogger(Worker.class).error("worker.before-task-failed thread={} error={}",
                                name, x.toString(), x);
                    }
                }
            }
        };
        e.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        this.exec = e;
    }

    /**
     * Has {@code r} run on the thread before every task handed to it: work that must not wait its turn behind the
     * queue (issue 23: a burst of "no response" confirmations waited behind the redials' results already queued on the
     * rescue thread). {@code r} must be quick when it has nothing to do; its exception is logged, the task still runs.
     */
    public void beforeEachTask(Runnable r) {
        first = r;
    }

    public void execute(Runnable r) {
        exec.execute(r);
    }

    public java.util.concurrent.ScheduledFuture<?> schedule(Runnable r, long delayMillis) {
        return exec.schedule(r, delayMillis, TimeUnit.MILLISECONDS);
    }

    /** {@code r} every {@code millis} (after the previous run ended). */
    public void every(long millis, Runnable r) {
        exec.scheduleWithFixedDelay(r, millis, millis, TimeUnit.MILLISECONDS);
    }

    /** Runs {@code c} on the thread and returns its result; its runtime exception is thrown here. */
    public <T> T call(Callable<T> c) {
        try {
            return exec.submit(c).get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (TimeoutException e) {
            throw new IllegalStateException(busy, e);
        }
    }

    /** Returns when everything handed to the thread before now has run. */
    public void drain() {
        call(() -> null);
    }

    /**
     * Stops: what runs now may finish (an interrupt inside a query would close an embedded H2 database under every
     * other user of it), nothing else runs; after 5 s the thread is interrupted.
     */
    @Override
    public void close() {
        exec.shutdown();
        try {
            if (!exec.awaitTermination(5, TimeUnit.SECONDS)) {
                exec.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            exec.shutdownNow();
        }
    }
}
