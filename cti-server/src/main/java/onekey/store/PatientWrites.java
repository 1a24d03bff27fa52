package onekey.store;

import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes that must not be lost when the database is slow or away (ARCHITECTURE "Faults": nothing that should be
 * written is lost), made off the caller's thread in the order they were handed over. A write that fails stays first in
 * line and is tried again with back-off (0.5 s doubling to 10 s) until the database takes it; the ones behind it wait
 * (their order matters: an alert and its clearing, an agent's states). At most {@code max} wait; beyond that the oldest
 * is dropped with an error in the log. Kept in memory: a restart while the database is away loses what waits (the
 * call path's own writes go through the durable {@code CallJournal}).
 */
public final class PatientWrites implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PatientWrites.class);

    private record Write(String what, Runnable write) {}

    private final String name;
    private final Executor executor;
    private final ScheduledExecutorService own;
    private final Clock clock;
    private final int max;
    private final ArrayDeque<Write> waiting = new ArrayDeque<>();
    private boolean draining;
    private long failingSince;
    private long retryMillis;
    /** Null: each write on its own (a commit each); else runs of writes in one transaction (issue 23). */
    private volatile Batch batch;
    private volatile int lingerMillis;
    private boolean drainScheduled;

    /** Runs a run of writes in one transaction (e.g. {@code Database::inOneTransaction}). */
    public interface Batch {
        void run(Database.Work all) throws Exception;
    }

    /** On a thread of its own named {@code name}. */
    public PatientWrites(String name, Clock clock, int max) {
        this(name, null, clock, max);
    }

    /**
     * On {@code executor}; a failed write is tried again on it when it is a {@link ScheduledExecutorService} (a test
     * passes a manual scheduler), else with the next write handed over. Null: a thread of its own.
     */
    public PatientWrites(String name, Executor executor, Clock clock, int max) {
        this.name = name;
        this.clock = clock;
        this.max = max;
        if (executor == null) {
            own = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, name);
                t.setDaemon(true);
                return t;
            });
            this.executor = own;
        } else {
            own = null;
            this.executor = executor;
        }
    }

    /**
     * Writes what waits in runs (at most 500) through {@code batch}, one transaction (one commit) a run instead of one
     * each (issue 23: the agent-state log cost a commit per state change). A run that fails is rolled back whole and
     * tried again whole, in order, as a single write would be. {@code lingerMillis} &gt; 0: a write waits that long for
     * company before the run starts (only on a scheduled executor). Returns this.
     */
    public PatientWrites inBatches(Batch batch, int lingerMillis) {
        this.batch = batch;
        this.lingerMillis = Math.max(0, lingerMillis);
        return this;
    }

    /** Hands a write over; returns at once. {@code what} names it in the log. */
    public void submit(String what, Runnable write) {
        boolean first;
        synchronized (waiting) {
            if (waiting.size() >= max) {
                Write dropped = waiting.pollFirst();
                log.error("{}: {} writes wait for the database; the oldest ({}) is dropped", name, max, dropped.what());
            }
            waiting.addLast(new Write(what, write));
            first = !drainScheduled;
            drainScheduled = true;
        }
        if (!first && batch != null) {
            return; // a drain is on its way and takes this one with the others
        }
        try {
            if (batch != null && lingerMillis > 0 && executor instanceof ScheduledExecutorService s) {
                s.schedule(this::drain, lingerMillis, TimeUnit.MILLISECONDS);
            } else {
                executor.execute(this::drain);
            }
        } catch (java.util.concurrent.RejectedExecutionException e) {
            synchronized (waiting) {
                drainScheduled = false;
            }
            log.warn("{}: closed; {} not written", name, what);
        }
    }

    /** How many writes wait (the database away). */
    public int pending() {
        synchronized (waiting) {
            return waiting.size();
        }
    }

    private void drain() {
        synchronized (waiting) {
            drainScheduled = false;
            if (draining) {
                return; // one drain at a time keeps the order
            }
            draining = true;
        }
        if (batch != null) {
            try {
                drainInRuns(batch);
            } finally {
                synchronized (waiting) {
                    draining = false;
                }
            }
            return;
        }
        try {
            while (true) {
                Write w;
                synchronized (waiting) {
                    w = waiting.peekFirst();
                }
                if (w == null) {
                    return;
                }
                try {
                    w.write().run();
                } catch (RuntimeException x) {
                    if (failingSince == 0) {
                        failingSince = clock.millis();
                        log.error("{}: {} not written yet (kept, tried again until the database takes it): {}", name,
                                w.what(), x.toString());
                    }
                    retryMillis = retryMillis == 0 ? 500 : Math.min(10_000, retryMillis * 2);
                    if (executor instanceof ScheduledExecutorService s && !s.isShutdown()) {
                        s.schedule(this::drain, retryMillis, TimeUnit.MILLISECONDS);
                    }
                    return;
                }
                synchronized (waiting) {
                    waiting.pollFirst();
                }
                if (failingSince != 0) {
                    log.warn("{}: writing again after {} ms", name, clock.millis() - failingSince);
                    failingSince = 0;
                }
                retryMillis = 0;
            }
        } finally {
            synchronized (waiting) {
                draining = false;
            }
        }
    }

    private void drainInRuns(Batch b) {
        while (true) {
            List<Write> run = new ArrayList<>();
            synchronized (waiting) {
                for (Write w : waiting) {
                    if (run.size() == 500) {
                        break;
                    }
                    run.add(w);
                }
            }
            if (run.isEmpty()) {
                return;
            }
            try {
                b.run(() -> {
                    for (Write w : run) {
                        w.write().run();
                    }
                });
            } catch (Exception x) {
                if (failingSince == 0) {
                    failingSince = clock.millis();
                    log.error("{}: {} writes ({} first) not written yet (kept, tried again until the database takes them): {}",
                            name, run.size(), run.get(0).what(), x.toString());
                }
                retryMillis = retryMillis == 0 ? 500 : Math.min(10_000, retryMillis * 2);
                if (executor instanceof ScheduledExecutorService s && !s.isShutdown()) {
                    s.schedule(this::drain, retryMillis, TimeUnit.MILLISECONDS);
                }
                return;
            }
            synchronized (waiting) {
                for (Write w : run) {
                    if (waiting.peekFirst() == w) {
                        waiting.pollFirst();
                    } // else dropped meanwhile by the bound (the oldest go first)
                }
            }
            if (failingSince != 0) {
                log.warn("{}: writing again after {} ms", name, clock.millis() - failingSince);
                failingSince = 0;
            }
            retryMillis = 0;
        }
    }

    @Override
    public void close() {
        if (own != null) {
            own.shutdown();
        }
    }
}
