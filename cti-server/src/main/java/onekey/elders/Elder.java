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
        long updatedAt) {

    /** Age in whole years on {@code today}, or null when the birth date is unknown. */
    public Integer age(LocalDate today) {
        return birthDate == null ? null : Period.between(birthDate, today).getYears();
    }
}
