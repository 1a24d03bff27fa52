package onekey.api;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import onekey.agents.AgentStatus;
import onekey.calls.CallRecord;
import onekey.elders.Contact;
import onekey.elders.Elder;

/**
 * The JSON shapes of elders, calls and agents, shared by the events the call model and the agents
 * publish and by the REST API, so a screen pop and {@code GET /api/elders/{id}} show the same record.
 * Kept beside the events (not in the api package) so the domain never depends on the protocol edge.
 */
public final class Shapes {

    private Shapes() {
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
        m.put("livingAlone", e.livingAlone());
        m.put("lat", e.place().lat());
        m.put("lon", e.place().lon());
        m.put("coordSource", e.place().coordSource());
        m.put("subDistrict", e.place().subDistrict());
        m.put("community", e.place().community());
        archive(m, e.archive());
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

    /** The archive's fields (schema version 23); the insurance card only masked (the number: an audited reveal). */
    static void archive(Map<String, Object> m, onekey.elders.Archive a) {
        m.put("economicHardship", a.economicHardship());
        m.put("careLevel", a.careLevel());
        m.put("enrolmentState", a.enrolmentState());
        m.put("enrolledOn", a.enrolledOn() == null ? null : a.enrolledOn().toString());
        m.put("noticeSignedOn", a.noticeSignedOn() == null ? null : a.noticeSignedOn().toString());
        m.put("noticeRef", a.noticeRef());
        m.put("registrationFormSignedOn", a.formSignedOn() == null ? null : a.formSignedOn().toString());
        m.put("registrationFormRef", a.formRef());
        m.put("proxyCallSignedOn", a.proxyCallSignedOn() == null ? null : a.proxyCallSignedOn().toString());
        m.put("proxyCallRef", a.proxyCallRef());
        m.put("proxyCallAgreed", a.proxyCallAgreed());
        m.put("insuranceCard", a.insuranceCard() == null ? null : a.insuranceCard().masked());
    }

    public static Map<String, Object> contact(Contact c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", c.name());
        m.put("relation", c.relation());
        m.put("phone", c.phone());
        if (c.language() != null) {
            m.put("language", c.language()); // what automated calls speak to this contact in (absent: zh)
        }
        m.put("notifySms", c.wantsTexts()); // texts at an SOS (issue 20): the record's wish or the default
        return m;
    }

    /**
     * A call: {@code id, elderId, line (Service.wire()), agent (username), arrivedAt, queuedAt, answeredAt, endedAt,
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
        m.put("queuedAt", c.queuedAt());
        m.put("answeredAt", c.answeredAt());
        m.put("endedAt", c.endedAt());
        m.put("waitMs", c.waitMs());
        m.put("talkMs", c.talkMs());
        m.put("recordingId", c.recordingId());
        m.put("callerNumber", c.callerNumber());
        m.put("dnis", c.dnis());
        m.put("priority", c.priority());
        m.put("outcome", c.outcome() == null ? null : c.outcome().wire());
        m.put("disposition", c.disposition());
        m.put("notes", c.notes());
        m.put("failOpen", c.failOpen());
        m.put("agentId", c.agentId());
        m.put("linkedid", c.linkedid());
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
}
