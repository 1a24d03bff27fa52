package onekey.recording;

import onekey.events.DomainEvent;

/** The supervisors' system alerts about recordings. Published by {@link RecordingNotifier} only. */
public sealed interface RecordingEvents extends DomainEvent {

    /** A call ended without a usable recording ({@code status} missing or empty). */
    record RecordingMissing(long callId, String linkedid, Long recordingId, String status, String message)
            implements RecordingEvents {}

    /**
     * The recordings disk went below its threshold ({@code raised}, with the threshold) or has space again
     * ({@code cleared}, thresholds null).
     */
    record DiskLow(boolean raised, Object freeMb, Object totalMb, Long minFreeMb, Integer minFreePercent, String message)
            implements RecordingEvents {}
}
