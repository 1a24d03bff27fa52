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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import onekey.agents.AgentState;
import onekey.agents.AgentStatus;
import onekey.auth.Account;
import onekey.auth.AuditEntry;
import onekey.auth.Role;
import onekey.calls.CallEvent;
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
                serializers.defaultSerializeValue(onekey.api.Shapes.agent(value), gen);
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
                // issue 23: properties read and written through generated lambdas instead of reflection (a surge's
                // frames and journal ops spent a fifth of their time in Method.invoke)
                .addModule(new com.fasterxml.jackson.module.blackbird.BlackbirdModule())
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

    /** One timeline entry: {@code at, type, detail}. */
    public static Map<String, Object> callEvent(CallEvent e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("at", e.at());
        m.put("type", e.type());
        m.put("detail", e.detail());
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
        m.put("onHold", r.onHold());
        m.put("holdBy", r.holdBy());
        m.put("holdAt", r.holdAt());
        m.put("holdReason", r.holdReason());
        m.put("removedAt", r.removedAt());
        m.put("removedReason", r.removedReason());
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
