package onekey.store;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import onekey.auth.Passwords;
import org.junit.jupiter.api.Test;

class PasswordsTest {

    @Test
    void hashIsSelfDescribingAndSalted() {
        String a = Passwords.hash("agent1001".toCharArray());
        String b = Passwords.hash("agent1001".toCharArray());
        assertTrue(a.startsWith("pbkdf2-sha256$210000$"), a);
        assertTrue(a.split("\\$").length == 4, a);
        assertNotEquals(a, b, "a random salt makes equal passwords hash differently");
    }

    @Test
    void verifiesTheRightPasswordOnly() {
        String h = Passwords.hash("super1234".toCharArray());
        assertTrue(Passwords.verify("super1234".toCharArray(), h));
        assertFalse(Passwords.verify("super1235".toCharArray(), h));
        assertFalse(Passwords.verify("".toCharArray(), h));
    }

    @Test
    void malformedStoredHashesNeverVerify() {
        char[] pw = "x".toCharArray();
        assertFalse(Passwords.verify(pw, null));
        assertFalse(Passwords.verify(pw, ""));
        assertFalse(Passwords.verify(pw, "plaintext"));
        assertFalse(Passwords.verify(pw, "pbkdf2-sha256$abc$AAAA$AAAA"));
        assertFalse(Passwords.verify(pw, "pbkdf2-sha256$1000$!!!$AAAA"));
        assertFalse(Passwords.verify(pw, "md5$1$AAAA$AAAA"));
    }

    @Test
    void emptyPasswordIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> Passwords.hash(new char[0]));
    }
}
