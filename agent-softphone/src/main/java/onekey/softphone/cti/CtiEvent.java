package onekey.softphone.cti;

import com.fasterxml.jackson.databind.JsonNode;

/** A frame from the cti-server's WebSocket, typed (docs/api.md "WebSocket /ws"); {@code json} is the whole frame. */
public sealed interface CtiEvent {
    JsonNode json();

    default long seq() {
        return json().path("seq").asLong(-1);
    }

    /** First frame: the account and the agent's live state (null when logged out). */
    record Hello(JsonNode json) implements CtiEvent {
        public String state() {
            return json.path("agent").path("state").asText("logged-out");
        }
    }

    /** The screen pop, while the agent's phone rings. */
    record CallOffered(JsonNode json) implements CtiEvent {
        public JsonNode call() {
            return json.path("call");
        }

        public long callId() {
            return call().path("id").asLong();
        }

        /** The elder's full record with lastCalls, or a missing node for an unregistered caller. */
        public JsonNode elder() {
            return json.path("elder");
        }

        public boolean registered() {
            return json.path("registered").asBoolean(false);
        }

        public boolean recordUnavailable() {
            return json.path("recordUnavailable").asBoolean(false);
        }

        public String callerNumber() {
            return json.path("callerNumber").asText("");
        }
    }

    record CallAnswered(JsonNode json) implements CtiEvent {
        public long callId() {
            return json.path("call").path("id").asLong();
        }
    }

    record CallEnded(JsonNode json) implements CtiEvent {
        public long callId() {
            return json.path("call").path("id").asLong();
        }
    }

    /** An agent's state: ready, not-ready (with reason), on-call, wrap-up, logged-out. */
    record AgentState(JsonNode json) implements CtiEvent {
        public String username() {
            return json.path("agent").path("username").asText();
        }

        public String state() {
            return json.path("agent").path("state").asText();
        }

        public String reason() {
            return json.path("agent").path("reason").asText(null);
        }

        public long since() {
            return json.path("agent").path("since").asLong();
        }
    }

    record Ack(JsonNode json) implements CtiEvent {
        public String command() {
            return json.path("command").asText();
        }
    }

    record Error(JsonNode json) implements CtiEvent {
        public String command() {
            return json.path("command").asText();
        }

        public String message() {
            return json.path("message").asText();
        }
    }

    // ---- issue 18: the incident workspace ----
    /** {@code call.silent}: the elder on the agent's call has said nothing for rescue.silenceSeconds. */
    record CallSilent(JsonNode json) implements CtiEvent {
        public String linkedid() {
            return json.path("linkedid").asText();
        }
    }

    /** {@code incident.*} (opened, step, updated, escalated, task, resolved, cancelled): the incident as it is now. */
    record IncidentChanged(JsonNode json) implements CtiEvent {
        public String type() {
            return json.path("type").asText();
        }

        public JsonNode incident() {
            return json.path("incident");
        }
    }

    /** Anything else (call.queued, call.finished, queue.alert, resumed, pong, …). */
    record Other(JsonNode json) implements CtiEvent {
        public String type() {
            return json.path("type").asText();
        }
    }

    static CtiEvent of(JsonNode j) {
        return switch (j.path("type").asText()) {
            case "hello" -> new Hello(j);
            case "call.offered" -> new CallOffered(j);
            case "call.answered" -> new CallAnswered(j);
            case "call.ended" -> new CallEnded(j);
            case "agent.state" -> new AgentState(j);
            case "ack" -> new Ack(j);
            case "error" -> new Error(j);
            case "call.silent" -> new CallSilent(j);
            case "incident.opened", "incident.step", "incident.updated", "incident.escalated", "incident.task",
                 "incident.resolved", "incident.cancelled" -> new IncidentChanged(j);
            default -> new Other(j);
        };
    }
}
