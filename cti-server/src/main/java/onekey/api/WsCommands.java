package onekey.api;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.NoSuchElementException;
import onekey.agents.AgentStatus;
import onekey.auth.Account;
import onekey.auth.Role;
import onekey.rescue.RescueService;
import onekey.supervision.SpyService;

/**
 * The WebSocket's commands, one table entry each: the frame's shape is checked on the event loop, then the entry
 * calls the SAME service method as its REST twin on a worker thread (the rule and the audit row are the service's),
 * and its answer goes back as {@code {"type":"ack","command":…}} or {@code {"type":"error","command":…,"message":…}}.
 * A REST route and its command cannot disagree: neither holds a rule.
 */
final class WsCommands {

    /** Who sent the command, on which session. */
    record Caller(WsSession session, Account account, ApiServer server) {
        ApiContext ctx() {
            return server.ctx;
        }
    }

    /** A refusal to answer as an error frame (the message is the client's to read). */
    static final class Refused extends RuntimeException {
        Refused(String message) {
            super(message, null, false, false);
        }
    }

    interface Command {
        /** Null when the frame is well-formed, else what is wrong with it (answered at once). */
        default String check(Account account, JsonNode msg) {
            return null;
        }

        /** The ack's fields after {@code type} and {@code command}; a service's refusal is thrown. */
        Map<String, Object> run(Caller caller, JsonNode msg);
    }

    static final Map<String, Command> TABLE = table();

    private static Map<String, Command> table() {
        Map<String, Command> t = new LinkedHashMap<>();
        Command agent = new Command() {
            @Override
            public String check(Account account, JsonNode msg) {
                JsonNode reason = msg.get("reason");
                return reason != null && !reason.isNull() && !reason.isTextual() ? "\"reason\" must be a string" : null;
            }

            @Override
            public Map<String, Object> run(Caller c, JsonNode msg) {
                return agentCommand(c, msg.path("type").asText(), msg);
            }
        };
        t.put("agent.ready", agent);
        t.put("agent.pause", agent);
        t.put("agent.logout", agent);
        // as POST /api/calls/{id}/no-response
        t.put("call.no-response", new Command() {
            @Override
            public String check(Account account, JsonNode msg) {
                JsonNode linkedid = msg.get("linkedid");
                return linkedid == null || !linkedid.isTextual() || linkedid.asText().isBlank()
                        ? "\"linkedid\" (the call's, as in call.silent or call.offered) is required" : null;
            }

            @Override
            public Map<String, Object> run(Caller c, JsonNode msg) {
                String linkedid = msg.get("linkedid").asText();
                RescueService rescue = rescue(c);
                var call = c.ctx().calls().byLinkedid(linkedid).orElseThrow(() -> new Refused("no such call: " + linkedid));
                RescueService.Opened o = rescue.noResponseOnCall(call, c.account());
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("created", o.created());
                m.put("incident", RescueService.shape(o.incident()));
                return m;
            }
        });
        // issue 18 item 2: 紧急救援, as POST /api/calls/{id}/emergency (EmergencyService.raise: one rule, one audit row)
        t.put("call.emergency", new Command() {
            @Override
            public String check(Account account, JsonNode msg) {
                JsonNode linkedid = msg.get("linkedid");
                return linkedid == null || !linkedid.isTextual() || linkedid.asText().isBlank()
                        ? "\"linkedid\" (the call's, as in call.offered) is required" : null;
            }

            @Override
            public Map<String, Object> run(Caller c, JsonNode msg) {
                var service = c.server().emergencyService();
                if (service == null) {
                    throw new Refused("the emergency service is not running");
                }
                String linkedid = msg.get("linkedid").asText();
                var call = c.ctx().calls().byLinkedid(linkedid).orElseThrow(() -> new Refused("no such call: " + linkedid));
                var raised = service.raise(call, c.account());
                Map<String, Object> shape = onekey.rescue.EmergencyService.shape(raised);
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("linkedid", linkedid);
                m.put("created", shape.get("created"));
                m.put("seatB", shape.get("seatB"));
                m.put("incident", RescueService.shape(raised.incident()));
                return m;
            }
        });
        // issue 18: as POST /api/incidents/{id}/tasks/{seq}/done
        t.put("incident.task-done", new Command() {
            @Override
            public String check(Account account, JsonNode msg) {
                JsonNode incident = msg.get("incident");
                JsonNode seq = msg.get("seq");
                return incident == null || !incident.canConvertToLong() || seq == null || !seq.canConvertToInt()
                        ? "\"incident\" and \"seq\" (numbers) are required" : null;
            }

            @Override
            public Map<String, Object> run(Caller c, JsonNode msg) {
                return Map.of("incident", RescueService.shape(rescue(c).completeTask(msg.get("incident").asLong(),
                        msg.get("seq").asInt(), c.account())));
            }
        });
        // as POST /api/incidents/{id}/follow-up/outcome, or /api/followups/{id}/outcome with "followUp"
        t.put("follow-up.outcome", new Command() {
            @Override
            public String check(Account account, JsonNode msg) {
                boolean call = msg.has("followUp");
                JsonNode id = msg.get(call ? "followUp" : "incident");
                JsonNode reached = msg.get("reached");
                JsonNode sat = msg.get("satisfaction");
                if (id == null || !id.canConvertToExactIntegral() || reached == null || !reached.isBoolean()
                        || sat != null && !sat.isNull() && !sat.canConvertToExactIntegral()) {
                    return "\"" + (call ? "followUp" : "incident") + "\" (an id) and \"reached\" (true or false) are "
                            + "required; \"satisfaction\" is 1 to 5";
                }
                return null;
            }

            @Override
            public Map<String, Object> run(Caller c, JsonNode msg) {
                RescueService rescue = rescue(c);
                JsonNode sat = msg.get("satisfaction");
                var outcome = new RescueService.FollowUpOutcome(msg.get("reached").asBoolean(),
                        msg.path("condition").asText(null), sat == null || sat.isNull() ? null : sat.asInt());
                if (msg.has("followUp")) {
                    return Map.of("followUp", RescueService.shape(rescue.callFollowUpOutcome(msg.get("followUp").asLong(),
                            c.account(), outcome)));
                }
                var inc = rescue.incidentFor(msg.get("incident").asLong(), c.account());
                return Map.of("incident", RescueService.shape(rescue.followUpOutcome(inc.id(), c.account(), outcome)));
            }
        });
        // listen / whisper / barge: as POST /api/calls/{id}/spy, PUT and DELETE /api/spy/{session}
        t.put("call.spy", new SpyCommand(true));
        t.put("spy.mode", new SpyCommand(false));
        t.put("spy.stop", new SpyCommand(false));
        return Map.copyOf(t);
    }

    private static RescueService rescue(Caller c) {
        RescueService r = c.ctx().rescue();
        if (r == null) {
            throw new Refused("the rescue service is not running");
        }
        return r;
    }

    /**
     * A logout {@code onExit} (the client program stops) applies only when no other WebSocket of the account is
     * open: a second copy of a seat that stops must not log out the live one (issue 16); the ack then says
     * {@code "kept":true}.
     */
    private static Map<String, Object> agentCommand(Caller c, String type, JsonNode msg) {
        JsonNode reasonNode = msg.get("reason");
        String reason = reasonNode == null || reasonNode.isNull() ? null : reasonNode.asText();
        JsonNode onExitNode = msg.get("onExit");
        boolean onExit = onExitNode != null && onExitNode.asBoolean(false);
        var agents = c.ctx().agentCommands();
        int others = onExit && type.equals("agent.logout") ? c.server().otherSessions(c.account().id(), c.session()) : 0;
        Map<String, Object> m = new LinkedHashMap<>();
        if (others > 0) {
            AgentStatus s = agents.status(c.account().id()).orElse(null);
            m.put("state", s == null || s.state() == null ? null : s.state().wire());
            m.put("agent", s == null ? null : Shapes.agent(s));
            m.put("kept", true);
            m.put("message", "not logged out: " + others + " other session(s) of this account are open");
            return m;
        }
        AgentStatus s = switch (type) {
            case "agent.ready" -> agents.ready(c.account());
            case "agent.pause" -> agents.pause(c.account(), reason);
            default -> agents.logout(c.account());
        };
        m.put("state", s == null || s.state() == null ? null : s.state().wire());
        m.put("agent", s == null ? null : Shapes.agent(s));
        return m;
    }

    private record SpyCommand(boolean start) implements Command {
        @Override
        public String check(Account account, JsonNode msg) {
            if (account.role() != Role.SUPERVISOR && account.role() != Role.ADMIN) {
                return "forbidden: only supervisors and admins may listen to, whisper into or barge into calls";
            }
            JsonNode mode = msg.get("mode");
            JsonNode session = msg.get("session");
            JsonNode callId = msg.get("callId");
            JsonNode linkedid = msg.get("linkedid");
            if (mode != null && !mode.isNull() && !mode.isTextual()) {
                return "\"mode\" must be a string: listen, whisper or barge";
            }
            if (!start && (session == null || !session.isTextual() || session.asText().isBlank())) {
                return "\"session\" (the id call.spy answered with) is required";
            }
            if (start && !(callId != null && callId.canConvertToExactIntegral() && callId.asLong() > 0)
                    && !(linkedid != null && linkedid.isTextual() && !linkedid.asText().isBlank())) {
                return "\"callId\" (a positive integer) or \"linkedid\" is required";
            }
            return null;
        }

        @Override
        public Map<String, Object> run(Caller c, JsonNode msg) {
            SpyService spy = c.ctx().spy();
            if (spy == null) {
                throw new Refused("listening to calls is not available on this server");
            }
            String type = msg.path("type").asText();
            JsonNode mode = msg.get("mode");
            String modeText = mode == null || mode.isNull() ? null : mode.asText();
            Map<String, Object> m = new LinkedHashMap<>();
            switch (type) {
                case "call.spy" -> {
                    var parsed = SpyService.Mode.parse(modeText);
                    JsonNode callId = msg.get("callId");
                    long id;
                    if (callId != null && callId.canConvertToExactIntegral()) {
                        id = callId.asLong();
                    } else {
                        String linkedid = msg.get("linkedid").asText();
                        id = c.ctx().calls().byLinkedid(linkedid).orElseThrow(() -> new Refused("no such call: " + linkedid))
                                .id();
                    }
                    var started = spy.start(c.account(), id, parsed);
                    m.put("created", started.created());
                    m.put("session", started.session().shape());
                }
                case "spy.mode" -> m.put("session", spy.change(c.account(), msg.get("session").asText(),
                        SpyService.Mode.parse(modeText)).shape());
                default -> m.put("session", spy.stop(c.account(), msg.get("session").asText()).shape());
            }
            return m;
        }
    }

    /** Whether {@code e} is a refusal the client is told about (not a failure of the server). */
    static boolean refusal(RuntimeException e) {
        return e instanceof Refused || e instanceof SpyService.Refused || e instanceof SecurityException
                || e instanceof IllegalArgumentException || e instanceof IllegalStateException
                || e instanceof NoSuchElementException;
    }

    private WsCommands() {}
}
