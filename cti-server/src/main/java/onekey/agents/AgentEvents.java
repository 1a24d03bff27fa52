package onekey.agents;

import onekey.events.DomainEvent;

/** What the agents' service tells: an agent's state changed. Published by {@link AgentService} only. */
public sealed interface AgentEvents extends DomainEvent {

    record StateChanged(AgentStatus agent) implements AgentEvents {}
}
