package onekey.calls;

import onekey.elders.Elder;

/**
 * A call OneKey is following right now. The stored {@link CallRecord} is replaced as things happen;
 * all access goes through the owning {@link CallTracker} under this object's monitor.
 */
final class LiveCall {
    CallRecord record;
    Elder elder;
    String recordingFile;
    Long offeredToAccountId;
    /** The elder's previous calls (newest first), loaded when the call arrives, shown in the screen pop. */
    java.util.List<java.util.Map<String, Object>> lastCalls = java.util.List.of();

    LiveCall(CallRecord record, Elder elder) {
        this.record = record;
        this.elder = elder;
    }
}
