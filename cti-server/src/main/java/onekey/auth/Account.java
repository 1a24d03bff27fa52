package onekey.auth;

/**
 * A user of OneKey. Agents and supervisors with an {@code extension} get a PJSIP endpoint of that
 * name with {@code sipSecret} as its password. The password hash never leaves the repository.
 */
public record Account(long id, String username, Role role, String extension, String sipSecret,
                      String displayName, boolean enabled) {}
