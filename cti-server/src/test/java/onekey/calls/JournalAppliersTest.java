package onekey.calls;

import static org.assertj.core.api.Assertions.assertThat;

import onekey.lines.Service;
import org.junit.jupiter.api.Test;

/** Issue 23: the call-state write skips its UPDATE only when the row holds that state already. */
class JournalAppliersTest {

    private static final CallRecord ARRIVED = CallRecord.arrived("L1", "PJSIP/trunk-1", "13800000001", "1234901",
            Service.SOS, 10, 1_000L, false);

    private static CallRecord with(CallRecord c, Long elderId, Long answeredAt) {
        return new CallRecord(7, c.linkedid(), c.callerChannel(), c.callerNumber(), c.dnis(), c.line(), c.priority(),
                elderId, c.agentId(), c.agentName(), c.arrivedAt(), c.queuedAt(), answeredAt, c.endedAt(), c.waitMs(),
                c.talkMs(), c.outcome(), c.disposition(), c.notes(), c.failOpen(), c.recordingId());
    }

    @Test
    void aRowInsertedWithTheStateNeedsNoUpdate() {
        assertThat(JournalAppliers.sameState(with(ARRIVED, null, null), ARRIVED)).isTrue();
        // a stored elder is kept by the update when the state has none: nothing to write either
        assertThat(JournalAppliers.sameState(with(ARRIVED, 5L, null), ARRIVED)).isTrue();
    }

    @Test
    void aRowWithAnOlderOrOtherStateIsUpdated() {
        CallRecord answered = with(ARRIVED, null, 2_000L);
        assertThat(JournalAppliers.sameState(with(ARRIVED, null, null), answered)).isFalse();
        assertThat(JournalAppliers.sameState(with(ARRIVED, 5L, null), with(ARRIVED, 6L, null))).isFalse();
        assertThat(JournalAppliers.sameState(with(ARRIVED, null, null), with(ARRIVED, 6L, null))).isFalse();
        CallRecord otherLine = new CallRecord(0, "L1", "PJSIP/trunk-1", "13800000001", "1234902", Service.REGISTRATION, 5,
                null, null, null, 1_000L, null, null, null, null, null, CallOutcome.ARRIVED, null, null, false, null);
        assertThat(JournalAppliers.sameState(with(ARRIVED, null, null), otherLine)).isFalse();
    }
}
