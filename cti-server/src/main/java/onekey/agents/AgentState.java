package onekey.agents;

import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * An agent's state. Queue membership follows it: LOGGED_OUT = not a member; READY = member, unpaused;
 * NOT_READY and WRAP_UP = member, paused; ON_CALL = member (app_queue will not ring a busy device).
 * All allowed transitions are listed here and nowhere else.
 */
public enum AgentState {
    LOGGED_OUT, READY, NOT_READY, ON_CALL, WRAP_UP;

    private static final Map<AgentState, Set<AgentState>> ALLOWED = Map.of(
            LOGGED_OUT, EnumSet.of(NOT_READY, READY),
            READY, EnumSet.of(NOT_READY, ON_CALL, LOGGED_OUT),
            NOT_READY, EnumSet.of(READY, NOT_READY, ON_CALL, LOGGED_OUT),
            ON_CALL, EnumSet.of(WRAP_UP, READY, NOT_READY, LOGGED_OUT), // READY: wrap-up time 0
            WRAP_UP, EnumSet.of(READY, NOT_READY, ON_CALL, LOGGED_OUT));

    public boolean canGoTo(AgentState next) {
        return ALLOWED.get(this).contains(next);
    }

    public boolean inQueue() {
        return this != LOGGED_OUT;
    }

    public boolean paused() {
        return this == NOT_READY || this == WRAP_UP;
    }

    public String wire() {
        return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
}
