package onekey.elders;

/**
 * A medical-insurance card number as stored (schema version 23): {@code sealed} is AES-GCM ciphertext
 * ({@link ArchiveCipher}), {@code last4} the digits the record may show. Neither is the number; only
 * {@link ElderService#revealInsuranceCard} opens it, with an audit row.
 */
public record InsuranceCard(String sealed, String last4) {

    /** No card on file. */
    public static final InsuranceCard NONE = new InsuranceCard(null, null);

    public boolean present() {
        return sealed != null;
    }

    /** What the record shows: {@code ************1234}, or null without a card. */
    public String masked() {
        return sealed == null ? null : "************" + (last4 == null ? "" : last4);
    }

    @Override
    public String toString() { // never the ciphertext in a log line
        return sealed == null ? "InsuranceCard[none]" : "InsuranceCard[" + masked() + "]";
    }
}
