package onekey.elders;

import java.time.LocalDate;
import java.util.Locale;
import java.util.Set;

/**
 * The elder's archive (档案, schema version 23) beside the record: what the district's figures group by and what the
 * centre must have on file before it acts for the elder (issue 22; service rules "Who is served" and "Agreement
 * before acting for the elder"). Dates are calendar dates in the centre's zone; a {@code …Ref} names the signed paper
 * (a scan's number, a file reference). The medical-insurance card number is held only sealed
 * ({@link InsuranceCard}); the record shows its last four digits.
 *
 * @param economicHardship  经济困难 (with 80+ and living alone: the district-paid class)
 * @param careLevel         {@code self-care} 自理, {@code assisted} 介助, {@code nursing} 介护, or null (not assessed)
 * @param enrolmentState    {@code pending}, {@code enrolled}, {@code suspended}, {@code withdrawn}, or null
 * @param enrolledOn        the day the service started
 * @param proxyCallSignedOn the 人工代呼 agreement (the centre may call 120 for the elder); null: not signed
 * @param insuranceCard     sealed card number; in a draft null keeps the stored one, {@link InsuranceCard#NONE} clears it
 */
public record Archive(
        boolean economicHardship,
        String careLevel,
        String enrolmentState,
        LocalDate enrolledOn,
        LocalDate noticeSignedOn,
        String noticeRef,
        LocalDate formSignedOn,
        String formRef,
        LocalDate proxyCallSignedOn,
        String proxyCallRef,
        InsuranceCard insuranceCard) {

    public static final Set<String> CARE_LEVELS = Set.of("self-care", "assisted", "nursing");
    public static final Set<String> ENROLMENT_STATES = Set.of("pending", "enrolled", "suspended", "withdrawn");

    /** Nothing on file (records made before schema version 23, or not yet filled in). */
    public static final Archive NONE = new Archive(false, null, null, null, null, null, null, null, null, null,
            InsuranceCard.NONE);

    public Archive {
        if (careLevel != null && !CARE_LEVELS.contains(careLevel)) {
            throw new IllegalArgumentException("care level must be self-care, assisted or nursing");
        }
        if (enrolmentState != null && !ENROLMENT_STATES.contains(enrolmentState)) {
            throw new IllegalArgumentException("enrolment state must be pending, enrolled, suspended or withdrawn");
        }
    }

    /** Whether the 人工代呼 agreement is on file (the SOS pop shows its absence in red). */
    public boolean proxyCallAgreed() {
        return proxyCallSignedOn != null;
    }

    /** This archive with {@code card} (a draft's null card: keep {@code stored}'s). */
    public Archive withCard(InsuranceCard card) {
        return new Archive(economicHardship, careLevel, enrolmentState, enrolledOn, noticeSignedOn, noticeRef,
                formSignedOn, formRef, proxyCallSignedOn, proxyCallRef, card);
    }

    /** The care level in Chinese for the district's tables (自理 / 介助 / 介护), or 未评估. */
    public static String careLevelZh(String level) {
        if (level == null) {
            return "未评估";
        }
        return switch (level.toLowerCase(Locale.ROOT)) {
            case "self-care" -> "自理";
            case "assisted" -> "介助";
            case "nursing" -> "介护";
            default -> level;
        };
    }
}
