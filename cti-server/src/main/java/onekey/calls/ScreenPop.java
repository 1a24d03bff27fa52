package onekey.calls;

import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import onekey.auth.Account;
import onekey.elders.Elder;
import onekey.events.EventHub;
import onekey.events.Shapes;

/**
 * The screen pop: what the agent whose phone rings sees — the call, the elder's full record and last
 * calls, or why the record is missing. A pop shows an elder's personal data: each delivery of it is audited
 * by the WebSocket session that delivers it.
 */
final class ScreenPop {

    private final EventHub hub;

    ScreenPop(EventHub hub) {
        this.hub = hub;
    }

    /**
     * Sends {@code call.offered} to the agent. Its {@code elder.pop} audit rows are written where it is
     * delivered (one per WebSocket that receives it, the supervisors' included: {@code WsSession}).
     */
    void show(CallRecord call, Elder elder, List<Map<String, Object>> lastCalls, boolean recordUnavailable, Account agent,
              long amiEventAt) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("call", Shapes.call(call));
        Map<String, Object> elderJson = null;
        if (elder != null) {
            elderJson = new LinkedHashMap<>(Shapes.elder(elder, LocalDate.now()));
            elderJson.put("lastCalls", lastCalls);
        }
        body.put("elder", elderJson);
        body.put("registered", elder != null);
        body.put("recordUnavailable", recordUnavailable);
        if (recordUnavailable) {
            body.put("recordMessage", "the caller's record could not be read in time (database slow or unavailable)");
        }
        body.put("callerNumber", call.callerNumber());
        body.put("agent", agent.username());
        body.put("amiEventAt", amiEventAt);
        hub.toAccount(agent.id(), "call.offered", body);
    }
}
