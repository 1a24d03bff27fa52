package onekey.calls;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import onekey.elders.Elder;

/**
 * A call OneKey is following right now. Changed on the call model's thread only ({@link CallTracker}), without
 * locks; {@link #record} and {@link #elder} are read from other threads too (the wallboard, health), hence
 * volatile (a record is immutable). What agents are told about the call goes out in order through {@link #tail},
 * after the caller's record has been looked up and the row stored (or their deadline).
 */
final class LiveCall {
    volatile CallRecord record;
    volatile Elder elder;
    /** The caller's record could not be read in time (database slow or away): popped as unknown. */
    boolean recordUnavailable;
    String recordingFile;
    /** How the call reached the queue: direct (SOS line), flow, failopen, or null when not (yet) known. */
    String path;
    Long offeredToAccountId;
    boolean overflowAnswered;
    /** The elder's previous calls (newest first), shown in the screen pop. */
    List<CallRecord> lastCalls = List.of();
    /** Completes once the lookup is done and the row stored, or at their deadline. */
    CompletableFuture<Void> ready = CompletableFuture.completedFuture(null);
    /** The last publication for this call: the next one runs after it. */
    CompletableFuture<Void> tail = CompletableFuture.completedFuture(null);
    /**
     * Completes when the call's id is known (on the model's thread): at once when it came from a reserved block
     * ({@link CallIds}), else when the journal has stored the row. The id is then in {@link #record}.
     */
    final CompletableFuture<Long> stored = new CompletableFuture<>();

    LiveCall(CallRecord record) {
        this.record = record;
    }
}
