package onekey.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import onekey.auth.AccountDraft;
import onekey.auth.JooqAccountRepository;
import onekey.auth.Passwords;
import onekey.auth.Role;
import onekey.elders.JooqElderRepository;
import onekey.lines.JooqLineRepository;
import onekey.store.Database;
import onekey.testkit.H2Template;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The demo's accounts sign in with their published passwords in every demo database a JVM seeds. */
class DemoDataTest {

    @TempDir
    Path dir;

    @Test
    void twoDemoDatabasesSeededInOneJvmBothSignInWithThePublishedPasswordsAndAPersonsAccountHasItsOwnSalt() {
        try (Database a = H2Template.open(dir.resolve("a"), "sa", 2); Database b = H2Template.open(dir.resolve("b"), "sa", 2)) {
            JooqAccountRepository accountsA = seed(a);
            JooqAccountRepository accountsB = seed(b);
            Map<String, String> published = Map.of("1001", "agent1001", "1004", "agent1004", "super", "super1234",
                    "dispatch", "dispatch1234", "district", "district1234");
            published.forEach((user, password) -> {
                String inA = accountsA.passwordHash(user).orElseThrow();
                String inB = accountsB.passwordHash(user).orElseThrow();
                assertThat(Passwords.verify(password.toCharArray(), inA)).as("%s in a", user).isTrue();
                assertThat(Passwords.verify(password.toCharArray(), inB)).as("%s in b", user).isTrue();
                assertThat(Passwords.verify("wrong-password".toCharArray(), inA)).as("%s, a wrong password", user).isFalse();
                // a real PBKDF2 hash at the full count, made once for the JVM's demo databases
                assertThat(inA).startsWith("pbkdf2-sha256$" + Passwords.ITERATIONS + "$").isEqualTo(inB);
            });
            assertThat(accountsA.passwordHash("1001")).isNotEqualTo(accountsA.passwordHash("1002"));
            // an account a person makes is hashed with its own salt, even with a demo password
            accountsA.create(new AccountDraft("ann", Role.AGENT, null, null, "Ann", true), Passwords.hash("agent1001".toCharArray()));
            assertThat(accountsA.passwordHash("ann").orElseThrow()).isNotEqualTo(accountsA.passwordHash("1001").orElseThrow());
        }
    }

    private static JooqAccountRepository seed(Database db) {
        JooqAccountRepository accounts = new JooqAccountRepository(db);
        DemoData.Seeded s = DemoData.seedIfEmpty(db, new JooqElderRepository(db, "21"), new JooqLineRepository(db), accounts);
        assertThat(s.accounts()).isEqualTo(7);
        return accounts;
    }
}
