package onekey.recording;

import onekey.tts.WavInfo;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;
import onekey.calls.CallRecord;
import onekey.calls.CallRepository;
import onekey.calls.CallTracker;
import onekey.events.EventHub;
import onekey.store.Database;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Indexes every call's recording when the call ends (path, duration, size, SHA-256, against the call)
 * and reconciles the recordings folder with the index: a file no call claims is indexed as an
 * orphan, an indexed file that vanished is marked missing; both are reported, never silently lost.
 * File names are {@code <linkedid>.wav} (the dialplan's ONEKEY_RECFILE), which ties a file to its call.
 * A path from the dialplan that is not under the recordings folder ({@link RecordingPaths}) is refused:
 * no row ever points outside the folder; the call's file is then looked for by its linkedid.
 */
public final class RecordingIndexer implements CallTracker.RecordingSink, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RecordingIndexer.class);
    /** MixMonitor finishes writing after the hang-up; how long to wait for a complete file. */
    private static final long SETTLE_TIMEOUT_MS = 30_000;
    /** How long a hang-up's indexing tries again through database failures before the reconcile is left to link it. */
    private static final long DATABASE_RETRY_MS = 120_000;
    /** Rows the full reconcile reads at a time when it looks for vanished files. */
    static final int VANISHED_PAGE = 1_000;
    /** Asterisk's WAV header; a file no longer than this holds no audio at all. */
    private static final int WAV_HEADER_BYTES = 44;

    private final Path root;
    private final RecordingPaths paths;
    private final RecordingRepository recordings;
    private final CallRepository calls;
    private final RecordingNotifier notifier;
    private final AtomicLong missing = new AtomicLong();
    private final onekey.store.PatientWrites.Batch tx;
    private final ExecutorService workers = Executors.newVirtualThreadPerTaskExecutor();
    private final AtomicLong indexed = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong retried = new AtomicLong();
    private volatile Map<String, Object> lastReconcile = Map.of("ranAt", 0L);
    /** One indexing of a file at a time: the hang-up's and a reconciliation's (after an outage) never both record it. */
    private final ConcurrentHashMap<String, ReentrantLock> indexing = new ConcurrentHashMap<>();

    public RecordingIndexer(Path root, RecordingRepository recordings, CallRepository calls) {
        this(root, recordings, calls, null);
    }

    /** {@code hub}: where supervisors are told of a call whose recording is missing or empty (may be null). */
    public RecordingIndexer(Path root, RecordingRepository recordings, CallRepository calls, EventHub hub) {
        this(root, recordings, calls, hub, null);
    }

    /**
     * {@code tx}: runs a recording's rows (the recording, the call's link, the "recorded" event) in one transaction, one
     * commit instead of three (issue 23; e.g. {@code Database::inOneTransaction}); null: each on its own.
     */
    public RecordingIndexer(Path root, RecordingRepository recordings, CallRepository calls, EventHub hub,
            onekey.store.PatientWrites.Batch tx) {
        this.tx = tx;
        this.root = root;
        this.paths = new RecordingPaths(root);
        this.recordings = recordings;
        this.calls = calls;
        this.notifier = new RecordingNotifier(hub);
    }

    @Override
    public void callEnded(CallRecord call, String recordingFile) {
        workers.execute(() -> {
            long giveUpAt = System.currentTimeMillis() + DATABASE_RETRY_MS;
            long backoff = 250;
            java.util.concurrent.atomic.AtomicBoolean refusalNoted = new java.util.concurrent.atomic.AtomicBoolean();
            while (true) {
                try {
                    indexEnded(call, recordingFile, refusalNoted);
                    return;
                } catch (Exception e) {
                    // the database away for a moment (a Galera node killed under a pooled connection, a restart): the
                    // journal handed this call over as done, so nobody else tries again before a reconcile
                    if (onekey.calls.CallJournal.transientFailure(e) && !workers.isShutdown()
                            && System.currentTimeMillis() + backoff < giveUpAt) {
                        retried.incrementAndGet();
                        log.warn("call={} recording not indexed yet ({}); trying again in {} ms", call.linkedid(),
                                e.toString(), backoff);
                        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(backoff));
                        backoff = Math.min(5_000, backoff * 2);
                        continue;
                    }
                    failed.incrementAndGet();
                    log.error("call={} recording not indexed: {}", call.linkedid(), e.toString());
                    try {
                        calls.addEvent(call.id(), System.currentTimeMillis(), "recording-missing", "not indexed: " + e.getMessage());
                    } catch (RuntimeException again) {
                        log.error("call={} recording-missing event not stored: {}", call.linkedid(), again.toString());
                    }
                    return;
                }
            }
        });
    }

    /** The hang-up's indexing of a call's recording: the dialplan's file, else the call's own under the folder. */
    private void indexEnded(CallRecord call, String recordingFile, java.util.concurrent.atomic.AtomicBoolean refusalNoted)
            throws IOException, InterruptedException {
        Optional<Path> file = recordingFile != null ? paths.inside(recordingFile) : Optional.empty();
        if (recordingFile != null && file.isEmpty() && !refusalNoted.get()) {
            // once per call, however often the indexing is tried again after a database failure
            log.warn("call={} recording path refused: not under {}; looking for the call's own file there",
                    call.linkedid(), root);
            calls.addEvent(call.id(), System.currentTimeMillis(), "recording-path-refused",
                    "the dialplan's recording path is not under the recordings folder");
            refusalNoted.set(true);
        }
        if (file.isEmpty()) {
            file = findByLinkedid(call.linkedid(), call.arrivedAt());
        }
        if (file.isEmpty()) {
            reportMissing(call, expectedPath(call), "missing", "no recording file for the call under the recordings folder");
            return;
        }
        index(call, file.get(), SETTLE_TIMEOUT_MS);
    }

    /**
     * Waits for MixMonitor to close the file, then stores its figures and links it to the call. Idempotent: a file
     * already indexed for this call (by the reconciliation that follows a database outage, racing the hang-up's
     * indexing, or by a journal op written again after a lost acknowledgement) is linked again but gets no second
     * "recorded" event.
     */
    Recording index(CallRecord call, Path file, long settleTimeoutMs) throws IOException, InterruptedException {
        if (!paths.allows(file.toString())) {
            throw new IOException("recording " + file + " is not under " + root + ": not indexed");
        }
        String key = file.toAbsolutePath().normalize().toString();
        ReentrantLock one = indexing.computeIfAbsent(key, k -> new ReentrantLock());
        one.lock();
        try {
            Optional<Recording> already = recordings.byPath(file.toAbsolutePath().toString());
            if (already.isPresent() && "ok".equals(already.get().status())
                    && java.util.Objects.equals(already.get().callId(), call.id())) {
                calls.setRecording(call.id(), already.get().id());
                return already.get();
            }
            return indexNow(call, file, settleTimeoutMs, already.isEmpty());
        } finally {
            one.unlock();
            if (!one.hasQueuedThreads()) {
                indexing.remove(key, one);
            }
        }
    }

    /** {@code unindexed}: no row has the path (just looked up): the row is one insert. */
    private Recording indexNow(CallRecord call, Path file, long settleTimeoutMs, boolean unindexed)
            throws IOException, InterruptedException {
        long deadline = System.currentTimeMillis() + settleTimeoutMs;
        WavInfo info = null;
        long lastSize = -1;
        while (true) {
            if (Files.exists(file)) {
                try {
                    info = WavInfo.read(file);
                } catch (IOException e) {
                    // not (yet) a WAV: MixMonitor has not written its header, or could not (a full disk)
                    info = new WavInfo(Files.size(file), 0, 0, 0, 0, 0);
                }
                // complete header and no growth since the last look: MixMonitor has closed it
                if (info.complete() && info.fileSize() == lastSize) {
                    break;
                }
                lastSize = info.fileSize();
            }
            if (System.currentTimeMillis() >= deadline) {
                break;
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
        }
        if (info == null) {
            // issue 6: a recording never silently absent (MixMonitor could not create it: a full disk, a bad folder)
            return reportMissing(call, file, "missing", "recording file did not appear within " + settleTimeoutMs
                    + " ms of the hang-up (disk full or not writable?)");
        }
        if (info.fileSize() <= WAV_HEADER_BYTES) {
            return reportMissing(call, file, "empty", "recording file holds no audio (" + info.fileSize()
                    + " bytes; disk full?)");
        }
        Recording rec = new Recording(0, call.id(), file.toAbsolutePath().toString(), info.durationMs(),
                Files.size(file), sha256(file), "ok", System.currentTimeMillis());
        Recording[] saved = new Recording[1];
        Database.Work rows = () -> {
            Recording r = unindexed ? recordings.saveNew(rec) : recordings.save(rec);
            // only the recording column: notes or a disposition saved meanwhile stay as they are
            calls.setRecording(call.id(), r.id());
            calls.addEvent(call.id(), System.currentTimeMillis(), "recorded",
                    "recording=" + r.id() + " durationMs=" + r.durationMs() + " bytes=" + r.sizeBytes());
            saved[0] = r;
        };
        try {
            if (tx == null) {
                rows.run();
            } else {
                tx.run(rows); // one commit for the three rows (issue 23)
            }
        } catch (IOException | InterruptedException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        Recording r = saved[0];
        indexed.incrementAndGet();
        log.info("call={} recording={} durationMs={} bytes={}", call.linkedid(), r.id(), r.durationMs(), r.sizeBytes());
        return r;
    }

    /**
     * Tells everyone who must know that a call has no usable recording: a row with the status (so the call
     * and the recordings list show it), a {@code recording-missing} event on the call's timeline, an error in
     * the log and a {@code system.alert} to supervisors.
     */
    private Recording reportMissing(CallRecord call, Path file, String status, String why) {
        failed.incrementAndGet();
        missing.incrementAndGet();
        long now = System.currentTimeMillis();
        Recording r = null;
        try {
            long size = Files.exists(file) ? Files.size(file) : 0;
            r = recordings.save(new Recording(0, call.id(), file.toAbsolutePath().toString(), 0, size, null, status, now));
            calls.setRecording(call.id(), r.id());
        } catch (IOException | RuntimeException e) {
            log.error("call={} missing recording not indexed: {}", call.linkedid(), e.toString());
        }
        calls.addEvent(call.id(), now, "recording-missing", status + ": " + why);
        log.error("call={} recording {}: {}", call.linkedid(), status, why);
        notifier.alert(new RecordingEvents.RecordingMissing(call.id(), call.linkedid(), r == null ? null : r.id(), status,
                "call " + call.id() + " has no usable recording: " + why));
        return r;
    }

    /** Where the dialplan writes a call's recording (ONEKEY_RECFILE: YYYY/MM/DD of the arrival). */
    private Path expectedPath(CallRecord call) {
        java.time.LocalDate d = java.time.Instant.ofEpochMilli(call.arrivedAt()).atZone(java.time.ZoneId.systemDefault()).toLocalDate();
        return root.resolve(String.format("%04d/%02d/%02d", d.getYear(), d.getMonthValue(), d.getDayOfMonth()))
                .resolve(call.linkedid() + ".wav");
    }

    /**
     * The file of a call whose path OneKey did not learn (a fail-open call): first the dated folders the
     * dialplan writes to (YYYY/MM/DD of the arrival, and the next day for calls around midnight), and
     * only then the whole tree.
     */
    private Optional<Path> findByLinkedid(String linkedid, long arrivedAt) throws IOException {
        String name = linkedid + ".wav";
        java.time.LocalDate day = java.time.Instant.ofEpochMilli(arrivedAt).atZone(java.time.ZoneId.systemDefault()).toLocalDate();
        for (java.time.LocalDate d : List.of(day, day.plusDays(1))) {
            Path p = root.resolve(String.format("%04d/%02d/%02d", d.getYear(), d.getMonthValue(), d.getDayOfMonth())).resolve(name);
            if (Files.exists(p)) {
                return Optional.of(p);
            }
        }
        if (!Files.isDirectory(root)) {
            return Optional.empty();
        }
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(p -> p.getFileName().toString().equals(name)).findFirst();
        }
    }

    /**
     * Compares the folder with the index. Orphans are indexed (linked to their call when the
     * linkedid in the name matches one); vanished files are marked missing. Returns the report.
     */
    public Map<String, Object> reconcile() {
        List<Path> files = List.of();
        if (Files.isDirectory(root)) {
            try (Stream<Path> s = Files.walk(root)) {
                files = s.filter(p -> p.getFileName().toString().endsWith(".wav") && Files.isRegularFile(p)).toList();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException("cannot scan recordings in " + root, e);
            }
        }
        return reconcile(files, true, "full");
    }

    /**
     * The 10-minute pass (issue 23): only the dated folders the dialplan writes to (YYYY/MM/DD of a call's arrival) from
     * {@code from} to tomorrow, and no look for vanished files. The full pass ({@link #reconcile()}: at the start,
     * after a database outage, once a day) looked up every file of the folder and read every recording row each time:
     * with a year of a centre's recordings a few hundred thousand queries every ten minutes.
     */
    public Map<String, Object> reconcileRecent(java.time.LocalDate from) {
        List<Path> files = new java.util.ArrayList<>();
        java.time.LocalDate last = java.time.LocalDate.now().plusDays(1);
        for (java.time.LocalDate d = from; !d.isAfter(last); d = d.plusDays(1)) {
            Path day = root.resolve(String.format("%04d/%02d/%02d", d.getYear(), d.getMonthValue(), d.getDayOfMonth()));
            if (!Files.isDirectory(day)) {
                continue;
            }
            try (Stream<Path> s = Files.list(day)) {
                s.filter(p -> p.getFileName().toString().endsWith(".wav") && Files.isRegularFile(p)).forEach(files::add);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException("cannot scan recordings in " + day, e);
            }
        }
        return reconcile(files, false, "recent");
    }

    private Map<String, Object> reconcile(List<Path> files, boolean vanished, String kind) {
        int orphans = 0;
        int linked = 0;
        int missing = 0;
        for (Path f : files) {
            String path = f.toAbsolutePath().toString();
            if (recordings.byPath(path).isPresent()) {
                continue;
            }
            if (!paths.allows(path)) {
                log.warn("recording file={} leads out of {} (a link?): not indexed", path, root);
                continue;
            }
            try {
                WavInfo info = WavInfo.read(f);
                if (!info.complete() && Files.getLastModifiedTime(f).toMillis() > System.currentTimeMillis() - 60_000) {
                    continue; // still being written by a live call
                }
                String linkedid = f.getFileName().toString().replaceFirst("\\.wav$", "");
                Optional<CallRecord> call = calls.byLinkedid(linkedid);
                if (call.isPresent() && call.get().endedAt() != null) {
                    if (indexing.containsKey(f.toAbsolutePath().normalize().toString())) {
                        continue; // the hang-up's indexing is at it now
                    }
                    index(call.get(), f, 0);
                    linked++;
                } else if (call.isEmpty()) {
                    recordings.save(new Recording(0, null, path, info.durationMs(), Files.size(f), sha256(f),
                            "orphan", System.currentTimeMillis()));
                    orphans++;
                    log.warn("recording orphan file={} (no call with linkedid {})", path, linkedid);
                }
            } catch (Exception e) {
                log.error("recording file={} not indexed: {}", path, e.toString());
            }
        }
        // a page of rows at a time, not every row of the index in memory at once
        for (List<Recording> page = vanished ? recordings.okAfter(0, VANISHED_PAGE) : List.of(); !page.isEmpty();
                page = page.size() < VANISHED_PAGE ? List.of() : recordings.okAfter(page.getLast().id(), VANISHED_PAGE)) {
            for (Recording r : page) {
                if (!Files.exists(Path.of(r.path()))) {
                    recordings.setStatus(r.id(), "missing");
                    missing++;
                    log.error("recording={} call={} file missing: {}", r.id(), r.callId(), r.path());
                }
            }
        }
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("ranAt", System.currentTimeMillis());
        report.put("orphansFound", orphans);
        report.put("linkedLate", linked);
        report.put("missingFound", missing);
        report.put("pass", kind);
        report.put("files", files.size());
        lastReconcile = report;
        log.info("recordings reconciled pass={} files={} orphans={} linkedLate={} missing={}", kind, files.size(), orphans,
                linked, missing);
        return report;
    }

    /** The path rule this indexer applies; the FastAGI server and playback use the same one. */
    public RecordingPaths paths() {
        return paths;
    }

    public Map<String, Object> metrics() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("dir", root.toString());
        m.put("indexed", indexed.get());
        m.put("failed", failed.get());
        m.put("retriedAfterDatabaseFailure", retried.get());
        m.put("missingOrEmpty", missing.get());
        m.put("lastReconcile", lastReconcile);
        return m;
    }

    static String sha256(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[64 * 1024];
            for (int n; (n = in.read(buf)) > 0; ) {
                md.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        workers.shutdown();
        try {
            workers.awaitTermination(35, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
