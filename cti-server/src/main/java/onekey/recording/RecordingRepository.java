package onekey.recording;

import java.util.List;
import java.util.Optional;

public interface RecordingRepository {
    /** Inserts, or when a row with the same path exists updates it; returns the stored row. */
    Recording save(Recording recording);

    Optional<Recording> get(long id);

    Optional<Recording> byPath(String path);

    Optional<Recording> byCall(long callId);

    List<Recording> all();

    void setStatus(long id, String status);
}
