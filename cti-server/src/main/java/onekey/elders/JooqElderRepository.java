package onekey.elders;

import static onekey.store.jooq.Tables.ELDERS;
import static onekey.store.jooq.Tables.ELDER_CONTACTS;
import static onekey.store.jooq.Tables.ELDER_PHONES;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import onekey.store.Constraints;
import onekey.store.Database;
import onekey.store.jooq.tables.records.EldersRecord;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.exception.DataAccessException;
import org.jooq.impl.DSL;

/**
 * Elders in the database. Phones are normalized on write with the centre's default area code, so that
 * {@link #findByPhone} (the hot path of every inbound call) is one indexed equality lookup: the elder row joined
 * through the unique phone index, then one more query for its phones and contacts together.
 */
public final class JooqElderRepository implements ElderRepository {

    private static final String UQ_PHONE = "uq_elder_phones_phone";

    private final DSLContext dsl;
    private final String defaultAreaCode;
    private final Clock clock;

    /** @param defaultAreaCode put before bare local numbers on write (config calls.defaultAreaCode, e.g. "21") */
    public JooqElderRepository(Database db, String defaultAreaCode) {
        this(db, defaultAreaCode, Clock.systemUTC());
    }

    public JooqElderRepository(Database db, String defaultAreaCode, Clock clock) {
        this.dsl = db.dsl();
        this.defaultAreaCode = defaultAreaCode;
        this.clock = clock;
    }

    @Override
    public Elder create(ElderDraft draft) {
        List<String> phones = validate(draft);
        long now = clock.millis();
        try {
            return dsl.transactionResult(cfg -> {
                DSLContext tx = cfg.dsl();
                requirePhonesFree(tx, phones, null);
                long id = tx.insertInto(ELDERS)
                        .set(fields(tx.newRecord(ELDERS), draft))
                        .set(ELDERS.LIVING_ALONE, Boolean.TRUE.equals(draft.livingAlone()))
                        .set(place(tx.newRecord(ELDERS), draft.place() == null ? Place.NONE : draft.place()))
                        .set(archive(tx.newRecord(ELDERS), draft.archive() == null ? Archive.NONE : draft.archive()))
                        .set(ELDERS.CREATED_AT, now)
                        .set(ELDERS.UPDATED_AT, now)
                        .returningResult(ELDERS.ID)
                        .fetchOne()
                        .value1();
                insertChildren(tx, id, phones, draft.contacts());
                return load(tx, id).orElseThrow();
            });
        } catch (DataAccessException e) {
            throw translate(e, phones);
        }
    }

    @Override
    public Optional<Elder> update(long id, ElderDraft draft) {
        List<String> phones = validate(draft);
        long now = clock.millis();
        try {
            return dsl.transactionResult(cfg -> {
                DSLContext tx = cfg.dsl();
                // Lock the row: two concurrent edits of one elder must not interleave their phone lists.
                if (tx.selectOne().from(ELDERS).where(ELDERS.ID.eq(id)).forUpdate().fetchOne() == null) {
                    return Optional.<Elder>empty();
                }
                requirePhonesFree(tx, phones, id);
                var changed = tx.newRecord(ELDERS);
                fields(changed, draft);
                if (draft.livingAlone() != null) {
                    changed.setLivingAlone(draft.livingAlone()); // null keeps the stored value
                }
                if (draft.place() != null) {
                    place(changed, draft.place()); // null keeps the stored place
                }
                if (draft.archive() != null) {
                    archive(changed, draft.archive()); // null keeps the stored archive; its null card keeps the card
                }
                tx.update(ELDERS)
                        .set(changed)
                        .set(ELDERS.UPDATED_AT, now)
                        .where(ELDERS.ID.eq(id))
                        .execute();
                // the reports' summaries keyed by an elder's class are rebuilt from the calls (issue 22, V29)
                onekey.reports.CallSummaries.invalidateElderDims(tx);
                tx.deleteFrom(ELDER_PHONES).where(ELDER_PHONES.ELDER_ID.eq(id)).execute();
                tx.deleteFrom(ELDER_CONTACTS).where(ELDER_CONTACTS.ELDER_ID.eq(id)).execute();
                insertChildren(tx, id, phones, draft.contacts());
                return load(tx, id);
            });
        } catch (DataAccessException e) {
            throw translate(e, phones);
        }
    }

    @Override
    public Optional<ElderNote> addNote(long elderId, String by, String text) {
        long now = clock.millis();
        return dsl.transactionResult(cfg -> {
            DSLContext tx = cfg.dsl();
            if (tx.selectOne().from(ELDERS).where(ELDERS.ID.eq(elderId)).fetchOne() == null) {
                return Optional.<ElderNote>empty();
            }
            long id = tx.insertInto(onekey.store.jooq.Tables.ELDER_NOTES)
                    .set(onekey.store.jooq.Tables.ELDER_NOTES.ELDER_ID, elderId)
                    .set(onekey.store.jooq.Tables.ELDER_NOTES.CREATED_AT, now)
                    .set(onekey.store.jooq.Tables.ELDER_NOTES.USERNAME, by)
                    .set(onekey.store.jooq.Tables.ELDER_NOTES.TEXT, text)
                    .returning(onekey.store.jooq.Tables.ELDER_NOTES.ID).fetchOne().getId();
            tx.update(ELDERS).set(ELDERS.UPDATED_AT, now).where(ELDERS.ID.eq(elderId)).execute();
            return Optional.of(new ElderNote(id, elderId, now, by, text));
        });
    }

    @Override
    public List<ElderNote> notes(long elderId) {
        var n = onekey.store.jooq.Tables.ELDER_NOTES;
        return dsl.selectFrom(n).where(n.ELDER_ID.eq(elderId)).orderBy(n.ID)
                .fetch(r -> new ElderNote(r.getId(), r.getElderId(), r.getCreatedAt(), r.getUsername(), r.getText()));
    }

    @Override
    public Optional<Elder> get(long id) {
        return dsl.connectionResult(c -> load(DSL.using(c, dsl.dialect(), dsl.settings()), id));
    }

    @Override
    public Optional<Elder> findByPhone(String normalizedPhone) {
        if (normalizedPhone == null || normalizedPhone.isEmpty()) {
            return Optional.empty();
        }
        // One connection for both queries; no transaction (saves the commit round trip on MariaDB).
        return dsl.connectionResult(c -> {
            DSLContext q = DSL.using(c, dsl.dialect(), dsl.settings());
            // issue 23: both statements rendered once (every registered caller's call runs them)
            var rows = BY_PHONE.fetch(q, normalizedPhone).into(ELDERS);
            if (rows.isEmpty()) {
                return Optional.empty();
            }
            if (rows.size() > 1) {
                throw new org.jooq.exception.TooManyRowsException("two elders own the number " + normalizedPhone);
            }
            EldersRecord row = rows.getFirst();
            Children ch = children(CHILDREN_OF_ONE.fetch(q, row.getId(), row.getId()), List.of(row.getId()))
                    .getOrDefault(row.getId(), Children.EMPTY);
            return Optional.of(toElder(row, ch));
        });
    }

    @Override
    public List<Elder> list(String nameLike, int offset, int limit) {
        if (limit <= 0) {
            return List.of();
        }
        return dsl.connectionResult(c -> {
            DSLContext q = DSL.using(c, dsl.dialect(), dsl.settings());
            var rows = q.selectFrom(ELDERS)
                    .where(nameLike == null || nameLike.isEmpty()
                            ? DSL.noCondition()
                            : ELDERS.NAME.contains(nameLike))
                    .orderBy(ELDERS.ID)
                    .limit(limit)
                    .offset(Math.max(0, offset))
                    .fetch();
            if (rows.isEmpty()) {
                return List.of();
            }
            Map<Long, Children> ch = children(q, rows.getValues(ELDERS.ID));
            List<Elder> out = new ArrayList<>(rows.size());
            for (EldersRecord r : rows) {
                out.add(toElder(r, ch.getOrDefault(r.getId(), Children.EMPTY)));
            }
            return out;
        });
    }

    @Override
    public long count() {
        return dsl.fetchCount(ELDERS);
    }

    // --- internals ---------------------------------------------------------------------------------------

    private record Children(List<String> phones, List<Contact> contacts) {
        static final Children EMPTY = new Children(List.of(), List.of());
    }

    private List<String> validate(ElderDraft draft) {
        if (draft == null) {
            throw new IllegalArgumentException("elder is missing");
        }
        if (draft.name() == null || draft.name().isBlank()) {
            throw new IllegalArgumentException("name is required");
        }
        Set<String> phones = new LinkedHashSet<>();
        if (draft.phones() != null) {
            for (String raw : draft.phones()) {
                String p = PhoneNumbers.normalize(raw, defaultAreaCode);
                if (p == null) {
                    if (raw != null && !raw.isBlank()) {
                        throw new IllegalArgumentException("phones: '" + raw + "' is not a phone number");
                    }
                    continue;
                }
                if (p.length() > 32) {
                    throw new IllegalArgumentException("phones: " + PhoneNumbers.mask(p) + " is longer than 32 digits");
                }
                phones.add(p);
            }
        }
        if (phones.isEmpty()) {
            throw new IllegalArgumentException("phones: at least one phone number is required");
        }
        if (draft.contacts() != null) {
            for (int i = 0; i < draft.contacts().size(); i++) {
                Contact c = draft.contacts().get(i);
                if (c == null || c.name() == null || c.name().isBlank()) {
                    throw new IllegalArgumentException("contacts[" + i + "].name is required");
                }
                if (c.phone() != null && !c.phone().isBlank() && !PhoneNumbers.dialable(c.phone())) {
                    throw new IllegalArgumentException("contacts[" + i + "].phone: '" + c.phone() + "' is not a phone number");
                }
                if (c.language() != null && !c.language().isBlank() && !c.language().trim().matches("[A-Za-z]{2,3}([-_][A-Za-z0-9]{2,8})?")) {
                    throw new IllegalArgumentException("contacts[" + i + "].language must be a language tag such as \"zh\" "
                            + "or \"en\"");
                }
            }
        }
        return List.copyOf(phones);
    }

    /** A clear message instead of a constraint error: which phone, which elder owns it. */
    private static void requirePhonesFree(DSLContext tx, List<String> phones, Long self) {
        var taken = tx.select(ELDER_PHONES.PHONE, ELDER_PHONES.ELDER_ID)
                .from(ELDER_PHONES)
                .where(ELDER_PHONES.PHONE.in(phones))
                .and(self == null ? DSL.noCondition() : ELDER_PHONES.ELDER_ID.ne(self))
                .fetchAny();
        if (taken != null) {
            throw phoneTaken(taken.value1(), taken.value2());
        }
    }

    private static IllegalArgumentException phoneTaken(String phone, Long owner) {
        return new IllegalArgumentException("phones: " + PhoneNumbers.mask(phone) + " already belongs to "
                + (owner == null ? "another elder" : "elder " + owner));
    }

    private RuntimeException translate(DataAccessException e, List<String> phones) {
        if (Constraints.violates(e, UQ_PHONE)) {
            // Lost a race with a concurrent write of the same phone.
            Long owner = null;
            String phone = phones.get(0);
            var r = dsl.select(ELDER_PHONES.PHONE, ELDER_PHONES.ELDER_ID).from(ELDER_PHONES)
                    .where(ELDER_PHONES.PHONE.in(phones)).fetchAny();
            if (r != null) {
                phone = r.value1();
                owner = r.value2();
            }
            return phoneTaken(phone, owner);
        }
        return e;
    }

    private static EldersRecord fields(EldersRecord r, ElderDraft d) {
        r.setName(d.name().trim());
        r.setBirthDate(d.birthDate());
        r.setGender(d.gender());
        r.setAddress(d.address());
        r.setLandmarks(d.landmarks());
        r.setDistrict(d.district());
        r.setLanguage(d.language());
        r.setCategory(d.category());
        r.setHealthConditions(d.healthConditions());
        r.setMedications(d.medications());
        r.setAllergies(d.allergies());
        r.setMobility(d.mobility());
        r.setDevice(d.device());
        r.setNotes(d.notes());
        // Only the draft's columns are "changed": id and the timestamps are set by the caller.
        r.changed(ELDERS.ID, false);
        r.changed(ELDERS.CREATED_AT, false);
        r.changed(ELDERS.UPDATED_AT, false);
        return r;
    }

    private static EldersRecord archive(EldersRecord r, Archive a) {
        r.setEconomicHardship(a.economicHardship());
        r.setCareLevel(a.careLevel());
        r.setEnrolmentState(a.enrolmentState());
        r.setEnrolledOn(a.enrolledOn());
        r.setNoticeSignedOn(a.noticeSignedOn());
        r.setNoticeRef(a.noticeRef());
        r.setFormSignedOn(a.formSignedOn());
        r.setFormRef(a.formRef());
        r.setProxyCallSignedOn(a.proxyCallSignedOn());
        r.setProxyCallRef(a.proxyCallRef());
        if (a.insuranceCard() != null) {
            r.setInsuranceCardSealed(a.insuranceCard().sealed());
            r.setInsuranceCardLast4(a.insuranceCard().last4());
        }
        return r;
    }

    private static EldersRecord place(EldersRecord r, Place p) {
        r.setLat(p.lat());
        r.setLon(p.lon());
        r.setCoordSource(p.coordSource());
        r.setSubDistrict(p.subDistrict());
        r.setCommunity(p.community());
        return r;
    }

    private static void insertChildren(DSLContext tx, long id, List<String> phones, List<Contact> contacts) {
        var ip = tx.insertInto(ELDER_PHONES, ELDER_PHONES.ELDER_ID, ELDER_PHONES.ORD, ELDER_PHONES.PHONE);
        for (int i = 0; i < phones.size(); i++) {
            ip = ip.values(id, i, phones.get(i));
        }
        ip.execute();
        if (contacts != null && !contacts.isEmpty()) {
            var ic = tx.insertInto(ELDER_CONTACTS, ELDER_CONTACTS.ELDER_ID, ELDER_CONTACTS.ORD,
                    ELDER_CONTACTS.NAME, ELDER_CONTACTS.RELATION, ELDER_CONTACTS.PHONE, ELDER_CONTACTS.LANGUAGE,
                    ELDER_CONTACTS.NOTIFY_SMS);
            for (int i = 0; i < contacts.size(); i++) {
                Contact c = contacts.get(i);
                // Contact phones are dialled out, so they are kept as entered (digits and '+' only).
                ic = ic.values(id, i, c.name().trim(), c.relation(), cleanDial(c.phone()), language(c.language()),
                        c.notifySms());
            }
            ic.execute();
        }
    }

    /** A contact's language as stored: "zh", "en" (or another tag espeak-ng speaks), null for the default. */
    private static String language(String l) {
        return l == null || l.isBlank() ? null : l.trim().toLowerCase(java.util.Locale.ROOT);
    }

    private static String cleanDial(String phone) {
        if (phone == null) {
            return null;
        }
        String p = phone.replaceAll("[^0-9+]", "");
        return p.isEmpty() ? null : p;
    }

    /**
     * An elder by id with its phones and contacts: both statements rendered once (issue 23: a rescue's every redial
     * reads its elder's phones; in a burst of 180 incidents jOOQ's rendering of these two was most of the rescue
     * thread's reading).
     */
    private static Optional<Elder> load(DSLContext q, long id) {
        var rows = BY_ID.fetch(q, id).into(ELDERS);
        if (rows.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(toElder(rows.getFirst(), children(CHILDREN_OF_ONE.fetch(q, id, id), List.of(id))
                .getOrDefault(id, Children.EMPTY)));
    }

    @Override
    public Optional<String> firstPhone(long id) {
        var rows = FIRST_PHONE.fetch(dsl, id);
        return rows.isEmpty() ? Optional.empty() : Optional.ofNullable(rows.getFirst().get(0, String.class));
    }

    /** An elder's first phone (issue 23: rendered once). */
    static final onekey.store.Prepared FIRST_PHONE = new onekey.store.Prepared(DSL.select(ELDER_PHONES.PHONE)
            .from(ELDER_PHONES).where(ELDER_PHONES.ELDER_ID.eq(DSL.param("id", ELDER_PHONES.ELDER_ID)))
            .orderBy(ELDER_PHONES.ORD).limit(DSL.inline(1)));

    /** The elder with this id (issue 23: rendered once). */
    static final onekey.store.Prepared BY_ID = new onekey.store.Prepared(DSL.select(ELDERS.fields()).from(ELDERS)
            .where(ELDERS.ID.eq(DSL.param("id", ELDERS.ID))));

    /**
     * Phones and contacts of some elders in one round trip: a UNION ALL of both child tables, ordered by
     * elder and list position. kind 0 = phone (value in the name column), kind 1 = contact.
     */
    private static Map<Long, Children> children(DSLContext q, Collection<Long> elderIds) {
        return children(childrenQuery(q, ELDER_PHONES.ELDER_ID.in(elderIds), ELDER_CONTACTS.ELDER_ID.in(elderIds)).fetch(),
                elderIds);
    }

    /** The elder at a number (issue 23: rendered once). */
    static final onekey.store.Prepared BY_PHONE = new onekey.store.Prepared(DSL.select(ELDERS.fields())
            .from(ELDER_PHONES)
            .join(ELDERS).on(ELDERS.ID.eq(ELDER_PHONES.ELDER_ID))
            .where(ELDER_PHONES.PHONE.eq(DSL.param("phone", ELDER_PHONES.PHONE))));

    /** One elder's phones and contacts (issue 23: rendered once); the elder's id twice. */
    static final onekey.store.Prepared CHILDREN_OF_ONE = new onekey.store.Prepared(childrenQuery(DSL.using(
            org.jooq.SQLDialect.DEFAULT), ELDER_PHONES.ELDER_ID.eq(DSL.param("phonesOf", ELDER_PHONES.ELDER_ID)),
            ELDER_CONTACTS.ELDER_ID.eq(DSL.param("contactsOf", ELDER_CONTACTS.ELDER_ID))));

    /** Phones (kind 0) and contacts (kind 1) of the elders the conditions pick, by elder, kind and order. */
    private static org.jooq.Select<?> childrenQuery(DSLContext q, org.jooq.Condition phonesOf, org.jooq.Condition contactsOf) {
        Field<Integer> kind = DSL.field(DSL.name("kind"), Integer.class);
        var phones = q.select(ELDER_PHONES.ELDER_ID.as("elder_id"), DSL.inline(0).as("kind"),
                        ELDER_PHONES.ORD.as("ord"), ELDER_PHONES.PHONE.as("name"),
                        // Unused for phones; real columns rather than CAST(NULL ..) so that MariaDB sees one
                        // collation on both sides of the UNION.
                        ELDER_PHONES.PHONE.as("relation"), ELDER_PHONES.PHONE.as("phone"), ELDER_PHONES.PHONE.as("language"),
                        DSL.inline(false).as("notify_sms"))
                .from(ELDER_PHONES)
                .where(phonesOf);
        var contacts = q.select(ELDER_CONTACTS.ELDER_ID, DSL.inline(1), ELDER_CONTACTS.ORD,
                        ELDER_CONTACTS.NAME, ELDER_CONTACTS.RELATION, ELDER_CONTACTS.PHONE, ELDER_CONTACTS.LANGUAGE,
                        ELDER_CONTACTS.NOTIFY_SMS)
                .from(ELDER_CONTACTS)
                .where(contactsOf);
        return phones.unionAll(contacts)
                .orderBy(DSL.field(DSL.name("elder_id")), kind, DSL.field(DSL.name("ord")));
    }

    private static Map<Long, Children> children(org.jooq.Result<? extends org.jooq.Record> rows, Collection<Long> elderIds) {
        Map<Long, List<String>> ph = new HashMap<>();
        Map<Long, List<Contact>> co = new HashMap<>();
        for (var r : rows) {
            Long eid = r.get(0, Long.class);
            int k = r.get(1, Integer.class);
            if (k == 0) {
                ph.computeIfAbsent(eid, x -> new ArrayList<>()).add(r.get(3, String.class));
            } else {
                co.computeIfAbsent(eid, x -> new ArrayList<>())
                        .add(new Contact(r.get(3, String.class), r.get(4, String.class), r.get(5, String.class),
                                r.get(6, String.class), r.get(7, Boolean.class)));
            }
        }
        Map<Long, Children> out = new HashMap<>();
        for (Long eid : elderIds) {
            out.put(eid, new Children(List.copyOf(ph.getOrDefault(eid, List.of())),
                    List.copyOf(co.getOrDefault(eid, List.of()))));
        }
        return out;
    }

    private static Elder toElder(EldersRecord r, Children ch) {
        return new Elder(r.getId(), r.getName(), r.getBirthDate(), r.getGender(), ch.phones(), r.getAddress(),
                r.getLandmarks(), r.getDistrict(), r.getLanguage(), r.getCategory(), r.getHealthConditions(),
                r.getMedications(), r.getAllergies(), r.getMobility(), r.getDevice(), r.getNotes(),
                ch.contacts(), r.getCreatedAt(), r.getUpdatedAt(), Boolean.TRUE.equals(r.getLivingAlone()),
                new Place(r.getLat(), r.getLon(), r.getCoordSource(), r.getSubDistrict(), r.getCommunity()),
                new Archive(Boolean.TRUE.equals(r.getEconomicHardship()), r.getCareLevel(), r.getEnrolmentState(),
                        r.getEnrolledOn(), r.getNoticeSignedOn(), r.getNoticeRef(), r.getFormSignedOn(), r.getFormRef(),
                        r.getProxyCallSignedOn(), r.getProxyCallRef(),
                        new InsuranceCard(r.getInsuranceCardSealed(), r.getInsuranceCardLast4())));
    }
}
