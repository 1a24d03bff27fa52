package onekey.elders;

/**
 * An emergency contact of an elder; contacts are called in list order (service rules: children first).
 * {@code language}: what the contact is spoken to in by automated calls ("zh", "en"); null = Mandarin.
 */
public record Contact(String name, String relation, String phone, String language) {

    public Contact(String name, String relation, String phone) {
        this(name, relation, phone, null);
    }
}
