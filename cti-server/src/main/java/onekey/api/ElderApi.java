package onekey.api;

import static io.netty.handler.codec.http.HttpMethod.GET;
import static io.netty.handler.codec.http.HttpMethod.POST;
import static io.netty.handler.codec.http.HttpMethod.PUT;
import static onekey.api.Routes.ANY;
import static onekey.api.Fields.blankToNull;
import static onekey.api.Fields.required;
import static onekey.api.Routes.roles;
import static onekey.auth.Role.ADMIN;
import static onekey.auth.Role.AGENT;
import static onekey.auth.Role.SUPERVISOR;

import io.netty.handler.codec.http.HttpResponseStatus;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import onekey.api.Requests.ContactBody;
import onekey.api.Requests.ElderBody;
import onekey.calls.CallRecord;
import onekey.elders.Contact;
import onekey.elders.Elder;
import onekey.elders.ElderDraft;
import onekey.elders.PhoneNumbers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Elders' records: the shape of a request is checked here; who may read or change a record (the 30-minute window after a call, notes) and the audit rows are in {@link onekey.elders.ElderService}. */
final class ElderApi {
    private static final Logger log = LoggerFactory.getLogger(ElderApi.class);
    private static final Pattern PHONE_QUERY = Pattern.compile("[+0-9][0-9 ()-]{4,}");
    private static final Set<String> CATEGORIES = Set.of("district-paid", "subsidised", "market");

    private final ApiContext ctx;
    private final onekey.elders.ElderService service;

    ElderApi(ApiContext ctx, onekey.elders.ElderService service) {
        this.ctx = ctx;
        this.service = service;
    }

    void addTo(Routes routes) {
        routes.add(GET, "/api/elders", ANY, this::listElders);
        // agents too, but only for the unregistered caller of the call they are on (createElder checks)
        routes.add(POST, "/api/elders", ANY, this::createElder);
        routes.add(GET, "/api/elders/{elder}", ANY, this::getElder);
        routes.add(PUT, "/api/elders/{elder}", roles(SUPERVISOR, ADMIN), r -> saveElder(r, r.id("elder")));
        // issue 18: seats append notes (a rescue's record); they do not rewrite the record
        routes.add(POST, "/api/elders/{elder}/notes", ANY, this::addElderNote);
        // issue 22: the medical-insurance card number in clear, audited (the record shows it masked)
        routes.add(GET, "/api/elders/{elder}/insurance-card", ANY, this::revealInsuranceCard);
    }

    private Reply revealInsuranceCard(Req r) {
        long id = r.id("elder");
        String reason = r.param("reason");
        if (reason != null && reason.length() > 200) {
            throw ApiException.badRequest("invalid_param", "query parameter \"reason\" must be at most 200 characters",
                    "reason");
        }
        String number;
        try {
            number = service.revealInsuranceCard(r.account, id, reason);
        } catch (java.util.NoSuchElementException e) {
            throw ApiException.notFound(e.getMessage());
        } catch (onekey.elders.ElderService.ReasonRequired e) {
            throw new ApiException(HttpResponseStatus.FORBIDDEN, "reason_required", e.getMessage(), "reason");
        } catch (onekey.elders.ElderService.NoArchiveKey e) {
            throw new ApiException(HttpResponseStatus.SERVICE_UNAVAILABLE, "no_archive_key", e.getMessage(), null);
        } catch (SecurityException e) {
            throw new ApiException(HttpResponseStatus.INTERNAL_SERVER_ERROR, "archive_key_mismatch", e.getMessage(), null);
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("elderId", id);
        m.put("insuranceCardNumber", number);
        return Reply.ok(m);
    }

    /** zh, en, and the dialect wuu (Shanghainese: its recordings, Mandarin TTS for the rest). */
    private static final Set<String> LANGUAGES = Set.copyOf(onekey.tts.Languages.ALL);

    /**
     * Summaries only, phones masked: the list is not audited, so it shows no more than an agent needs to pick
     * a record; the full record comes from GET /api/elders/{id}, which is audited.
     */
    private Reply listElders(Req r) {
        String q = r.param("q");
        int offset = r.intParam("offset", 0, 0, Integer.MAX_VALUE);
        int limit = r.intParam("limit", 50, 1, 500);
        boolean byPhone = q != null && PHONE_QUERY.matcher(q).matches();
        // the service writes one audit row per search, with what was asked (a number masked)
        List<Elder> found = service.search(r.account, q, byPhone ? normalizeOrNull(q) : null, byPhone,
                q == null ? null : byPhone ? PhoneNumbers.mask(q) : q, offset, limit);
        LocalDate today = LocalDate.now(ctx.clock());
        List<Map<String, Object>> out = new ArrayList<>();
        for (Elder e : found) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", e.id());
            m.put("name", e.name());
            m.put("district", e.district());
            m.put("age", e.age(today));
            m.put("language", e.language());
            m.put("category", e.category());
            m.put("livingAlone", e.livingAlone());
            m.put("subDistrict", e.place().subDistrict());
            m.put("community", e.place().community());
            m.put("phones", e.phones() == null ? List.of() : e.phones().stream().map(PhoneNumbers::mask).toList());
            out.add(m);
        }
        return Reply.ok(out);
    }

    /**
     * An agent reads the record of an elder it is talking to (or has just talked to) without more ado; any other
     * record only with {@code ?reason=} (the rule, the 30-minute window and the audit row are
     * {@link onekey.elders.ElderService#view}'s).
     */
    private Reply getElder(Req r) {
        long id = r.id("elder");
        String reason = r.param("reason");
        if (reason != null && reason.length() > 200) {
            throw ApiException.badRequest("invalid_param", "query parameter \"reason\" must be at most 200 characters",
                    "reason");
        }
        onekey.elders.ElderService.Viewed v;
        try {
            v = service.view(r.account, id, reason);
        } catch (java.util.NoSuchElementException e) {
            throw ApiException.notFound(e.getMessage());
        } catch (onekey.elders.ElderService.ReasonRequired e) {
            throw new ApiException(HttpResponseStatus.FORBIDDEN, "reason_required", e.getMessage(), "reason");
        }
        Map<String, Object> shown = Shapes.elder(v.elder(), LocalDate.now(ctx.clock()));
        shown.put("addedNotes", v.notes().stream().map(ElderApi::note).toList());
        return Reply.ok(shown);
    }

    private static Map<String, Object> note(onekey.elders.ElderNote n) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", n.id());
        m.put("at", n.at());
        m.put("by", n.by());
        m.put("text", n.text());
        return m;
    }

    /**
     * Issue 18 (service rules, Emergency help 2: "record the rescue in the system and update the elder's record"):
     * {@code {"text":"…"}} appended to the record with who and when, audited {@code elder.note}. Supervisors and
     * admins for any elder; an agent for the elder of a call it is on or took in the last 30 minutes, or of an open
     * incident it holds.
     */
    private Reply addElderNote(Req r) {
        long id = r.id("elder");
        String text = required("text", r.body(Requests.NoteBody.class).text());
        if (text.length() > 2000) {
            throw ApiException.invalid("text", "\"text\" must be at most 2000 characters");
        }
        onekey.elders.ElderNote n;
        try {
            n = service.addNote(r.account, id, text); // the rule and the audit row are the service's
        } catch (java.util.NoSuchElementException e) {
            throw ApiException.notFound(e.getMessage());
        } catch (SecurityException e) {
            throw ApiException.forbidden(e.getMessage());
        }
        return Reply.status(HttpResponseStatus.CREATED, note(n));
    }

    /**
     * POST /api/elders. With {@code callId} the new record is linked to that call (its unregistered caller): a
     * supervisor or admin for any call without an elder, an agent only for the call they are on or wrapping up.
     * Without {@code callId}: supervisors and admins only.
     */
    private Reply createElder(Req r) {
        ElderBody b = r.body(ElderBody.class);
        CallRecord call = null;
        if (b.callId() != null) {
            call = ctx.calls().get(b.callId()).orElseThrow(() -> ApiException.invalid("callId", "no such call: " + b.callId()));
            if (call.elderId() != null) {
                throw ApiException.conflict("call " + call.id() + " is already linked to elder " + call.elderId(), "callId");
            }
        }
        if (r.is(AGENT)) {
            if (call == null) {
                throw ApiException.forbidden("agents may create an elder record only for the unregistered caller of the "
                        + "call they are on: give \"callId\"");
            }
            long callId = call.id();
            boolean own = call.agentId() != null && call.agentId() == r.account.id();
            boolean onIt = ctx.agentCommands().status(r.account.id()).map(st -> st.state() == onekey.agents.AgentState.ON_CALL
                    || st.state() == onekey.agents.AgentState.WRAP_UP).orElse(false);
            if (!own || !onIt || latestCallOf(r.account.id()) != callId) {
                throw ApiException.forbidden("call " + callId + " is not the call you are on (or wrapping up): agents may "
                        + "create an elder record only for their current caller");
            }
        }
        if (!r.is(AGENT) && call == null) {
            return saveElder(r, null, b);
        }
        Elder e = storeElder(r, null, b);
        Map<String, Object> body = Shapes.elder(e, LocalDate.now(ctx.clock()));
        if (call != null) {
            long elderId = e.id();
            boolean linked = ctx.tracker() != null ? ctx.tracker().linkElder(call.id(), e, r.account.username())
                    : ctx.calls().setElder(call.id(), elderId);
            if (ctx.tracker() == null && linked) {
                ctx.calls().addEvent(call.id(), ctx.clock().millis(), "elder.linked", "elder=" + elderId + " by "
                        + r.account.username());
            }
            ctx.audit().record(r.account, "call.elder-linked", "call", Long.toString(call.id()), "elder=" + elderId
                    + (linked ? "" : " not-linked=already-linked"));
            log.info("api.elder-created-for-call call={} elder={} by={} linked={}", call.id(), elderId,
                    r.account.username(), linked);
            body.put("callId", call.id());
            body.put("linked", linked);
        }
        return Reply.created(body);
    }

    /** The id of the agent's most recent call (the one they are on or wrapping up), or -1. */
    private long latestCallOf(long accountId) {
        return ctx.calls().find(null, accountId, null, 1).stream().mapToLong(CallRecord::id).findFirst().orElse(-1);
    }

    private Reply saveElder(Req r, Long id) {
        return saveElder(r, id, r.body(ElderBody.class));
    }

    private Reply saveElder(Req r, Long id, ElderBody body) {
        Elder saved = storeElder(r, id, body);
        Map<String, Object> out = Shapes.elder(saved, LocalDate.now(ctx.clock()));
        return id == null ? Reply.created(out) : Reply.ok(out);
    }

    private Elder storeElder(Req r, Long id, ElderBody body) {
        ElderDraft draft = elderDraft(body);
        try {
            return service.save(r.account, id, draft, body.callId());
        } catch (onekey.elders.ElderService.PhoneTaken e) {
            throw ApiException.conflict(e.getMessage(), "phones[" + e.index + "]");
        } catch (java.util.NoSuchElementException e) {
            throw ApiException.notFound(e.getMessage());
        } catch (IllegalArgumentException e) {
            String msg = String.valueOf(e.getMessage());
            if (msg.toLowerCase(java.util.Locale.ROOT).contains("phone")) {
                throw ApiException.conflict(msg, "phones");
            }
            throw ApiException.badRequest("invalid_field", msg, null);
        }
    }

    private ElderDraft elderDraft(ElderBody b) {
        String name = required("name", b.name());
        if (name.length() > 100) {
            throw ApiException.invalid("name", "\"name\" must be at most 100 characters");
        }
        if (b.phones() == null || b.phones().isEmpty()) {
            throw ApiException.badRequest("missing_field", "\"phones\" needs at least one number", "phones");
        }
        List<String> phones = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < b.phones().size(); i++) {
            String field = "phones[" + i + "]";
            String p = phone(field, b.phones().get(i));
            if (!seen.add(p)) {
                throw ApiException.invalid(field, "\"" + field + "\" repeats another phone of this elder");
            }
            phones.add(p);
        }
        String language = blankToNull(b.language());
        if (language == null) {
            language = "zh"; // architecture: Mandarin by default
        } else if (!LANGUAGES.contains(language)) {
            throw ApiException.invalid("language", "\"language\" must be one of " + String.join(", ",
                    onekey.tts.Languages.ALL) + " (or absent: zh)");
        }
        String category = blankToNull(b.category());
        if (category != null && !CATEGORIES.contains(category)) {
            throw ApiException.invalid("category", "\"category\" must be district-paid, subsidised or market");
        }
        LocalDate birthDate = null;
        if (blankToNull(b.birthDate()) != null) {
            try {
                birthDate = LocalDate.parse(b.birthDate().trim());
            } catch (DateTimeParseException e) {
                throw ApiException.invalid("birthDate", "\"birthDate\" must be a date yyyy-MM-dd");
            }
            if (birthDate.isAfter(LocalDate.now(ctx.clock()))) {
                throw ApiException.invalid("birthDate", "\"birthDate\" is in the future");
            }
        }
        List<Contact> contacts = new ArrayList<>();
        if (b.contacts() != null) {
            for (int i = 0; i < b.contacts().size(); i++) {
                ContactBody c = b.contacts().get(i);
                String f = "contacts[" + i + "]";
                if (c == null) {
                    throw ApiException.invalid(f, "\"" + f + "\" must be an object");
                }
                String lang = blankToNull(c.language());
                if (lang != null && !LANGUAGES.contains(lang)) {
                    throw ApiException.invalid(f + ".language", "\"" + f + ".language\" must be one of "
                            + String.join(", ", onekey.tts.Languages.ALL) + " (or absent: zh)");
                }
                contacts.add(new Contact(required(f + ".name", c.name()), blankToNull(c.relation()),
                        phone(f + ".phone", c.phone()), lang, c.notifySms()));
            }
        }
        return new ElderDraft(name, birthDate, blankToNull(b.gender()), List.copyOf(phones), blankToNull(b.address()),
                blankToNull(b.landmarks()), blankToNull(b.district()), language, category,
                blankToNull(b.healthConditions()), blankToNull(b.medications()), blankToNull(b.allergies()),
                blankToNull(b.mobility()), blankToNull(b.device()), blankToNull(b.notes()), List.copyOf(contacts),
                b.livingAlone(), place(b), archive(b));
    }

    /** The body's archive, or null when it names none of its fields (a PUT then keeps the stored archive). */
    private onekey.elders.Archive archive(ElderBody b) {
        if (b.economicHardship() == null && b.careLevel() == null && b.enrolmentState() == null && b.enrolledOn() == null
                && b.noticeSignedOn() == null && b.noticeRef() == null && b.registrationFormSignedOn() == null
                && b.registrationFormRef() == null && b.proxyCallSignedOn() == null && b.proxyCallRef() == null
                && b.insuranceCardNumber() == null) {
            return null;
        }
        String care = blankToNull(b.careLevel());
        if (care != null && !onekey.elders.Archive.CARE_LEVELS.contains(care)) {
            throw ApiException.invalid("careLevel", "\"careLevel\" must be self-care (自理), assisted (介助) or nursing (介护)");
        }
        String enrol = blankToNull(b.enrolmentState());
        if (enrol != null && !onekey.elders.Archive.ENROLMENT_STATES.contains(enrol)) {
            throw ApiException.invalid("enrolmentState", "\"enrolmentState\" must be pending, enrolled, suspended or withdrawn");
        }
        onekey.elders.InsuranceCard card = null; // absent: keep the stored card
        if (b.insuranceCardNumber() != null) {
            String n = b.insuranceCardNumber().replace(" ", "").trim();
            if (n.isEmpty()) {
                card = onekey.elders.InsuranceCard.NONE;
            } else {
                if (!n.matches("[0-9A-Za-z-]{6,32}")) {
                    throw ApiException.invalid("insuranceCardNumber",
                            "\"insuranceCardNumber\" must be 6 to 32 letters, digits or dashes");
                }
                try {
                    card = service.sealInsuranceCard(n);
                } catch (onekey.elders.ElderService.NoArchiveKey e) {
                    throw new ApiException(HttpResponseStatus.SERVICE_UNAVAILABLE, "no_archive_key", e.getMessage(),
                            "insuranceCardNumber");
                }
            }
        }
        return new onekey.elders.Archive(Boolean.TRUE.equals(b.economicHardship()), care, enrol,
                date("enrolledOn", b.enrolledOn()), date("noticeSignedOn", b.noticeSignedOn()), ref("noticeRef", b.noticeRef()),
                date("registrationFormSignedOn", b.registrationFormSignedOn()),
                ref("registrationFormRef", b.registrationFormRef()), date("proxyCallSignedOn", b.proxyCallSignedOn()),
                ref("proxyCallRef", b.proxyCallRef()), card);
    }

    private LocalDate date(String field, String raw) {
        if (blankToNull(raw) == null) {
            return null;
        }
        LocalDate d;
        try {
            d = LocalDate.parse(raw.trim());
        } catch (DateTimeParseException e) {
            throw ApiException.invalid(field, "\"" + field + "\" must be a date yyyy-MM-dd");
        }
        if (d.isAfter(LocalDate.now(ctx.clock()))) {
            throw ApiException.invalid(field, "\"" + field + "\" is in the future");
        }
        return d;
    }

    private static String ref(String field, String raw) {
        String v = blankToNull(raw);
        if (v != null && v.length() > 128) {
            throw ApiException.invalid(field, "\"" + field + "\" must be at most 128 characters");
        }
        return v;
    }

    /** The body's place, or null when it names none of its fields (a PUT then keeps the stored place). */
    private static onekey.elders.Place place(ElderBody b) {
        if (b.lat() == null && b.lon() == null && b.coordSystem() == null && b.coordSource() == null
                && b.subDistrict() == null && b.community() == null) {
            return null;
        }
        if ((b.lat() == null) != (b.lon() == null)) {
            throw ApiException.invalid(b.lat() == null ? "lat" : "lon", "\"lat\" and \"lon\" go together: give both or neither");
        }
        onekey.elders.Coordinates.Frame frame;
        try {
            frame = onekey.elders.Coordinates.Frame.parse(b.coordSystem());
        } catch (IllegalArgumentException e) {
            throw ApiException.invalid("coordSystem", "\"coordSystem\" must be wgs84, gcj02 or bd09");
        }
        Double lat = b.lat();
        Double lon = b.lon();
        if (lat != null) {
            if (!(lat >= -90 && lat <= 90)) {
                throw ApiException.invalid("lat", "\"lat\" must be between -90 and 90 (degrees)");
            }
            if (!(lon >= -180 && lon <= 180)) {
                throw ApiException.invalid("lon", "\"lon\" must be between -180 and 180 (degrees)");
            }
            var w = onekey.elders.Coordinates.toWgs84(lat, lon, frame);
            lat = w.lat();
            lon = w.lon();
        }
        String source = blankToNull(b.coordSource());
        if (lat != null && source == null) {
            source = frame == onekey.elders.Coordinates.Frame.WGS84 ? "entered" : "entered-" + frame.name().toLowerCase(java.util.Locale.ROOT);
        }
        if (source != null && source.length() > 32) {
            throw ApiException.invalid("coordSource", "\"coordSource\" must be at most 32 characters");
        }
        String sub = blankToNull(b.subDistrict());
        String com = blankToNull(b.community());
        if (sub != null && sub.length() > 64) {
            throw ApiException.invalid("subDistrict", "\"subDistrict\" must be at most 64 characters");
        }
        if (com != null && com.length() > 64) {
            throw ApiException.invalid("community", "\"community\" must be at most 64 characters");
        }
        return new onekey.elders.Place(lat, lon, source, sub, com);
    }

    private String phone(String field, String raw) {
        if (raw == null || raw.isBlank()) {
            throw ApiException.missing(field);
        }
        String n = PhoneNumbers.plausible(raw) ? normalizeOrNull(raw) : null;
        if (n == null) {
            throw ApiException.invalid(field, "\"" + field + "\" is not a phone number");
        }
        return n;
    }

    private String normalizeOrNull(String raw) {
        try {
            String n = PhoneNumbers.normalize(raw, ctx.defaultAreaCode());
            return n == null || n.length() < 3 || n.length() > 20 ? null : n;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
