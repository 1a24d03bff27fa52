package onekey.events;

/**
 * What a feature tells the people watching it: each feature has its own sealed family of event records and
 * one notifier that publishes them (calls, agents, rescue, broadcast, supervision, recording). The hub numbers
 * and fans them out without knowing any of them; the protocol edge ({@code api}) gives each its wire name and
 * JSON view.
 */
public interface DomainEvent {}
