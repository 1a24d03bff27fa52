package onekey.elders;

/** An emergency contact of an elder; contacts are called in list order (service rules: children first). */
public record Contact(String name, String relation, String phone) {}
