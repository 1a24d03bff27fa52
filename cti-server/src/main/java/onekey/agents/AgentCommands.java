package onekey.agents;

import java.util.List;
import java.util.Optional;
import onekey.auth.Account;

/**
 * What the WebSocket API may ask of agents. Each call changes the agent's state and queue membership
 * (over AMI) and publishes {@code agent.state}.
 * @throws IllegalStateException when the transition is not allowed (message says from and to)
 */
public interface AgentCommands {
    AgentStatus ready(Account account);

    AgentStatus pause(Account account, String reason);

    AgentStatus logout(Account account);

    Optional<AgentStatus> status(long accountId);

    List<AgentStatus> all();
}
