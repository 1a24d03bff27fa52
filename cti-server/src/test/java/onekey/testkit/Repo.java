package onekey.testkit;

import java.nio.file.Files;
import java.nio.file.Path;

/** The repository root, where asterisk-config/ lives. */
public final class Repo {
    private Repo() {
    }

    public static Path root() {
        String home = System.getProperty("onekey.home");
        Path p = home != null ? Path.of(home) : Path.of("").toAbsolutePath();
        for (Path q = p.toAbsolutePath(); q != null; q = q.getParent()) {
            if (Files.isRegularFile(q.resolve("asterisk-config/asterisk.sh"))) {
                return q;
            }
        }
        throw new IllegalStateException("cannot find the repository root (asterisk-config/asterisk.sh) from " + p);
    }

    public static Path asteriskConfig() {
        return root().resolve("asterisk-config");
    }
}
