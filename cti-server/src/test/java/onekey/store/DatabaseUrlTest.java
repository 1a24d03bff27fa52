package onekey.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import onekey.config.ConfigLoader;
import org.jooq.SQLDialect;
import org.junit.jupiter.api.Test;

/** A Galera cluster's URL (issue 10): the nodes listed with failover are accepted and keep OneKey's timeouts. */
class DatabaseUrlTest {

    static final String GALERA = "jdbc:mariadb:sequential://db1:3306,db2:3306,db3:3306/onekey";

    @Test
    void aSequentialUrlListingTheNodesIsMariaDbAndGetsTheTimeouts() {
        assertThat(Database.dialectOf(GALERA)).isEqualTo(SQLDialect.MARIADB);
        assertThat(Database.withMariaDbTimeouts(GALERA)).isEqualTo(GALERA + "?connectTimeout=2000&socketTimeout=10000");
        assertThat(Database.withMariaDbTimeouts(GALERA + "?socketTimeout=5000"))
                .isEqualTo(GALERA + "?socketTimeout=5000&connectTimeout=2000");
    }

    @Test
    void theConfigurationTakesIt() {
        assertThat(ConfigLoader.load(null, Map.of("ONEKEY_DB_URL", GALERA)).db().url()).isEqualTo(GALERA);
    }
}
