package onekey.elders;

import java.time.LocalDate;
import java.time.Period;
import java.util.List;

/** An elder's record as stored. Phones are kept as normalized numbers (see {@link PhoneNumbers}). */
public record Elder(
        long id,
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
        long createdAt,
        long updatedAt,
        /** Lives alone (独居): a field of the record since schema version 11; campaigns select by it. */
        boolean livingAlone,
        /** Coordinates, sub-district and community (schema version 20); never null: {@link Place#NONE}. */
        Place place,
        /** The archive (schema version 23): care level, enrolment, signed papers, sealed insurance card; never null. */
        Archive archive) {

    public Elder {
        place = place == null ? Place.NONE : place;
        archive = archive == null ? Archive.NONE : archive;
    }

    /** A record written before schema version 23: nothing in the archive. */
    public Elder(long id, String name, LocalDate birthDate, String gender, List<String> phones, String address,
                 String landmarks, String district, String language, String category, String healthConditions,
                 String medications, String allergies, String mobility, String device, String notes,
                 List<Contact> contacts, long createdAt, long updatedAt, boolean livingAlone, Place place) {
        this(id, name, birthDate, gender, phones, address, landmarks, district, language, category, healthConditions,
                medications, allergies, mobility, device, notes, contacts, createdAt, updatedAt, livingAlone, place,
                Archive.NONE);
    }

    /** A record written before schema version 20: no place beyond the address text. */
    public Elder(long id, String name, LocalDate birthDate, String gender, List<String> phones, String address,
                 String landmarks, String district, String language, String category, String healthConditions,
                 String medications, String allergies, String mobility, String device, String notes,
                 List<Contact> contacts, long createdAt, long updatedAt, boolean livingAlone) {
        this(id, name, birthDate, gender, phones, address, landmarks, district, language, category, healthConditions,
                medications, allergies, mobility, device, notes, contacts, createdAt, updatedAt, livingAlone, Place.NONE);
    }

    /** A record without the living-alone field (tests and callers written before it): not living alone. */
    public Elder(long id, String name, LocalDate birthDate, String gender, List<String> phones, String address,
                 String landmarks, String district, String language, String category, String healthConditions,
                 String medications, String allergies, String mobility, String device, String notes,
                 List<Contact> contacts, long createdAt, long updatedAt) {
        this(id, name, birthDate, gender, phones, address, landmarks, district, language, category, healthConditions,
                medications, allergies, mobility, device, notes, contacts, createdAt, updatedAt, false);
    }

    /** Age in whole years on {@code today}, or null when the birth date is unknown. */
    public Integer age(LocalDate today) {
        return birthDate == null ? null : Period.between(birthDate, today).getYears();
    }
}
