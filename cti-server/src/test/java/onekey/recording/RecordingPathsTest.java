package onekey.recording;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RecordingPathsTest {

    @TempDir
    Path tmp;

    @Test
    void onlyPathsUnderTheFolderAreTaken() throws Exception {
        Path root = Files.createDirectories(tmp.resolve("recordings"));
        Files.createDirectories(root.resolve("2026/11/24"));
        Files.writeString(root.resolve("2026/11/24/a.wav"), "RIFF");
        RecordingPaths paths = new RecordingPaths(root);

        assertThat(paths.inside(root + "/2026/11/24/a.wav")).contains(root.toRealPath().resolve("2026/11/24/a.wav"));
        // not written yet (MixMonitor creates it during the call), folders not there yet either
        assertThat(paths.allows(root + "/2026/11/25/b.wav")).isTrue();

        assertThat(paths.allows("/etc/passwd")).isFalse();
        assertThat(paths.allows(root + "/../../etc/passwd")).isFalse();
        assertThat(paths.allows(root + "/2026/../2026/11/24/a.wav")).as("'..' is refused even leading back in").isFalse();
        assertThat(paths.allows(root + "2/x.wav")).as("a sibling with the folder's name as prefix").isFalse();
        assertThat(paths.allows(root.toString())).as("the folder itself").isFalse();
        assertThat(paths.allows("2026/11/24/a.wav")).as("relative").isFalse();
        assertThat(paths.allows("")).isFalse();
        assertThat(paths.allows(null)).isFalse();
        assertThat(paths.allows(root + "/a\0.wav")).isFalse();
    }

    @Test
    void linksLeadingOutOfTheFolderAreRefused() throws Exception {
        Path root = Files.createDirectories(tmp.resolve("recordings"));
        Path outside = Files.writeString(tmp.resolve("secret.txt"), "not a recording");
        Files.createSymbolicLink(root.resolve("x.wav"), outside);
        Files.createSymbolicLink(root.resolve("out"), tmp);
        Files.createSymbolicLink(root.resolve("dangling.wav"), tmp.resolve("nothing-here"));
        RecordingPaths paths = new RecordingPaths(root);

        assertThat(paths.allows(root + "/x.wav")).isFalse();
        assertThat(paths.allows(root + "/out/secret.txt")).isFalse();
        assertThat(paths.allows(root + "/out/new/c.wav")).as("a file not there yet, under a linked folder").isFalse();
        assertThat(paths.allows(root + "/dangling.wav")).isFalse();
    }

    @Test
    void aFolderReachedThroughALinkStillCounts() throws Exception {
        Path real = Files.createDirectories(tmp.resolve("real-recordings"));
        Path link = Files.createSymbolicLink(tmp.resolve("recordings"), real);
        Files.writeString(real.resolve("a.wav"), "RIFF");
        RecordingPaths paths = new RecordingPaths(link);
        assertThat(paths.allows(link + "/a.wav")).isTrue();
        assertThat(paths.allows(real + "/a.wav")).isTrue();
    }
}
