package onekey.testkit;

import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.Delayed;
import java.util.concurrent.FutureTask;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A scheduler a unit test drives: nothing runs on its own; {@link #advance} moves its time (and the {@link TestClock}
 * given, if any) and runs, on the test's thread and in time order, every task that has come due, including the ones
 * those tasks schedule. So a test proves "not before 10 s, then at once" with no real wait.
 */
public final class ManualScheduler extends AbstractExecutorService implements ScheduledExecutorService {
    private final TestClock clock;
    private final PriorityQueue<Task<?>> queue = new PriorityQueue<>();
    private long now;
    private long seq;
    private boolean shutdown;

    /** Its own time, starting at 0. */
    public ManualScheduler() {
        this(null);
    }

    /** Time shared with {@code clock}: {@link #advance} moves both. */
    public ManualScheduler(TestClock clock) {
        this.clock = clock;
        this.now = clock == null ? 0 : clock.millis();
    }

    /** Moves time on by {@code millis} and runs what came due; returns how many tasks ran. */
    public int advance(long millis) {
        long until = now + millis;
        int ran = 0;
        while (true) {
            Task<?> next;
            synchronized (this) {
                next = queue.peek();
                if (next == null || next.due > until) {
                    break;
                }
                queue.poll();
            }
            moveTo(next.due);
            next.runOnce();
            ran++;
        }
        moveTo(until);
        return ran;
    }

    /** Runs what is due now. */
    public int runDue() {
        return advance(0);
    }

    /** Tasks waiting (not cancelled). */
    public synchronized int pending() {
        return (int) queue.stream().filter(t -> !t.isCancelled()).count();
    }

    private void moveTo(long t) {
        if (t > now) {
            if (clock != null) {
                clock.advance(t - now);
            }
            now = t;
        }
    }

    private synchronized <V> Task<V> add(Task<V> t) {
        if (shutdown) {
            throw new java.util.concurrent.RejectedExecutionException("scheduler shut down");
        }
        queue.add(t);
        return t;
    }

    @Override
    public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
        return add(new Task<Void>(() -> {
            command.run();
            return null;
        }, now + unit.toMillis(delay), 0));
    }

    @Override
    public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
        return add(new Task<>(callable, now + unit.toMillis(delay), 0));
    }

    @Override
    public ScheduledFuture<?> scheduleAtFixedRate(Runnable command, long initialDelay, long period, TimeUnit unit) {
        return scheduleWithFixedDelay(command, initialDelay, period, unit);
    }

    @Override
    public ScheduledFuture<?> scheduleWithFixedDelay(Runnable command, long initialDelay, long delay, TimeUnit unit) {
        return add(new Task<Void>(() -> {
            command.run();
            return null;
        }, now + unit.toMillis(initialDelay), Math.max(1, unit.toMillis(delay))));
    }

    /** Runs at the next {@link #advance} or {@link #runDue}. */
    @Override
    public void execute(Runnable command) {
        schedule(command, 0, TimeUnit.MILLISECONDS);
    }

    @Override
    public synchronized void shutdown() {
        shutdown = true;
    }

    @Override
    public synchronized List<Runnable> shutdownNow() {
        shutdown = true;
        List<Runnable> left = new ArrayList<>(queue);
        queue.clear();
        return left;
    }

    @Override
    public synchronized boolean isShutdown() {
        return shutdown;
    }

    @Override
    public synchronized boolean isTerminated() {
        return shutdown;
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) {
        return isTerminated();
    }

    private final class Task<V> extends FutureTask<V> implements ScheduledFuture<V> {
        private long due;
        private final long period;
        private final long order;

        Task(Callable<V> c, long due, long period) {
            super(c);
            this.due = due;
            this.period = period;
            synchronized (ManualScheduler.this) {
                this.order = seq++;
            }
        }

        void runOnce() {
            if (period == 0) {
                run();
            } else if (runAndReset()) {
                due = now + period;
                add(this);
            }
        }

        @Override
        public long getDelay(TimeUnit unit) {
            return unit.convert(due - now, TimeUnit.MILLISECONDS);
        }

        @Override
        public int compareTo(Delayed o) {
            Task<?> t = (Task<?>) o;
            int c = Long.compare(due, t.due);
            return c != 0 ? c : Long.compare(order, t.order);
        }
    }
}
