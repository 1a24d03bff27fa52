package onekey.elders;

import java.time.LocalDate;
import java.util.List;

/**
 * What a client sends to create or replace an elder record. Only {@code name} and at least one phone are
 * required; the rest may be null. {@code language} is "zh" or "en"; {@code category} is one of
 * "district-paid", "subsidised", "market" (service rules: who is served). {@code livingAlone} null: false for a
 * new record, unchanged on an update (a client that does not know the field does not clear it).
 */
public record ElderDraft(
        String name,
        LocalDate birthDate,
        String gender,
        List<String> phones,
        String address,
        String landmarks,
        String district,
        String language,
        String category,
        String healthConditions,
        String medications,
        String allergies,
        String mobility,
        String device,
        String notes,
        List<Contact> contacts,
        Boolean livingAlone,
        /** Coordinates, sub-district, community; null: none for a new record, unchanged on an update. */
        Place place,
        /** The archive (schema version 23); null: none for a new record, unchanged on an update. */
        Archive archive) {

    /** A draft that says nothing of the archive (clients written before schema version 23). */
    public ElderDraft(String name, LocalDate birthDate, String gender, List<String> phones, String address,
                      String landmarks, String district, String language, String category, String healthConditions,
                      String medications, String allergies, String mobility, String device, String notes,
                      List<Contact> contacts, Boolean livingAlone, Place place) {
        this(name, birthDate, gender, phones, address, landmarks, district, language, category, healthConditions,
                medications, allergies, mobility, device, notes, contacts, livingAlone, place, null);
    }

    /** A draft that says nothing of the elder's place (clients written before schema version 20). */
    public ElderDraft(String name, LocalDate birthDate, String gender, List<String> phones, String address,
                      String landmarks, String district, String language, String category, String healthConditions,
                      String medications, String allergies, String mobility, String device, String notes,
                      List<Contact> contacts, Boolean livingAlone) {
        this(name, birthDate, gender, phones, address, landmarks, district, language, category, healthConditions,
                medications, allergies, mobility, device, notes, contacts, livingAlone, null);
    }

    /** A draft that does not say whether the elder lives alone. */
    public ElderDraft(String name, LocalDate birthDate, String gender, List<String> phones, String address,
                      String landmarks, String district, String language, String category, String healthConditions,
                      String medications, String allergies, String mobility, String device, String notes,
                      List<Contact> contacts) {
        this(name, birthDate, gender, phones, address, landmarks, district, language, category, healthConditions,
                medications, allergies, mobility, device, notes, contacts, null, null, null);
    }
}
