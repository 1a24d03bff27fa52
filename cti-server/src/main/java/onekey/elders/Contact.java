package onekey.elders;

/**
 * An emergency contact of an elder; contacts are called in list order (service rules: children first).
 * {@code language}: what the contact is spoken to in by automated calls and written to in texts ("zh", "en");
 * null = Mandarin. {@code notifySms}: whether the contact gets the SOS texts (issue 20); null = the default, true
 * for a mobile number and false for a landline ({@link #wantsTexts()}).
 */
public record Contact(String name, String relation, String phone, String language, Boolean notifySms) {

    public Contact(String name, String relation, String phone, String language) {
        this(name, relation, phone, language, null);
    }

    public Contact(String name, String relation, String phone) {
        this(name, relation, phone, null, null);
    }

    /** The record's wish, or the default: a mobile number gets texts, a landline does not. */
    public boolean wantsTexts() {
        return notifySms != null ? notifySms : PhoneNumbers.isMobile(phone);
    }
}
