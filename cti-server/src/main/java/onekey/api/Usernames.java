package onekey.api;

/**
 * The one rule for a username typed at login or given to a new account (issue 16): names are case-insensitive
 * (A-Z are folded to a-z, and only those: a Kelvin sign is not a K), but nothing is silently stripped. A control
 * character anywhere (NUL, tab, newline, ...) or white space at either end is refused with a 400 that names the
 * field, so {@code "admin\u0000"} or {@code " admin"} never signs in as {@code admin}.
 */
final class Usernames {

    private Usernames() {
    }

    /** The stored form of {@code raw}. @throws ApiException 400 (field {@code username}) for what is refused */
    static String canonical(String raw) {
        if (raw == null || raw.isEmpty()) {
            throw ApiException.missing("username");
        }
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (Character.isISOControl(c) || Character.getType(c) == Character.FORMAT) {
                throw ApiException.invalid("username", "\"username\" must not contain control characters (found U+"
                        + String.format("%04X", (int) c) + " at position " + i + ")");
            }
        }
        if (blank(raw.charAt(0)) || blank(raw.charAt(raw.length() - 1))) {
            throw ApiException.invalid("username", "\"username\" must not start or end with white space");
        }
        StringBuilder out = new StringBuilder(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            out.append(c >= 'A' && c <= 'Z' ? (char) (c + ('a' - 'A')) : c);
        }
        return out.toString();
    }

    private static boolean blank(char c) {
        return Character.isWhitespace(c) || Character.isSpaceChar(c);
    }
}
