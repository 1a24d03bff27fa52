package onekey.devices;

import java.time.LocalDate;

/**
 * A device as registered ({@code POST /api/devices}): {@code elderId}, {@code kind} and {@code serial} are required;
 * the caller number (normalized), Contact ID account and SIP identity each name at most one device.
 */
public record DeviceDraft(long elderId, String kind, String serial, String make, String model, String callerNumber,
                          String contactIdAccount, String sipIdentity, Integer heartbeatMinutes, LocalDate installedOn,
                          String installedBy) {

    /** IllegalArgumentException naming the field (as "field: message"). */
    public DeviceDraft {
        if (kind == null || !Device.KINDS.contains(kind)) {
            throw new IllegalArgumentException("kind: one of " + new java.util.TreeSet<>(Device.KINDS));
        }
        if (serial == null || !serial.trim().matches("[A-Za-z0-9._:-]{1,64}")) {
            throw new IllegalArgumentException("serial: 1 to 64 letters, digits, . _ : -");
        }
        serial = serial.trim();
        if (contactIdAccount != null && (contactIdAccount = contactIdAccount.trim()).isEmpty()) {
            contactIdAccount = null;
        }
        if (contactIdAccount != null && !contactIdAccount.matches("[0-9A-Fa-f]{4}")) {
            throw new IllegalArgumentException("contactIdAccount: the panel's 4-digit Contact ID account (0-9, B-F)");
        }
        if (contactIdAccount != null) {
            contactIdAccount = contactIdAccount.toUpperCase(java.util.Locale.ROOT);
        }
        if (sipIdentity != null && (sipIdentity = sipIdentity.trim()).isEmpty()) {
            sipIdentity = null;
        }
        if (sipIdentity != null && !sipIdentity.matches("[A-Za-z0-9._+-]{1,64}(@[A-Za-z0-9.-]{1,63})?")) {
            throw new IllegalArgumentException("sipIdentity: the device's SIP user (user or user@host)");
        }
        sipIdentity = sipUser(sipIdentity); // kept as the user part: From: sip:fall-17@any-host names the device
        if (heartbeatMinutes != null && (heartbeatMinutes < 1 || heartbeatMinutes > 7 * 24 * 60)) {
            throw new IllegalArgumentException("heartbeatMinutes: 1 to 10080");
        }
        if (make != null && make.length() > 64 || model != null && model.length() > 64) {
            throw new IllegalArgumentException("make: at most 64 characters (model too)");
        }
        if (installedBy != null && installedBy.length() > 64) {
            throw new IllegalArgumentException("installedBy: at most 64 characters");
        }
    }

    /** The user part of a SIP identity ("sip:fall-17@host" and "fall-17" name the same device). */
    public static String sipUser(String identity) {
        if (identity == null) {
            return null;
        }
        String s = identity.trim();
        if (s.startsWith("sip:") || s.startsWith("sips:")) {
            s = s.substring(s.indexOf(':') + 1);
        }
        int at = s.indexOf('@');
        return (at < 0 ? s : s.substring(0, at)).trim();
    }
}
