package onekey.agents;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import onekey.auth.Account;
import onekey.auth.Role;
import org.junit.jupiter.api.Test;

class PjsipFileProvisionerTest {

    @Test
    void rendersEndpointAuthAndAorFromTheTemplatesForEnabledAccountsWithAnExtension() {
        String text = PjsipFileProvisioner.render(List.of(
                new Account(2, "1002", Role.AGENT, "1002", "s3cret-1002", "李强", true),
                new Account(1, "admin", Role.ADMIN, null, null, "Administrator", true),
                new Account(3, "1003", Role.AGENT, "1003", "s3cret-1003", "off", false)));
        assertThat(text).contains("[1002](onekey-agent-endpoint)\nauth=1002-auth\naors=1002\ncallerid=\"李强\" <1002>\n"
                + "[1002-auth](onekey-agent-auth)\nusername=1002\npassword=s3cret-1002\n[1002](onekey-agent-aor)\n");
        assertThat(text).doesNotContain("admin").doesNotContain("1003");
    }

    @Test
    void refusesAnExtensionThatCouldInjectConfiguration() {
        assertThatThrownBy(() -> PjsipFileProvisioner.render(List.of(
                new Account(1, "x", Role.AGENT, "10]\n[evil", "secret-secret", "x", true))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("digits");
    }

    @Test
    void stripsLineBreaksFromNamesAndSecrets() {
        String text = PjsipFileProvisioner.render(List.of(
                new Account(1, "1001", Role.AGENT, "1001", "pw\n[x]", "A\"gent\n<b>", true)));
        assertThat(text).contains("password=pw[x]\n").contains("callerid=\"Agentb\" <1001>");
    }
}
