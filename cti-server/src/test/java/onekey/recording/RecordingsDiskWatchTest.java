package onekey.recording;

import onekey.api.EventViews;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import onekey.events.Event;
import onekey.events.EventHub;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The thresholds and the raised / cleared events, on the real file system of a temp folder. */
class RecordingsDiskWatchTest {

    @TempDir
    Path dir;

    private static long freeMb(Path p) throws Exception {
        return Files.getFileStore(p).getUsableSpace() / (1024 * 1024);
    }

    @Test
    void raisesOnceWhileTheRealDiskIsBelowTheThreshold() throws Exception {
        EventHub hub = new EventHub(100);
        List<Event> events = new CopyOnWriteArrayList<>();
        hub.subscribe(id -> true, true, -1, events::add);
        long free = freeMb(dir);
        // a threshold above what is free: low
        try (RecordingsDiskWatch low = new RecordingsDiskWatch(dir, free + 1024, 0, hub)) {
            low.check();
            low.check();
            assertThat(low.alert()).hasValueSatisfying(a -> {
                assertThat(a).containsEntry("kind", "recordings-disk-low").containsEntry("minFreeMb", free + 1024);
                assertThat((String) a.get("message")).contains("below the minimum of " + (free + 1024) + " MB");
            });
            assertThat(events).singleElement().satisfies(e -> {
                assertThat(EventViews.type(e)).isEqualTo("system.alert");
                assertThat(EventViews.body(e)).containsEntry("state", "raised").containsEntry("kind", "recordings-disk-low");
            });
        }
    }

    @Test
    void clearsWhenSpaceComesBack() {
        EventHub hub = new EventHub(100);
        List<Event> events = new CopyOnWriteArrayList<>();
        hub.subscribe(id -> true, true, -1, events::add);
        long mb = 1024 * 1024;
        AtomicLong usable = new AtomicLong(500 * mb);
        try (RecordingsDiskWatch w = new RecordingsDiskWatch(dir, 100, 5, hub, d -> new long[] {usable.get(), 1000 * mb})) {
            w.check();
            assertThat(w.alert()).isEmpty();
            usable.set(99 * mb);
            w.check();
            assertThat(w.alert()).isPresent();
            usable.set(120 * mb); // above 100 MB and above 5 % of 1000 MB
            w.check();
            assertThat(w.alert()).isEmpty();
            usable.set(40 * mb); // below 5 %
            w.check();
            assertThat(events).extracting(e -> EventViews.body(e).get("state")).containsExactly("raised", "cleared", "raised");
            assertThat(EventViews.body(events.get(2))).containsEntry("freeMb", 40L).containsEntry("totalMb", 1000L);
            assertThat(w.metrics()).containsEntry("low", true).containsEntry("freePercent", 4.0);
        }
    }

    @Test
    void thePercentThresholdCountsToo() {
        // 99 % free is more than any test machine has
        try (RecordingsDiskWatch w = new RecordingsDiskWatch(dir, 0, 99, null)) {
            w.check();
            assertThat(w.alert()).hasValueSatisfying(a -> assertThat((String) a.get("message")).contains("below the minimum of 99 %"));
        }
    }

    @Test
    void aFolderThatCannotBeReadIsLow() {
        try (RecordingsDiskWatch w = new RecordingsDiskWatch(dir.resolve("does-not-exist"), 0, 0, null)) {
            w.check();
            assertThat(w.alert()).hasValueSatisfying(a -> assertThat((String) a.get("message")).contains("cannot be read"));
        }
    }
}
