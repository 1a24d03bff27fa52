package onekey.calls;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import java.util.ArrayDeque;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import org.jooq.exception.DataAccessException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The durable, ordered call journal: what the call model owes the database (call rows, timeline
 * events, screen-pop audit rows, recordings to link) is appended to a local file first and written to
 * the database afterwards, in order, by one writer that retries until the database takes it.
 *
 * <p>RULE (ARCHITECTURE "Faults": database slow or away — nothing that should be written is lost): an
 * op is in the file before {@link #append} returns (a {@code write(2)}, which survives a kill -9 of the
 * cti-server; the writer also forces the file to disk every {@value #FORCE_EVERY_MS} ms). After a crash
 * the ops after the last "applied" mark are written again; every op is idempotent, so a replay doubles
 * nothing. The file is emptied each time the writer has caught up and it has grown past
 * {@value #ROTATE_BYTES} bytes.
 *
 * <p>Bounded: at most {@code capacity} ops are held in memory; past that they stay in the file only
 * and are read back from it when the writer gets there. An op that the database refuses for a reason
 * other than being unreachable (a bad value, a constraint) is retried {@value #PERMANENT_RETRIES} times
 * and then moved to {@code journal.rejected} next to the journal, counted in the health figures and
 * logged: kept, never silently dropped, and it no longer holds up the calls behind it.
 */
public final class CallJournal implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(CallJournal.class);
    static final long ROTATE_BYTES = 4L << 20;
    static final long FORCE_EVERY_MS = 200;
    static final int PERMANENT_RETRIES = 3;
    private static final long MAX_BACKOFF_MS = 2_000;
    /** How far ahead the writer looks for a later state of the same call. */
    static final int LOOKAHEAD = 256;

    /** Writes one op to the database; throws when it could not (it is then retried). */
    public interface Applier {
        void apply(Entry entry) throws Exception;
    }

    /**
     * Writes several ops in one database transaction, all or none (issue 23: a commit per op was most of the writer's
     * CPU); throws when it could not, and the writer then writes them one at a time with {@link Applier}.
     */
    public interface BatchApplier {
        void applyAll(List<Entry> entries) throws Exception;
    }

    /** At most this many ops go into one batch. */
    static final int BATCH_MAX = 64;
    /**
     * Group commit: the oldest batchable op waits up to this long after its append for others to share its commit (a
     * call's ops come a few ms apart; calls in a surge some tens of ms apart). Issue 23: with 10 ms for a lone op only,
     * a surge's batches held 2–3 ops and the commits (H2 writes a chunk each) were a third of the writer's CPU. The
     * op is in the file from its append on: waiting delays only when its row is seen in the database. A new call's row
     * is never kept waiting ({@link #urgent}), nor an op a reader waits for ({@link #awaitWritten}).
     */
    // 10 ms at 8554799: at 200 ms, three fresh clones in a row showed ITs that read a call's row right after an agent's
    // action (SoftphoneIT's 紧急救援, FailOpenIT's list, SupervisorDeskIT's QA save) before it was written. Now such a
    // reader waits for what was appended before it ({@link #awaitWritten}: every authenticated API request), and the
    // writer does not linger while one waits.
    static final long LINGER_MS = 100;
    /** {@link #LINGER_MS}, or a test's own. */
    private volatile long lingerMs = LINGER_MS;
    /** Ops up to this seq are waited for by a reader ({@link #awaitWritten}): the writer does not linger. Under the lock. */
    private long flushTo;
    /** Group commit: the writer stops waiting for company once this many ops are pending. */
    static final int GATHER = 32;

    /** One journalled op: {@code key} is unique across restarts ("run-seq") and goes into the row it writes. */
    public record Entry(long seq, String key, long appendedAt, JournalOp op) {}

    private final ObjectMapper json = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
            .registerModule(new com.fasterxml.jackson.module.blackbird.BlackbirdModule());
    private final com.fasterxml.jackson.databind.ObjectWriter opWriter = json.writerFor(JournalOp.class);
    private final Path file;
    private final Path rejectedFile;
    private final int capacity;
    private final String runId;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final ArrayDeque<Entry> pending = new ArrayDeque<>();
    private FileChannel channel;
    private long nextSeq;
    private long appliedSeq;
    /** Ops in the file but not in memory (capacity reached): read back when memory drains. */
    private boolean spilled;
    private boolean dirty;
    private volatile boolean running = true;
    private Applier applier;
    /** Null: every op on its own. */
    private BatchApplier batchApplier;
    private final AtomicLong batches = new AtomicLong();
    private Runnable onCaughtUp = () -> { };
    /**
     * A write failed since the caught-up action last ran: it runs once when the journal next empties. (It ran at every
     * emptying after the first failure ever: a recordings reconcile, a walk of the whole folder, on this thread many
     * times a second for the rest of the run.) Writer thread only.
     */
    private boolean catchUpOwed;
    private volatile Thread writer;

    private final AtomicLong written = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();
    private final AtomicLong replayed = new AtomicLong();
    private final AtomicLong skipped = new AtomicLong();
    /** How often the writer woke from a wait (idle or lingering): the health figures' writerWakeups. */
    private final AtomicLong wakeups = new AtomicLong();
    private volatile long maxPending;
    /** The longest an op waited from its append to its write, since start (a bench reads it instead of polling). */
    private volatile long maxWriteLagMs;
    private volatile String lastError = "";
    private volatile long failingSince;

    /**
     * Opens (or creates) the journal in {@code dir}; ops left from an earlier run are queued to be
     * written again.
     */
    public CallJournal(Path dir, int capacity) throws IOException {
        Files.createDirectories(dir);
        this.file = dir.resolve("journal.log");
        this.rejectedFile = dir.resolve("journal.rejected");
        this.capacity = Math.max(100, capacity);
        byte[] r = new byte[4];
        new SecureRandom().nextBytes(r);
        this.runId = Long.toString(System.currentTimeMillis(), 36) + HexFormat.of().formatHex(r);
        this.channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        recover();
        channel.position(channel.size());
    }

    /** Starts the writer. Ops left from an earlier run are written first. */
    public void start(Applier applier, Runnable onCaughtUp) {
        start(applier, null, onCaughtUp);
    }

    /**
     * As {@link #start(Applier, Runnable)}; runs of consecutive ops that {@link #batchable} allows are written through
     * {@code batch} in one transaction ({@code batch} null: one at a time).
     */
    public void start(Applier applier, BatchApplier batch, Runnable onCaughtUp) {
        this.batchApplier = batch;
        this.applier = applier;
        this.onCaughtUp = onCaughtUp;
        // a platform thread (issue 23): the writer lives as long as the server and blocks on the database's socket and
        // on its own linger; as a virtual thread each such wait went through the JDK's I/O poller or its timer and woke
        // a carrier thread to run it again — the surge bench counts 281 context switches a call, 149 on the carriers
        this.writer = Thread.ofPlatform().name("call-journal").daemon().start(this::writeLoop);
    }

    /** Reads the file: entries after the last applied mark are pending again. */
    private void recover() throws IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        Map<Long, Entry> bySeq = new LinkedHashMap<>();
        long applied = 0;
        long max = 0;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isBlank()) {
                continue;
            }
            try {
                JsonNode n = json.readTree(line);
                if (n.has("applied")) {
                    applied = Math.max(applied, n.get("applied").asLong());
                    continue;
                }
                Entry e = new Entry(n.get("seq").asLong(), n.get("key").asText(), n.get("at").asLong(),
                        json.treeToValue(n.get("data"), JournalOp.class));
                bySeq.put(e.seq(), e);
                max = Math.max(max, e.seq());
            } catch (IOException | RuntimeException e) {
                // a line torn by a crash in the middle of its write: nothing after it was acknowledged
                log.warn("journal {}: line {} unreadable, skipped: {}", file, i + 1, e.toString());
            }
        }
        nextSeq = max;
        appliedSeq = applied;
        for (Entry e : bySeq.values()) {
            if (e.seq() > applied) {
                if (pending.size() < capacity) {
                    pending.add(e);
                } else {
                    spilled = true;
                }
            }
        }
        replayed.set(bySeq.values().stream().filter(e -> e.seq() > appliedSeq).count());
        if (replayed.get() > 0) {
            log.warn("journal {}: {} write(s) from an earlier run not confirmed; writing them again", file, replayed.get());
        }
    }

    /** Appends an op; returns once it is in the file (and queued for the database). Never throws. */
    public void append(JournalOp op) {
        // the op's JSON once, straight to text and before the lock (issue 23: a tree first, then its text, under the
        // lock, on the call model's thread); the line is the same {"seq","key","at","data"} object recover() reads
        String data;
        RuntimeException unencodable = null;
        try {
            data = opWriter.writeValueAsString(op);
        } catch (IOException | RuntimeException x) {
            data = null;
            unencodable = x instanceof RuntimeException r ? r : new IllegalStateException(x);
        }
        lock.lock();
        try {
            long seq = ++nextSeq;
            Entry e = new Entry(seq, runId + "-" + seq, System.currentTimeMillis(), op);
            try {
                if (unencodable != null) {
                    throw unencodable;
                }
                // the key is runId ([0-9a-z]) "-" seq: nothing in it to escape
                writeLine("{\"seq\":" + seq + ",\"key\":\"" + e.key() + "\",\"at\":" + e.appendedAt() + ",\"data\":" + data + "}");
            } catch (IOException | RuntimeException x) {
                // the disk refused (full?): the op is still written to the database from memory
                log.error("journal {}: op {} not written to the file ({}); kept in memory", file, seq, x.toString());
            }
            boolean urgent = urgent(op);
            if (urgent) {
                urgentSeqs.add(seq);
            }
            boolean wasEmpty = pending.isEmpty() && !spilled;
            if (pending.size() < capacity && !spilled) {
                pending.add(e);
            } else {
                spilled = true;
            }
            maxPending = Math.max(maxPending, pending.size());
            // issue 23: the writer is woken only when it must act sooner than it would by itself — it was idle, the op
            // is urgent, its batch is full, ops spill to the file. Lingering over a batch it wakes at the oldest op's
            // deadline anyway; a wake-up at every op (15 a call) cost it a loop and a virtual thread's park and unpark
            // each. Readers waiting for ops to be written are woken by the writer (done) and wake it (awaitWritten).
            if (wasEmpty || urgent || pending.size() >= GATHER || spilled) {
                changed.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Read-your-writes for a reader of the rows the journal writes (an API request right after an agent's action reads
     * the call's row): waits until every op appended before this call is in the database, at most {@code maxWaitMs},
     * and the writer stops lingering for them. Returns at once while the database is failing (the reader sees what is
     * there, as it always did), on the writer's own thread, and when nothing is pending. True: written.
     */
    public boolean awaitWritten(long maxWaitMs) {
        if (Thread.currentThread() == writer) {
            return true;
        }
        lock.lock();
        try {
            long target = nextSeq;
            if (appliedSeq >= target || failingSince != 0 || !running || writer == null) {
                return appliedSeq >= target;
            }
            Entry oldest = pending.peekFirst();
            if (oldest != null && System.currentTimeMillis() - oldest.appendedAt() > STALLED_MS) {
                return false; // the writer is stuck in the database (frozen, not yet failing) or far behind: no wait
            }
            flushTo = Math.max(flushTo, target);
            changed.signalAll();
            long left = TimeUnit.MILLISECONDS.toNanos(maxWaitMs);
            while (appliedSeq < target && failingSince == 0 && running && left > 0) {
                left = changed.awaitNanos(left);
            }
            return appliedSeq >= target;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } finally {
            lock.unlock();
        }
    }

    /** {@link #awaitWritten} does not wait when the oldest pending op is older than this: the writer is stuck. */
    static final long STALLED_MS = 2_000;

    /** A test's linger instead of {@link #LINGER_MS}. */
    void lingerMs(long ms) {
        this.lingerMs = ms;
    }

    private void writeLine(String s) throws IOException {
        ByteBuffer b = ByteBuffer.wrap((s + "\n").getBytes(StandardCharsets.UTF_8));
        while (b.hasRemaining()) {
            channel.write(b);
        }
        dirty = true;
    }

    /** The ops a batch may hold: a call's state, its timeline, audit rows (their writes are single statements). */
    static boolean batchable(JournalOp op) {
        return op instanceof JournalOp.CallState || op instanceof JournalOp.Events || op instanceof JournalOp.Audit;
    }

    /** Seqs of appended {@link #urgent} ops not yet applied: the writer does not linger while there are any. */
    private final java.util.Set<Long> urgentSeqs = new java.util.HashSet<>();

    /**
     * An op someone waits for, written without lingering: a new call's row without an id (none was at hand from a
     * reserved block, CallIds: the database was away when the call came), which the call's publications, the screen pop
     * among them, wait for (CallTracker.STORE_WAIT_MS). A new call's row with its id lingers as any other. A state that links the call to its
     * elder or its agent lingers as any other since read-your-writes ({@link #awaitWritten}): the calls list and an agent's
     * rights on the call, read from the row, are read by requests that wait for it (2729c16 and e52e751 wrote them at once).
     */
    static boolean urgent(JournalOp op) {
        return op instanceof JournalOp.CallState s && s.call().id() == 0;
    }

    private void writeLoop() {
        long backoff = 50;
        long lastForce = System.currentTimeMillis();
        int permanentTries = 0;
        int unbatched = 0; // after a batch failed: its ops one at a time (retries, rejects) as before
        while (running) {
            Entry next;
            List<Entry> batch = null;
            lock.lock();
            try {
                if (pending.isEmpty() && spilled) {
                    readBackSpilled();
                }
                if (pending.isEmpty()) {
                    idle();
                    changed.await(FORCE_EVERY_MS, TimeUnit.MILLISECONDS);
                    wakeups.incrementAndGet();
                    continue;
                }
                next = pending.peekFirst();
                if (superseded(next)) {
                    skipped.incrementAndGet();
                    done(next); // a later state of the same call is pending: writing this one would be undone at once
                    continue;
                }
                if (batchApplier != null && unbatched == 0 && failingSince == 0 && batchable(next.op())
                        && pending.size() < GATHER && !spilled && running && urgentSeqs.isEmpty() && flushTo <= appliedSeq) {
                    long age = System.currentTimeMillis() - next.appendedAt();
                    long linger = lingerMs;
                    if (age >= 0 && age < linger) {
                        changed.await(linger - age, TimeUnit.MILLISECONDS);
                        wakeups.incrementAndGet();
                        continue;
                    }
                }
                if (batchApplier != null && unbatched == 0 && failingSince == 0 && batchable(next.op())) {
                    batch = new java.util.ArrayList<>();
                    for (Entry e : pending) {
                        if (batch.size() >= BATCH_MAX || !batchable(e.op())) {
                            break;
                        }
                        batch.add(e);
                    }
                    if (batch.size() < 2) {
                        batch = null;
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } finally {
                lock.unlock();
            }
            if (batch != null) {
                try {
                    batchApplier.applyAll(batch);
                    batches.incrementAndGet();
                    batch.forEach(this::done);
                } catch (Exception e) {
                    // one of them may be refused for good: each on its own, with the retries and rejects below
                    log.debug("journal: batch of {} not written ({}); writing them one at a time", batch.size(), e.toString());
                    unbatched = batch.size();
                }
                if (System.currentTimeMillis() - lastForce >= FORCE_EVERY_MS) {
                    force();
                    lastForce = System.currentTimeMillis();
                }
                continue;
            }
            if (unbatched > 0) {
                unbatched--;
            }
            try {
                applier.apply(next);
                boolean recovered = failingSince != 0;
                done(next);
                backoff = 50;
                permanentTries = 0;
                if (recovered) {
                    log.warn("journal: database writes resumed after {} ms; {} pending", System.currentTimeMillis() - failingSince, pending());
                    failingSince = 0;
                }
            } catch (Exception e) {
                failures.incrementAndGet();
                catchUpOwed = true;
                lastError = e.toString();
                if (failingSince == 0) {
                    failingSince = System.currentTimeMillis();
                    log.error("journal: database write failed, retrying until it succeeds (calls go on): {}", e.toString());
                }
                if (!transientFailure(e) && ++permanentTries >= PERMANENT_RETRIES) {
                    reject(next, e);
                    permanentTries = 0;
                    continue;
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(backoff));
                backoff = Math.min(MAX_BACKOFF_MS, backoff * 2);
            }
            if (System.currentTimeMillis() - lastForce >= FORCE_EVERY_MS) {
                force();
                lastForce = System.currentTimeMillis();
            }
        }
    }

    private void done(Entry e) {
        boolean caughtUp;
        lock.lock();
        try {
            if (!pending.isEmpty() && pending.peekFirst().seq() == e.seq()) {
                pending.pollFirst();
            }
            urgentSeqs.remove(e.seq());
            appliedSeq = e.seq();
            maxWriteLagMs = Math.max(maxWriteLagMs, System.currentTimeMillis() - e.appendedAt());
            dirty = true; // the applied mark is due
            written.incrementAndGet();
            caughtUp = pending.isEmpty() && !spilled;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        if (caughtUp && catchUpOwed) {
            catchUpOwed = false;
            try {
                onCaughtUp.run();
            } catch (RuntimeException x) {
                log.error("journal: caught-up action failed: {}", x.toString());
            }
        }
    }

    /**
     * A call's state is written whole (its state columns) every time it changes; when a later state of
     * the same call is already pending, with nothing of that call in between that needs its row, this
     * one need not be written. Looks a bounded way ahead. Under the lock.
     */
    private boolean superseded(Entry e) {
        if (!(e.op() instanceof JournalOp.CallState cs)) {
            return false;
        }
        String linkedid = cs.call().linkedid();
        int seen = 0;
        for (Entry later : pending) {
            if (later == e) {
                continue;
            }
            if (++seen > LOOKAHEAD) {
                return false;
            }
            switch (later.op()) {
                case JournalOp.CallState ls when ls.call().linkedid().equals(linkedid) -> {
                    return true;
                }
                // an event or the recording of this call needs its row first: no skipping past them
                case JournalOp.Events ev when ev.linkedid().equals(linkedid) -> {
                    return false;
                }
                case JournalOp.RecordingDue rd when rd.linkedid().equals(linkedid) -> {
                    return false;
                }
                case JournalOp.ElderLinked el when el.linkedid().equals(linkedid) -> {
                    return false;
                }
                // a seat's op on this linkedid must see the elder's row first (it is then not the seat's)
                case JournalOp.SeatCallStarted sc when sc.call().linkedid().equals(linkedid) -> {
                    return false;
                }
                case JournalOp.SeatCallEnded se when se.linkedid().equals(linkedid) -> {
                    return false;
                }
                default -> { }
            }
        }
        return false;
    }

    /** With nothing pending: mark what is applied, and start the file anew once it is large. Under the lock. */
    private void idle() {
        if (!dirty) {
            return;
        }
        try {
            if (channel.size() > ROTATE_BYTES) {
                channel.truncate(0);
                channel.position(0);
            } else {
                writeLine("{\"applied\":" + appliedSeq + "}");
            }
            channel.force(false);
            dirty = false;
        } catch (IOException e) {
            log.error("journal {}: cannot mark applied writes: {}", file, e.toString());
        }
    }

    private void force() {
        lock.lock();
        try {
            if (dirty) {
                channel.force(false);
            }
        } catch (IOException e) {
            log.error("journal {}: cannot force to disk: {}", file, e.toString());
        } finally {
            lock.unlock();
        }
    }

    /** Memory drained while ops were left in the file only: read the next ones back. Under the lock. */
    private void readBackSpilled() {
        try {
            channel.force(false);
            long after = appliedSeq;
            boolean more = false;
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                if (line.isBlank() || line.startsWith("{\"applied\"")) {
                    continue;
                }
                JsonNode n = json.readTree(line);
                long seq = n.get("seq").asLong();
                if (seq <= after) {
                    continue;
                }
                if (pending.size() >= capacity) {
                    more = true;
                    break;
                }
                pending.add(new Entry(seq, n.get("key").asText(), n.get("at").asLong(), json.treeToValue(n.get("data"), JournalOp.class)));
            }
            spilled = more;
        } catch (IOException | RuntimeException e) {
            log.error("journal {}: cannot read spilled writes back: {}", file, e.toString());
        }
    }

    private void reject(Entry e, Exception why) {
        rejected.incrementAndGet();
        log.error("journal: op {} refused by the database {} times, moved to {}: {}", e.key(), PERMANENT_RETRIES, rejectedFile, why.toString());
        try {
            ObjectNode n = json.createObjectNode();
            n.put("seq", e.seq());
            n.put("key", e.key());
            n.put("at", e.appendedAt());
            n.put("error", why.toString());
            n.set("data", json.valueToTree(e.op()));
            Files.writeString(rejectedFile, json.writeValueAsString(n) + "\n", StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException x) {
            log.error("journal: cannot write {}: {}", rejectedFile, x.toString());
        }
        done(e);
    }

    /** Unreachable, timed out, pool exhausted: the database will take it later. */
    public static boolean transientFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLTransientException || t instanceof SQLRecoverableException
                    || t instanceof java.net.SocketException || t instanceof java.net.SocketTimeoutException
                    || t instanceof java.sql.SQLNonTransientConnectionException) {
                return true;
            }
            if (t instanceof java.sql.SQLException s && s.getSQLState() != null
                    && (s.getSQLState().startsWith("08") || s.getSQLState().startsWith("HY") || s.getSQLState().startsWith("40"))) {
                return true;
            }
            if (t instanceof DataAccessException d && d.sqlState() != null && d.sqlState().startsWith("08")) {
                return true;
            }
        }
        return false;
    }

    public int pending() {
        lock.lock();
        try {
            return pending.size() + (spilled ? 1 : 0);
        } finally {
            lock.unlock();
        }
    }

    /** Figures for /api/health: how far behind the database the call model is. */
    public Map<String, Object> metrics() {
        long oldest;
        int n;
        boolean sp;
        lock.lock();
        try {
            n = pending.size();
            sp = spilled;
            oldest = pending.isEmpty() ? 0 : System.currentTimeMillis() - pending.peekFirst().appendedAt();
        } finally {
            lock.unlock();
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("pending", n);
        m.put("spilledToFile", sp);
        m.put("oldestPendingMs", oldest);
        m.put("maxPending", maxPending);
        m.put("maxWriteLagMs", maxWriteLagMs);
        m.put("batches", batches.get());
        m.put("written", written.get());
        m.put("supersededStates", skipped.get());
        m.put("writerWakeups", wakeups.get());
        m.put("failures", failures.get());
        m.put("rejected", rejected.get());
        m.put("replayedAtStart", replayed.get());
        m.put("failingSinceMs", failingSince == 0 ? 0 : System.currentTimeMillis() - failingSince);
        m.put("lastError", lastError);
        return m;
    }

    /** Waits up to {@code timeoutMs} for everything pending to be written (shutdown, tests). */
    public boolean drain(long timeoutMs) {
        long deadline = System.currentTimeMillis() + timeoutMs;
        lock.lock();
        try {
            while ((!pending.isEmpty() || spilled) && System.currentTimeMillis() < deadline) {
                changed.await(20, TimeUnit.MILLISECONDS);
            }
            return pending.isEmpty() && !spilled;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() {
        drain(5_000);
        running = false;
        if (writer != null) {
            // woken, not interrupted: an interrupt during channel.force() closes the channel (ClosedByInterruptException)
            // and the last force below then fails, leaving the journal's tail unsynced at every stop with writes pending
            lock.lock();
            try {
                changed.signalAll();
            } finally {
                lock.unlock();
            }
            LockSupport.unpark(writer);
            try {
                writer.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        lock.lock();
        try {
            if (pending.isEmpty() && !spilled) {
                idle();
            }
            channel.force(true);
            channel.close();
        } catch (IOException e) {
            log.warn("journal {}: close: {}", file, e.toString());
        } finally {
            lock.unlock();
        }
    }
}
