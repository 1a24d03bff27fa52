package onekey.api;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufInputStream;
import java.io.IOException;
import java.util.List;

/** Request bodies as the client sends them, and the strict reader that turns JSON errors into 400s naming the field. */
final class Requests {
    private Requests() {}

    record Login(String username, char[] password) {}

    record AgentBody(String username, char[] password, String role, String extension, String sipSecret,
                     String displayName, Boolean enabled) {}

    // notifySms (issue 20): texts at an SOS; absent = true for a mobile number, false for a landline
    record ContactBody(String name, String relation, String phone, String language, Boolean notifySms) {}

    record ElderBody(String name, List<String> phones, String address, String district, String language,
                     List<ContactBody> contacts, String birthDate, String gender, String landmarks,
                     String category, String healthConditions, String medications, String allergies,
                     String mobility, String device, String notes,
                     // lives alone (独居); omitted on PUT: unchanged, on POST: false
                     Boolean livingAlone,
                     // where the elder lives (schema 20): lat/lon in coordSystem (wgs84 default, gcj02, bd09:
                     // converted to WGS-84 before they are stored), where they came from, 街道, 居委. Any of them
                     // present: the whole place is replaced; none (clients that do not know them): unchanged
                     Double lat, Double lon, String coordSystem, String coordSource, String subDistrict,
                     String community,
                     // the archive (schema 23, issue 22): any of these present replaces the archive; none keeps it.
                     // careLevel self-care | assisted | nursing (自理/介助/介护); enrolmentState pending | enrolled |
                     // suspended | withdrawn; dates yyyy-MM-dd; proxyCall…: the 人工代呼 agreement.
                     // insuranceCardNumber: sealed (AES-GCM) before it is stored; absent keeps the card, "" clears it
                     Boolean economicHardship, String careLevel, String enrolmentState, String enrolledOn,
                     String noticeSignedOn, String noticeRef, String registrationFormSignedOn,
                     String registrationFormRef, String proxyCallSignedOn, String proxyCallRef,
                     String insuranceCardNumber,
                     // the call of the unregistered caller this record is created for (issue 7): linked to it
                     Long callId) {}

    record DispositionBody(String disposition, String notes) {}

    record HoldBody(Boolean hold, String reason) {}

    record IncidentActionBody(String outcome, String reason, String number) {}

    /** POST /api/elders/{id}/notes (issue 18). */
    record NoteBody(String text) {}

    /** POST /api/incidents/{id}/follow-up/outcome: reached (condition, satisfaction 1-5) or not. */
    record FollowUpOutcomeBody(Boolean reached, String condition, Integer satisfaction) {}

    /** POST /api/calls/{id}/spy, PUT /api/spy/{session}: listen, whisper or barge. */
    record SpyBody(String mode) {}

    /** Reads {@code body} as {@code type}; every failure is an {@link ApiException} (400) naming where or which field. */
    static <T> T read(ByteBuf body, Class<T> type) {
        if (body == null || !body.isReadable()) {
            throw ApiException.badRequest("missing_body", "a JSON object body is required", null);
        }
        try (ByteBufInputStream in = new ByteBufInputStream(body.duplicate())) {
            T value = Json.MAPPER.readValue((java.io.InputStream) in, type);
            if (value == null) {
                throw ApiException.badRequest("missing_body", "a JSON object body is required, got null", null);
            }
            return value;
        } catch (JsonProcessingException e) {
            throw translate(e);
        } catch (IOException e) {
            throw ApiException.badRequest("malformed_json", "could not read body: " + e.getMessage(), null);
        }
    }

    static ApiException translate(JsonProcessingException e) {
        if (e instanceof UnrecognizedPropertyException u) {
            String field = path(u);
            return ApiException.badRequest("unknown_field", "unknown field \"" + field + "\"", field);
        }
        if (e instanceof MismatchedInputException m && !(e instanceof StreamReadException)) {
            String field = path(m);
            if (field == null) {
                return ApiException.badRequest("invalid_body", "the body must be a JSON object", null);
            }
            String expected = m.getTargetType() == null ? "another type" : describe(m.getTargetType());
            String got = m instanceof InvalidFormatException f && f.getValue() != null
                    ? " (got " + f.getValue().getClass().getSimpleName().toLowerCase(java.util.Locale.ROOT) + ")" : "";
            return ApiException.badRequest("invalid_type", "\"" + field + "\" must be " + expected + got, field);
        }
        if (e instanceof JsonMappingException m && !(e.getCause() instanceof StreamReadException)
                && !(e instanceof StreamReadException)) {
            String field = path(m);
            return ApiException.badRequest("invalid_field", field == null ? m.getOriginalMessage()
                    : "\"" + field + "\" is not valid", field);
        }
        JsonLocation loc = e.getLocation();
        String where = loc == null ? "" : " at line " + loc.getLineNr() + ", column " + loc.getColumnNr();
        String what = e.getOriginalMessage();
        int nl = what == null ? -1 : what.indexOf('\n');
        if (nl > 0) {
            what = what.substring(0, nl);
        }
        return ApiException.badRequest("malformed_json", "malformed JSON" + where + ": " + what, null);
    }

    private static String describe(Class<?> t) {
        if (t == String.class || t == char[].class) {
            return "a string";
        }
        if (t == Boolean.class || t == boolean.class) {
            return "true or false";
        }
        if (Number.class.isAssignableFrom(t) || t.isPrimitive()) {
            return "a number";
        }
        if (List.class.isAssignableFrom(t) || t.isArray()) {
            return "an array";
        }
        return "an object";
    }

    /** The JSON path of the failure: {@code contacts[1].phone}; null for the root. */
    static String path(JsonMappingException e) {
        StringBuilder sb = new StringBuilder();
        for (JsonMappingException.Reference r : e.getPath()) {
            if (r.getFieldName() != null) {
                if (!sb.isEmpty()) {
                    sb.append('.');
                }
                sb.append(r.getFieldName());
            } else if (r.getIndex() >= 0) {
                sb.append('[').append(r.getIndex()).append(']');
            }
        }
        if (e instanceof UnrecognizedPropertyException u && (sb.isEmpty() || !sb.toString().endsWith(u.getPropertyName()))) {
            if (!sb.isEmpty()) {
                sb.append('.');
            }
            sb.append(u.getPropertyName());
        }
        return sb.isEmpty() ? null : sb.toString();
    }
}
