package onekey.auth;

/** Fields of an account a client may set; the password is passed separately, already hashed. */
public record AccountDraft(String username, Role role, String extension, String sipSecret,
                           String displayName, boolean enabled) {}
