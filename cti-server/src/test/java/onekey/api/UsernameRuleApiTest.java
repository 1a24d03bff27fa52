package onekey.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 16: {@code "admin\u0000"} and {@code " admin"} signed in as admin (the name was trimmed, and Java's trim
 * strips NUL). Names are case-insensitive; a control character or white space at either end is refused with a
 * 400 naming the field, at login and when an account is created.
 */
class UsernameRuleApiTest {

    @TempDir
    Path dir;
    ApiFixture f;

    @BeforeEach
    void start() {
        f = new ApiFixture(dir);
    }

    @AfterEach
    void stop() {
        f.close();
    }

    private HttpResponse<String> login(String username) {
        return f.send("POST", "/api/login", null,
                Json.write(Map.of("username", username, "password", ApiFixture.PASSWORD)));
    }

    private static JsonNode json(HttpResponse<String> r) throws Exception {
        return Json.MAPPER.readTree(r.body());
    }

    @Test
    void controlCharactersAndOuterSpacesAreRefusedAtLogin() throws Exception {
        for (String bad : new String[] {"admin\u0000", "\u0000admin", "ad\u0000min", "admin\n", "admin\t", "\u0007admin",
                "admin\u200b", "admin\u007f"}) {
            HttpResponse<String> r = login(bad);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
            assertThat(json(r).path("field").asText()).isEqualTo("username");
            assertThat(json(r).path("message").asText()).contains("control characters");
            assertThat(r.body()).doesNotContain("token");
        }
        for (String bad : new String[] {" admin", "admin ", "\u3000admin", "admin\u00a0"}) {
            HttpResponse<String> r = login(bad);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
            assertThat(json(r).path("field").asText()).isEqualTo("username");
            assertThat(json(r).path("message").asText()).contains("white space");
        }
        assertThat(f.audit.rows).noneMatch(e -> e.action().equals("login.ok"));
    }

    @Test
    void namesAreCaseInsensitiveAndOnlyAsciiLettersFold() throws Exception {
        for (String name : new String[] {"admin", "ADMIN", "Admin"}) {
            HttpResponse<String> r = login(name);
            assertThat(r.statusCode()).as(name + ": " + r.body()).isEqualTo(200);
            assertThat(json(r).path("username").asText()).isEqualTo("admin");
            assertThat(json(r).path("accountId").asLong()).isEqualTo(f.admin.id());
        }
        // U+212A KELVIN SIGN lower-cases to 'k' in Java; it is not a way into "kate"
        f.accounts.create(new onekey.auth.AccountDraft("kate", onekey.auth.Role.SUPERVISOR, null, null, "Kate", true),
                onekey.auth.Passwords.hash(ApiFixture.PASSWORD.toCharArray()));
        assertThat(login("KATE").statusCode()).isEqualTo(200);
        assertThat(login("\u212Aate").statusCode()).isEqualTo(401);
    }

    private HttpResponse<String> create(String username, String extension) {
        return f.send("POST", "/api/agents", f.token(f.admin), Json.write(Map.of("username", username, "role", "agent",
                "extension", extension, "sipSecret", "secret-for-" + extension, "password", "password-1234")));
    }

    @Test
    void theSameRuleHoldsWhenAnAccountIsCreated() throws Exception {
        HttpResponse<String> nul = create("carl\u0000", "1010");
        assertThat(nul.statusCode()).as(nul.body()).isEqualTo(400);
        assertThat(json(nul).path("field").asText()).isEqualTo("username");
        HttpResponse<String> spaced = create(" carl", "1010");
        assertThat(spaced.statusCode()).as(spaced.body()).isEqualTo(400);
        assertThat(json(spaced).path("field").asText()).isEqualTo("username");
        assertThat(f.accounts.byUsername("carl")).isEmpty();

        HttpResponse<String> upper = create("Carl", "1010");
        assertThat(upper.statusCode()).as(upper.body()).isEqualTo(201);
        assertThat(json(upper).path("username").asText()).isEqualTo("carl");
        // the same name in other letters is the same name
        HttpResponse<String> again = create("CARL", "1011");
        assertThat(again.statusCode()).as(again.body()).isEqualTo(409);
        assertThat(json(again).path("field").asText()).isEqualTo("username");
        assertThat(f.send("POST", "/api/login", null, "{\"username\":\"CaRl\",\"password\":\"password-1234\"}")
                .statusCode()).isEqualTo(200);
    }
}
