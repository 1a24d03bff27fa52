package onekey.flows;

import java.time.Instant;

/**
 * One executed step: when it started (millisecond precision), which step ("#3 play"), and what it did.
 * Details carry no prompt text or looked-up personal data, only names, files and digits.
 */
public record StepRecord(Instant at, String step, String detail) {}
