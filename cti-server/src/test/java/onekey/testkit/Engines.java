package onekey.testkit;

/**
 * The database engines the full-stack integration tests run on (issue 10): H2, the demo's default, and a private
 * MariaDB, production's. One MariaDB server serves every test class of the run (each stack gets a fresh, empty
 * database on it, with latin1 as its default character set); a JVM shutdown hook stops it.
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
                // created as a newcomer does it (CREATE DATABASE onekey): latin1 by default, the schema makes its
                // tables utf8mb4 (issue 10, test 1: Chinese names stored, popped and read back intact)
                yield new Stack(m.createDatabase("it", "CHARACTER SET latin1 COLLATE latin1_swedish_ci")).with("ONEKEY_DB_USER", m.user()).with("ONEKEY_DB_PASSWORD", m.password());
            }
            default -> throw new IllegalArgumentException("unknown engine " + engine + " (h2 or mariadb)");
        };
    }
}
