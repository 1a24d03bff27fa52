package onekey.api;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.type.LogicalType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import onekey.agents.AgentState;
import onekey.agents.AgentStatus;
import onekey.auth.Account;
import onekey.auth.AuditEntry;
import onekey.auth.Role;
import onekey.calls.CallEvent;
import onekey.calls.CallRecord;
import onekey.elders.Contact;
import onekey.elders.Elder;
import onekey.lines.Service;
import onekey.recording.Recording;

/**
 * The JSON shapes of the API, shared by REST responses and WebSocket event bodies so that a
 * {@code call.offered} event and {@code GET /api/calls/{id}} show a call the same way.
 * Maps keep insertion order; null values are written as JSON null.
 */
public final class Json {

    /**
     * Strict reader/writer: unknown properties, nulls for primitives and scalar coercions ("5" for a number,
     * 5 for a string) are errors, so a client learns at once which field it got wrong. Enums of the domain
     * are written in their wire form ("ready", "sos", "admin") and dates as ISO yyyy-MM-dd.
     */
    public static final ObjectMapper MAPPER = newMapper();

    private Json() {}

    private static ObjectMapper newMapper() {
        SimpleModule wire = new SimpleModule("onekey-wire");
        wire.addSerializer(AgentState.class, stringSerializer(AgentState::wire));
        wire.addSerializer(Role.class, stringSerializer(Role::wire));
        wire.addSerializer(Service.class, stringSerializer(Service::wire));
        wire.addSerializer(LocalDate.class, stringSerializer(LocalDate::toString));
        wire.addSerializer(AgentStatus.class, new JsonSerializer<>() {
            @Override
            public void serialize(AgentStatus value, JsonGenerator gen, SerializerProvider serializers)
                    throws IOException {
                serializers.defaultSerializeValue(agent(value), gen);
            }
        });
        ObjectMapper m = JsonMapper.builder()
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
                .addModule(wire)
                .build();
        // a string where a number or boolean belongs (and the reverse) names the field instead of guessing
        m.coercionConfigFor(LogicalType.Textual).setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
        m.coercionConfigFor(LogicalType.Integer).setCoercion(CoercionInputShape.String, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Float, CoercionAction.Fail);
        m.coercionConfigFor(LogicalType.Float).setCoercion(CoercionInputShape.String, CoercionAction.Fail);
        m.coercionConfigFor(LogicalType.Boolean).setCoercion(CoercionInputShape.String, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail);
        return m;
    }

    private static <T> JsonSerializer<T> stringSerializer(java.util.function.Function<T, String> f) {
        return new JsonSerializer<>() {
            @Override
            public void serialize(T value, JsonGenerator gen, SerializerProvider serializers) throws IOException {
                gen.writeString(f.apply(value));
            }
        };
    }

    /** Serialises any value (maps, lists, records, the domain enums) to a JSON string. */
    public static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static byte[] writeBytes(Object value) {
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * An elder's full record: every stored field, the computed {@code age} on {@code today} (null when the
     * birth date is unknown), phones and contacts in their stored order (contacts are called in that order).
     */
    public static Map<String, Object> elder(Elder e, LocalDate today) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", e.id());
        m.put("name", e.name());
        m.put("birthDate", e.birthDate() == null ? null : e.birthDate().toString());
        m.put("age", e.age(today));
        m.put("gender", e.gender());
        m.put("phones", e.phones() == null ? List.of() : List.copyOf(e.phones()));
        m.put("address", e.address());
        m.put("landmarks", e.landmarks());
        m.put("district", e.district());
        m.put("language", e.language());
        m.put("category", e.category());
        m.put("healthConditions", e.healthConditions());
        m.put("medications", e.medications());
        m.put("allergies", e.allergies());
        m.put("mobility", e.mobility());
        m.put("device", e.device());
        m.put("notes", e.notes());
        List<Map<String, Object>> contacts = new ArrayList<>();
        if (e.contacts() != null) {
            for (Contact c : e.contacts()) {
                contacts.add(contact(c));
            }
        }
        m.put("contacts", contacts);
        m.put("createdAt", e.createdAt());
        m.put("updatedAt", e.updatedAt());
        return m;
    }

    public static Map<String, Object> contact(Contact c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", c.name());
        m.put("relation", c.relation());
        m.put("phone", c.phone());
        return m;
    }

    /**
     * A call: {@code id, elderId, line (Service.wire()), agent (username), arrivedAt, answeredAt, endedAt,
     * waitMs, talkMs, recordingId} (times epoch ms, null when not happened) plus callerNumber, dnis,
     * priority, outcome, disposition, notes, failOpen, agentId, linkedid.
     */
    public static Map<String, Object> call(CallRecord c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", c.id());
        m.put("elderId", c.elderId());
        m.put("line", c.line() == null ? null : c.line().wire());
        m.put("agent", c.agentName());
        m.put("arrivedAt", c.arrivedAt());
        m.put("answeredAt", c.answeredAt());
        m.put("endedAt", c.endedAt());
        m.put("waitMs", c.waitMs());
        m.put("talkMs", c.talkMs());
        m.put("recordingId", c.recordingId());
        m.put("callerNumber", c.callerNumber());
        m.put("dnis", c.dnis());
        m.put("priority", c.priority());
        m.put("outcome", c.outcome());
        m.put("disposition", c.disposition());
        m.put("notes", c.notes());
        m.put("failOpen", c.failOpen());
        m.put("agentId", c.agentId());
        m.put("linkedid", c.linkedid());
        return m;
    }

    /** One timeline entry: {@code at, type, detail}. */
    public static Map<String, Object> callEvent(CallEvent e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("at", e.at());
        m.put("type", e.type());
        m.put("detail", e.detail());
        return m;
    }

    /** An agent's live state: {@code accountId, username, extension, state (wire form), reason, since}. */
    public static Map<String, Object> agent(AgentStatus s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("accountId", s.accountId());
        m.put("username", s.username());
        m.put("extension", s.extension());
        m.put("state", s.state() == null ? null : s.state().wire());
        m.put("reason", s.reason());
        m.put("since", s.since());
        return m;
    }

    /** An account without its password hash; the SIP secret only when {@code withSipSecret} (admins). */
    public static Map<String, Object> account(Account a, boolean withSipSecret) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", a.id());
        m.put("username", a.username());
        m.put("role", a.role() == null ? null : a.role().wire());
        m.put("extension", a.extension());
        m.put("displayName", a.displayName());
        m.put("enabled", a.enabled());
        if (withSipSecret) {
            m.put("sipSecret", a.sipSecret());
        }
        return m;
    }

    /** Recording metadata; the file path on the server is not exposed. */
    public static Map<String, Object> recording(Recording r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", r.id());
        m.put("callId", r.callId());
        m.put("durationMs", r.durationMs());
        m.put("sizeBytes", r.sizeBytes());
        m.put("sha256", r.sha256());
        m.put("status", r.status());
        m.put("createdAt", r.createdAt());
        return m;
    }

    public static Map<String, Object> audit(AuditEntry a) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", a.id());
        m.put("at", a.at());
        m.put("accountId", a.accountId());
        m.put("username", a.username());
        m.put("action", a.action());
        m.put("targetType", a.targetType());
        m.put("targetId", a.targetId());
        m.put("detail", a.detail());
        return m;
    }
}
