package onekey.agents;

/** An agent's live state; {@code reason} is set for NOT_READY; {@code since} epoch ms. */
public record AgentStatus(long accountId, String username, String extension, AgentState state, String reason,
                          long since) {}
