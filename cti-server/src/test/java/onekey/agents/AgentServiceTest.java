package onekey.agents;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.timeout;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import java.time.Duration;
import java.util.Optional;
import onekey.auth.Account;
import onekey.auth.AccountRepository;
import onekey.auth.Role;
import onekey.events.EventHub;
import onekey.telephony.Pbx;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

class AgentServiceTest {

    Pbx pbx = mock(Pbx.class);
    AccountRepository accounts = mock(AccountRepository.class);
    Account agent = new Account(5, "1005", Role.AGENT, "1005", "sip-secret", "A", true);

    AgentService service(int wrapUpSeconds) {
        when(accounts.get(5)).thenReturn(Optional.of(agent));
        return new AgentService(pbx, accounts, new EventHub(10), "onekey", wrapUpSeconds);
    }

    @Test
    void readyAddsTheAgentToTheQueueUnpaused() {
        AgentService s = service(0);
        assertThat(s.ready(agent).state()).isEqualTo(AgentState.READY);
        verify(pbx, timeout(2000)).queueAdd(eq("onekey"), eq("PJSIP/1005"), eq("1005"), eq(false), any());
        assertThat(s.accountForInterface("PJSIP/1005")).contains(agent);
    }

    @Test
    void withNoWrapUpTheAgentIsReadyAgainWhenTheCallEnds() {
        AgentService s = service(0);
        s.ready(agent);
        s.callConnected(5);
        assertThat(s.status(5).orElseThrow().state()).isEqualTo(AgentState.ON_CALL);
        s.callEnded(5);
        assertThat(s.status(5).orElseThrow().state()).isEqualTo(AgentState.READY);
    }

    @Test
    void wrapUpPausesTheAgentThenMakesThemReady() {
        AgentService s = service(1);
        s.ready(agent);
        s.callConnected(5);
        s.callEnded(5);
        assertThat(s.status(5).orElseThrow().state()).isEqualTo(AgentState.WRAP_UP);
        verify(pbx, timeout(2000)).queuePause(eq("onekey"), eq("PJSIP/1005"), eq(true), any());
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> s.status(5).orElseThrow().state() == AgentState.READY);
    }

    @Test
    void aForbiddenTransitionIsRefusedNamingBothStates() {
        AgentService s = service(0);
        assertThatThrownBy(() -> s.ready(new Account(6, "x", Role.AGENT, null, null, "x", true)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("no extension");
        assertThatThrownBy(() -> s.logout(agent)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("from logged-out to logged-out");
        s.ready(agent);
        s.logout(agent);
        assertThat(s.status(5)).isEmpty();
    }
}
