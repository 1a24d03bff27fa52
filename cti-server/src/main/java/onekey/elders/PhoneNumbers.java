package onekey.elders;

/**
 * Phone numbers as OneKey stores and looks them up: digits only, national form without the trunk prefix 0,
 * area code included. "02155550001", "+86 21 5555 0001", "0086-21-55550001" and "55550001" (area 21) are all
 * "2155550001"; the mobile "13800138000" stays as it is. Asterisk delivers caller numbers in any of these
 * forms, so both writers (the elder repository) and the lookup on the call path normalize the same way.
 */
public final class PhoneNumbers {

    private PhoneNumbers() {}

    /**
     * The normalized number, or null when {@code raw} holds no digit.
     *
     * @param defaultAreaCode the centre's area code ("21" or "021" for Shanghai) put before a bare 7- or 8-digit
     *                        local number; null leaves local numbers as they are
     */
    public static String normalize(String raw, String defaultAreaCode) {
        if (raw == null) {
            return null;
        }
        StringBuilder sb = new StringBuilder(raw.length());
        boolean plus = false;
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c >= '0' && c <= '9') {
                sb.append(c);
            } else if (c == '+' && sb.isEmpty()) {
                plus = true;
            }
        }
        if (sb.isEmpty()) {
            return null;
        }
        String d = sb.toString();
        // Country prefix +86 / 0086. A bare "86..." counts as the country code only when what follows is long
        // enough to be a national number (10+ digits), so a local number such as 86123456 is kept.
        if (d.startsWith("0086")) {
            d = d.substring(4);
        } else if (d.startsWith("86") && (plus || d.length() >= 12)) {
            d = d.substring(2);
        }
        // Trunk prefix 0 of a national number (021..., 0755...).
        int zeros = 0;
        while (zeros < d.length() - 1 && d.charAt(zeros) == '0') {
            zeros++;
        }
        if (zeros > 0 && d.length() - zeros >= 9) {
            d = d.substring(zeros);
        } else if ((d.length() == 7 || d.length() == 8) && d.charAt(0) != '0' && d.charAt(0) != '1') {
            String area = areaDigits(defaultAreaCode);
            if (area != null) {
                d = area + d;
            }
        }
        return d.isEmpty() ? null : d;
    }

    /**
     * A Chinese mobile number (11 digits starting 13-19, after the country prefix is taken off): one that can receive
     * texts. A landline (area code + local number) cannot.
     */
    public static boolean isMobile(String raw) {
        String d = normalize(raw, null);
        return d != null && d.length() == 11 && d.charAt(0) == '1' && d.charAt(1) >= '3' && d.charAt(1) <= '9';
    }

    /**
     * Whether {@code raw} can be a phone number at all: digits with the usual separators (spaces, dashes, dots,
     * brackets, a leading +), 3 to 20 digits (short numbers such as 110 are numbers). "abc", "12" or "138-abcd" are
     * not. Refused at save time (issue 20), not at send time.
     */
    public static boolean plausible(String raw) {
        if (!dialable(raw)) {
            return false;
        }
        String t = raw.strip();
        int digits = t.replaceAll("\\D", "").length();
        return digits >= 3 && digits <= 20;
    }

    /** Digits with the usual separators only (no letters): what the repository accepts as a number to dial. */
    public static boolean dialable(String raw) {
        return raw != null && raw.strip().matches("\\+?[0-9(][0-9 ()\\-.]*");
    }

    private static String areaDigits(String areaCode) {
        if (areaCode == null) {
            return null;
        }
        String a = areaCode.replaceAll("\\D", "");
        int i = 0;
        while (i < a.length() && a.charAt(i) == '0') {
            i++;
        }
        a = a.substring(i);
        return a.isEmpty() ? null : a;
    }

    /** For logs: every digit but the last four replaced by '*' ("2155550001" → "******0001"); null stays null. */
    public static String mask(String phone) {
        if (phone == null) {
            return null;
        }
        int digits = 0;
        for (int i = 0; i < phone.length(); i++) {
            if (Character.isDigit(phone.charAt(i))) {
                digits++;
            }
        }
        StringBuilder sb = new StringBuilder(phone.length());
        int seen = 0;
        for (int i = 0; i < phone.length(); i++) {
            char c = phone.charAt(i);
            if (Character.isDigit(c)) {
                seen++;
                sb.append(seen <= digits - 4 ? '*' : c);
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }
}
