package onekey.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import onekey.elders.JooqElderRepository;
import onekey.store.Database;
import onekey.testkit.Engines;
import onekey.testkit.MariaDbServer;
import onekey.testkit.Proc;
import onekey.testkit.Sipp;
import onekey.testkit.Stack;
import onekey.testkit.Ws;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * Backing up a running system without stopping calls, and restoring it (issue 10, test 4): the documented command
 * (docs/operations.md, "Backups": {@code mariadb-dump --single-transaction}) runs while SOS calls are answered
 * and recorded; the dump is restored into an empty database; every row the snapshot holds is there, identical
 * to the live system's (elders, calls with their timelines, audit rows, recording links), and the restored
 * database opens as a OneKey database.
 */
class BackupRestoreIT {

    @Test
    void aBackupTakenDuringAStreamOfCallsRestoresEveryRowIntoAnEmptyDatabase() throws Exception {
        MariaDbServer maria = Engines.maria();
        try (Stack stack = Engines.stack("mariadb").startAsterisk().startServer()) {
            Awaitility.await("AMI connected").atMost(Duration.ofSeconds(20))
                    .until(() -> stack.api.get("/api/health", null).json().path("asterisk").path("connected").asBoolean());
            try (Sipp.AgentPhone phone = new Sipp.AgentPhone(stack.asterisk, "1001", stack.sipSecret("1001"), 300);
                 Ws ws = new Ws(stack.server.apiPort(), stack.api.login("1001", "agent1001"))) {
                backupDuringCalls(maria, stack, ws);
            }
        }
    }

    private static void backupDuringCalls(MariaDbServer maria, Stack stack, Ws ws) throws Exception {
        {
            ws.await("hello", 10);
            ws.send("{\"type\":\"agent.ready\"}");
            Awaitility.await("1001 in the queue").atMost(Duration.ofSeconds(15)).until(() -> stack.asterisk
                    .cli("queue show onekey").lines().anyMatch(l -> l.contains("PJSIP/1001") && l.contains("Not in use")));
            String live = stack.env().get("ONEKEY_DB_URL");
            String database = live.substring(live.lastIndexOf('/') + 1).replaceAll("\\?.*", "");

            // a stream of SOS calls, one after another, answered by the agent and recorded
            AtomicBoolean streaming = new AtomicBoolean(true);
            AtomicInteger placed = new AtomicInteger();
            Thread stream = Thread.ofVirtual().start(() -> {
                while (streaming.get()) {
                    try (Sipp.Caller c = new Sipp.Caller(stack.asterisk.sipPort, "02155550001", "1234901", 1_500)) {
                        c.await(30);
                        placed.incrementAndGet();
                    }
                }
            });
            String admin = stack.api.login("admin", Stack.ADMIN_PASSWORD);
            Awaitility.await("three calls recorded before the backup").atMost(Duration.ofSeconds(90))
                    .until(() -> recordedCalls(stack, admin) >= 3);

            // the backup, while calls go on (the command of docs/operations.md)
            Path dump = Files.createTempFile("onekey-backup", ".sql");
            long backupStart = System.currentTimeMillis();
            int placedAtStart = placed.get();
            Proc.run(List.of("bash", "-c", "mariadb-dump --no-defaults --single-transaction --quick --routines "
                    + "--triggers --hex-blob --default-character-set=utf8mb4 -h 127.0.0.1 -P " + maria.port() + " -u "
                    + maria.user() + " \"$MARIADB_PWD\" " + database + " > " + dump), Path.of("/"),
                    Map.of("MARIADB_PWD", "-p" + maria.password()), 120);
            assertThat(Files.size(dump)).as("the dump").isGreaterThan(10_000);
            Awaitility.await("a call during and after the backup").atMost(Duration.ofSeconds(60))
                    .until(() -> placed.get() >= placedAtStart + 2);
            streaming.set(false);
            stream.join(Duration.ofSeconds(60));
            Awaitility.await("the journal has written everything").atMost(Duration.ofSeconds(30))
                    .until(() -> stack.api.get("/api/health", null).json().path("journal").path("pending").asLong() == 0);

            // restore into an empty database of the same server
            String restoredUrl = maria.createDatabase("restored");
            String restored = restoredUrl.substring(restoredUrl.lastIndexOf('/') + 1).replaceAll("\\?.*", "");
            Proc.run(List.of("bash", "-c", "mariadb --no-defaults --default-character-set=utf8mb4 -h 127.0.0.1 -P "
                    + maria.port() + " -u " + maria.user() + " \"$MARIADB_PWD\" " + restored + " < " + dump), Path.of("/"),
                    Map.of("MARIADB_PWD", "-p" + maria.password()), 120);

            try (Connection now = DriverManager.getConnection(maria.jdbcUrl(database), maria.user(), maria.password());
                 Connection back = DriverManager.getConnection(maria.jdbcUrl(restored), maria.user(), maria.password())) {
                // append-only tables: every restored row is the live row, unchanged
                for (String table : List.of("audit_log", "call_events", "elder_phones", "elder_contacts", "service_lines")) {
                    Map<Object, List<Object>> b = rows(back, table);
                    Map<Object, List<Object>> n = rows(now, table);
                    assertThat(b).as(table + " restored").isNotEmpty();
                    b.forEach((k, v) -> assertThat(n.get(k)).as(table + " row " + k).isEqualTo(v));
                }
                // elders and accounts are not touched by calls: the same rows
                for (String table : List.of("elders", "accounts")) {
                    assertThat(rows(back, table)).as(table).isEqualTo(rows(now, table));
                }
                // every call that ended before the backup is there, identical, with its whole timeline and recording
                Map<Object, List<Object>> callsBack = rows(back, "calls");
                Map<Object, List<Object>> callsNow = rows(now, "calls");
                List<Object> endedBefore = new ArrayList<>();
                try (Statement st = now.createStatement();
                     ResultSet rs = st.executeQuery("SELECT c.id FROM calls c WHERE c.ended_at < " + (backupStart - 2_000)
                             + " AND EXISTS (SELECT 1 FROM recordings r WHERE r.call_id = c.id AND r.created_at < "
                             + (backupStart - 2_000) + ") ORDER BY c.id")) {
                    while (rs.next()) {
                        endedBefore.add(rs.getObject(1));
                    }
                }
                assertThat(endedBefore).as("calls recorded before the backup").isNotEmpty();
                for (Object id : endedBefore) {
                    assertThat(callsBack.get(id)).as("call " + id).isEqualTo(callsNow.get(id));
                    assertThat(count(back, "call_events WHERE call_id = " + id))
                            .as("timeline of call " + id).isEqualTo(count(now, "call_events WHERE call_id = " + id));
                    assertThat(count(back, "recordings WHERE call_id = " + id))
                            .as("recording link of call " + id).isEqualTo(1);
                }
                // and the calls after the backup are not (the snapshot is consistent, not a smear)
                assertThat(callsNow.size()).isGreaterThan(callsBack.size());
                assertThat(count(back, "audit_log")).isLessThanOrEqualTo(count(now, "audit_log"));
                System.out.printf("backup restored: %d calls of %d, %d audit rows of %d, %d recordings of %d%n",
                        callsBack.size(), callsNow.size(), count(back, "audit_log"), count(now, "audit_log"),
                        count(back, "recordings"), count(now, "recordings"));
            }
            // the restored database is a OneKey database: it opens (migrations validated) and reads the elders
            try (Database db = Database.open(restoredUrl, maria.user(), maria.password(), 2)) {
                assertThat(new JooqElderRepository(db, "21").get(1).orElseThrow().name()).isEqualTo("张桂英");
            }
        }
    }

    private static long recordedCalls(Stack stack, String admin) {
        long n = 0;
        for (var c : stack.api.get("/api/calls?limit=50", admin).json()) {
            if (c.path("recordingId").isNumber()) {
                n++;
            }
        }
        return n;
    }

    private static long count(Connection c, String from) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM " + from)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Every row of a table by its first column (the primary key), in key order. */
    private static Map<Object, List<Object>> rows(Connection c, String table) throws SQLException {
        Map<Object, List<Object>> out = new LinkedHashMap<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT * FROM " + table + " ORDER BY 1, 2")) {
            ResultSetMetaData md = rs.getMetaData();
            while (rs.next()) {
                List<Object> row = new ArrayList<>();
                for (int i = 1; i <= md.getColumnCount(); i++) {
                    Object v = rs.getObject(i);
                    row.add(v instanceof byte[] b ? java.util.HexFormat.of().formatHex(b) : v);
                }
                Object key = md.getColumnCount() > 1 && !md.getColumnName(1).equalsIgnoreCase("id")
                        ? row.get(0) + "/" + row.get(1) : row.get(0);
                out.put(key, row);
            }
        }
        return out;
    }
}
