package onekey.testkit;

/**
 * The database engines the full-stack integration tests run on (issue 10): H2, the demo's default, and a private
 * MariaDB, production's. One MariaDB server serves every test class of the run (each stack gets a fresh, empty
 * database on it); a JVM shutdown hook stops it.
 */
public final class Engines {
    private static MariaDbServer maria;

    private Engines() {
    }

    public static synchronized MariaDbServer maria() {
        if (maria == null) {
            maria = MariaDbServer.start();
        }
        return maria;
    }

    /** A stack whose cti-server stores everything in a fresh database of {@code engine} ("h2" or "mariadb"). */
    public static Stack stack(String engine) {
        return switch (engine) {
            case "h2" -> new Stack();
            case "mariadb" -> {
                MariaDbServer m = maria();
                yield new Stack(m.createDatabase("it")).with("ONEKEY_DB_USER", m.user()).with("ONEKEY_DB_PASSWORD", m.password());
            }
            default -> throw new IllegalArgumentException("unknown engine " + engine + " (h2 or mariadb)");
        };
    }
}
