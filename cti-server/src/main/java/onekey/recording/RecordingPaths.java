package onekey.recording;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The one rule for recording paths: a path handed over by the dialplan (FastAGI argument, the
 * OneKeyQueue UserEvent's Recfile) or stored in a recording row is used only when it lies under the
 * recordings folder ({@code paths.recordings}) once normalised and with symbolic links resolved (for
 * the file if it exists, else for its nearest existing parent). Anything else (/etc/passwd,
 * {@code <recdir>/../../etc/passwd}, a link inside the folder that points out of it) is refused,
 * so nothing that can reach the FastAGI port can make the API serve a file of its choosing.
 */
public final class RecordingPaths {

    private final Path root;

    public RecordingPaths(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    public Path root() {
        return root;
    }

    /** The file, absolute and with links resolved, when it lies under the folder; empty otherwise. */
    public Optional<Path> inside(String path) {
        if (path == null || path.isBlank() || path.indexOf('\0') >= 0) {
            return Optional.empty();
        }
        Path p;
        try {
            p = Path.of(path);
        } catch (InvalidPathException e) {
            return Optional.empty();
        }
        if (!p.isAbsolute()) {
            return Optional.empty();   // the dialplan always gives absolute paths; a relative one is relative to what?
        }
        // ".." anywhere is refused outright, even when it would lead back inside
        for (Path part : p) {
            if (part.toString().equals("..")) {
                return Optional.empty();
            }
        }
        Path resolved;
        try {
            resolved = resolveExisting(p.normalize());
        } catch (IOException e) {
            return Optional.empty();
        }
        Path base;
        try {
            base = root.toRealPath();
        } catch (IOException e) {
            base = root;   // not created yet: compare with the plain path
        }
        if (!resolved.startsWith(base) || resolved.equals(base)) {
            return Optional.empty();
        }
        return Optional.of(resolved);
    }

    public boolean allows(String path) {
        return inside(path).isPresent();
    }

    /** Links resolved for the longest existing prefix; the rest (a file MixMonitor has not written yet) appended. */
    private static Path resolveExisting(Path p) throws IOException {
        Path existing = p;
        Path rest = null;
        while (existing != null && !Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) {
            Path name = existing.getFileName();
            rest = rest == null ? name : name.resolve(rest);
            existing = existing.getParent();
        }
        if (existing == null) {
            return p;
        }
        Path real = existing.toRealPath();
        return rest == null ? real : real.resolve(rest).normalize();
    }
}
