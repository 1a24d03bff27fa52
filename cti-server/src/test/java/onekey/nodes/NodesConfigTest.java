package onekey.nodes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import onekey.agents.PjsipFileProvisioner;
import onekey.auth.Account;
import onekey.auth.Role;
import onekey.config.ConfigException;
import onekey.config.ConfigLoader;
import onekey.config.OneKeyConfig;
import org.junit.jupiter.api.Test;

/** nodes.* in the configuration, and what the agents' provisioning writes for Kamailio and the nodes (issue 25). */
class NodesConfigTest {

    @Test
    void oneAsteriskByDefault() {
        OneKeyConfig c = ConfigLoader.load(null, Map.of());
        assertThat(c.nodes().enabled()).isFalse();
        assertThat(c.nodes().deadAfterMs()).isEqualTo(2000);
    }

    @Test
    void nodesAreReadWithTheirNamesAndAmiAddresses() {
        OneKeyConfig c = ConfigLoader.load(null, Map.of("ONEKEY_NODES_LIST", "n1=127.0.0.1:5038, n2=10.0.0.3:5039",
                "ONEKEY_ASTERISK_AGENTSCONF", "/run/ast-{node}/etc/asterisk/pjsip.agents.conf",
                "ONEKEY_NODES_PROXY", "127.0.0.1:5060"));
        assertThat(c.nodes().list()).containsExactly(new OneKeyConfig.Node("n1", "127.0.0.1", 5038),
                new OneKeyConfig.Node("n2", "10.0.0.3", 5039));
        assertThat(c.nodes().proxy()).isEqualTo("127.0.0.1:5060");
    }

    @Test
    void badNodeListsNameTheKeyAndTheForm() {
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("ONEKEY_NODES_LIST", "n1=127.0.0.1,n2=127.0.0.1:5039")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("nodes.list (ONEKEY_NODES_LIST) is 'n1=127.0.0.1,n2=127.0.0.1:5039', expected a comma list of name=host:amiPort");
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("ONEKEY_NODES_LIST", "n1=127.0.0.1:5038,n1=127.0.0.1:5039")))
                .hasMessageContaining("distinct names");
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("ONEKEY_NODES_LIST", "n1=127.0.0.1:5038,n2=127.0.0.1:5039",
                "ONEKEY_ASTERISK_AGENTSCONF", "/run/asterisk/etc/asterisk/pjsip.agents.conf")))
                .hasMessageContaining("asterisk.agentsConf (ONEKEY_ASTERISK_AGENTSCONF)").hasMessageContaining("{node}");
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("ONEKEY_NODES_PROXY", "sip:kamailio")))
                .hasMessageContaining("nodes.proxy (ONEKEY_NODES_PROXY) is 'sip:kamailio'");
    }

    private static Account agent(long id, String ext, String secret) {
        return new Account(id, "agent" + ext, Role.AGENT, ext, secret, "Agent " + ext, true);
    }

    @Test
    void agentsGetKamailioAsTheirContactOnEveryNodeAndTheirCredentialsInItsTable() {
        List<Account> accounts = List.of(agent(7, "1001", "s3cr:et"), agent(8, "1002", "other"));
        String pjsip = PjsipFileProvisioner.render(accounts, "127.0.0.1:5060");
        assertThat(pjsip).contains("[1001](onekey-agent-aor)\ncontact=sip:1001@127.0.0.1:5060\n",
                "[1002](onekey-agent-aor)\ncontact=sip:1002@127.0.0.1:5060\n");
        assertThat(PjsipFileProvisioner.render(accounts, null)).doesNotContain("contact=");
        assertThat(NodesProvisioner.subscriberTable(accounts)).isEqualTo(
                "id(int,auto) username(string) domain(string) password(string) ha1(string,null) ha1b(string,null) \n"
                        + "7:1001:onekey:s3cr\\:et::\n8:1002:onekey:other::\n");
    }
}
