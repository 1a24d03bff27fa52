package onekey.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import onekey.testkit.TestClock;
import org.junit.jupiter.api.Test;

/**
 * Tokens validated in the last minutes get a seat back in while the database is away (issue 16, item 8); a token
 * never validated, validated too long ago, or revoked does not, and gets {@link TokenStore.Unavailable} (503).
 */
class RememberedTokensTest {

    /** The database's tokens in memory; {@code down} makes every call fail as jOOQ does when MariaDB is killed. */
    static final class Db implements TokenStore {
        final Map<String, Account> tokens = new HashMap<>();
        boolean down;
        int n;

        @Override
        public String issue(Account account, long ttlMillis) {
            check();
            String t = "token-" + ++n;
            tokens.put(t, account);
            return t;
        }

        @Override
        public Optional<Account> resolve(String token) {
            check();
            return Optional.ofNullable(tokens.get(token));
        }

        @Override
        public void revoke(String token) {
            check();
            tokens.remove(token);
        }

        @Override
        public int revokeAll(long accountId) {
            check();
            int before = tokens.size();
            tokens.values().removeIf(a -> a.id() == accountId);
            return before - tokens.size();
        }

        @Override
        public Set<String> stillValid(Collection<String> ts) {
            check();
            Set<String> out = new HashSet<>();
            for (String t : ts) {
                if (tokens.containsKey(t)) {
                    out.add(t);
                }
            }
            return out;
        }

        private void check() {
            if (down) {
                throw new org.jooq.exception.DataAccessException("Connection refused (MariaDB killed)");
            }
        }
    }

    final Account ann = new Account(3, "ann", Role.AGENT, "1001", "s", "Ann", true);
    final Account bob = new Account(4, "bob", Role.AGENT, "1002", "s", "Bob", true);
    final TestClock clock = new TestClock(1_000_000);
    final Db db = new Db();
    final RememberedTokens tokens = new RememberedTokens(db, clock, 10 * 60_000L, 100);

    @Test
    void aTokenValidatedWithinTheTrustWindowResolvesWhileTheDatabaseIsAwayAndNotAfter() {
        String t = tokens.issue(ann, 3_600_000);
        assertThat(tokens.resolve(t)).contains(ann);
        db.down = true;
        clock.advance(10 * 60_000L);
        assertThat(tokens.resolve(t)).as("validated 10 min ago").contains(ann);
        clock.advance(1);
        assertThatThrownBy(() -> tokens.resolve(t)).isInstanceOf(TokenStore.Unavailable.class);
        db.down = false;
        assertThat(tokens.resolve(t)).as("the database answers again").contains(ann);
    }

    @Test
    void aTokenNeverValidatedIsUnavailableNotInvalidWhileTheDatabaseIsAway() {
        String other = db.issue(bob, 3_600_000); // issued, but never checked through this server
        db.down = true;
        assertThatThrownBy(() -> tokens.resolve(other)).isInstanceOf(TokenStore.Unavailable.class)
                .hasCauseInstanceOf(org.jooq.exception.DataAccessException.class);
        assertThatThrownBy(() -> tokens.resolve("never-issued")).isInstanceOf(TokenStore.Unavailable.class);
    }

    @Test
    void theSessionCheckKeepsOpenSessionsFreshAndForgetsRevokedTokens() {
        String t = tokens.issue(ann, 3_600_000);
        String u = tokens.issue(bob, 3_600_000);
        clock.advance(9 * 60_000L);
        db.tokens.remove(u); // revoked by another path (expired)
        assertThat(tokens.stillValid(List.of(t, u))).containsExactly(t);
        clock.advance(9 * 60_000L);
        db.down = true;
        assertThat(tokens.resolve(t)).as("checked 9 min ago by the session check").contains(ann);
        assertThatThrownBy(() -> tokens.resolve(u)).as("the database said it is gone")
                .isInstanceOf(TokenStore.Unavailable.class);
    }

    @Test
    void aRevokedTokenOrAccountIsNeverLetInFromMemory() {
        String t = tokens.issue(ann, 3_600_000);
        String u = tokens.issue(bob, 3_600_000);
        assertThat(tokens.resolve(t)).contains(ann);
        tokens.revoke(t);
        tokens.revokeAll(bob.id());
        db.down = true;
        assertThatThrownBy(() -> tokens.resolve(t)).isInstanceOf(TokenStore.Unavailable.class);
        assertThatThrownBy(() -> tokens.resolve(u)).isInstanceOf(TokenStore.Unavailable.class);
    }

    @Test
    void aTokenTheDatabaseNoLongerKnowsIsForgotten() {
        String t = tokens.issue(ann, 3_600_000);
        db.tokens.remove(t);
        assertThat(tokens.resolve(t)).isEmpty();
        db.down = true;
        assertThatThrownBy(() -> tokens.resolve(t)).isInstanceOf(TokenStore.Unavailable.class);
    }

    @Test
    void memoryIsBoundedAndTheLeastRecentlyUsedGoesFirst() {
        RememberedTokens small = new RememberedTokens(db, clock, 60_000, 2);
        String a = small.issue(ann, 3_600_000);
        String b = small.issue(bob, 3_600_000);
        small.resolve(a); // a used more recently than b
        String c = small.issue(ann, 3_600_000);
        assertThat(small.size()).isEqualTo(2);
        db.down = true;
        assertThat(small.resolve(a)).contains(ann);
        assertThat(small.resolve(c)).contains(ann);
        assertThatThrownBy(() -> small.resolve(b)).isInstanceOf(TokenStore.Unavailable.class);
    }
}
