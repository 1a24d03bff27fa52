package onekey.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link Database#inOneTransaction}: the statements of one thread committed together or not at all (issue 23). */
class InOneTransactionTest {
    @TempDir
    Path tmp;
    Database db;

    @BeforeEach
    void up() {
        db = onekey.testkit.H2Template.open(tmp.resolve("onekey"), "sa", 4);
        db.dsl().execute("create table t (id int primary key, v varchar(10))");
    }

    @AfterEach
    void down() {
        db.close();
    }

    private int rows() {
        return db.dsl().fetchCount(DSL.table("t"));
    }

    @Test
    void theStatementsAreCommittedTogetherAndNotSeenByOthersBefore() throws Exception {
        db.inOneTransaction(() -> {
            db.dsl().execute("insert into t values (1, 'a')");
            db.dsl().execute("insert into t values (2, 'b')");
            // another thread (its own connection) does not see them before the commit; this one does
            int seenElsewhere = CompletableFuture.supplyAsync(this::rows, Executors.newVirtualThreadPerTaskExecutor()).join();
            assertThat(seenElsewhere).isZero();
            assertThat(rows()).isEqualTo(2);
        });
        assertThat(rows()).isEqualTo(2);
    }

    @Test
    void whenTheWorkThrowsNothingOfItIsWritten() {
        assertThatThrownBy(() -> db.inOneTransaction(() -> {
            db.dsl().execute("insert into t values (1, 'a')");
            db.dsl().execute("insert into t values (1, 'again')"); // duplicate key
        })).hasMessageContaining("again");
        assertThat(rows()).isZero();
        // the pool's connection is usable again, in autocommit
        db.dsl().execute("insert into t values (3, 'c')");
        assertThat(rows()).isEqualTo(1);
    }

    @Test
    void aRefusedStatementCaughtInsideLeavesTheOthers() throws Exception {
        db.inOneTransaction(() -> {
            db.dsl().execute("insert into t values (1, 'a')");
            try {
                db.dsl().execute("insert into t values (1, 'dup')");
            } catch (org.jooq.exception.DataAccessException expected) {
                // as the journal's keyed inserts do on a replay
            }
            db.dsl().execute("insert into t values (2, 'b')");
        });
        assertThat(rows()).isEqualTo(2);
    }
}
