package onekey.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.mockito.Mockito.mock;

import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import onekey.auth.Account;
import onekey.auth.AuditLog;
import onekey.auth.Role;
import onekey.calls.CallAccess;
import onekey.calls.CallRecord;
import onekey.lines.Service;
import org.junit.jupiter.api.Test;

/**
 * Who may set a disposition on a call just answered: the journal writes the row's agent ms after the answer, so the
 * live model's agent is asked while the row still names nobody; a row naming another agent still wins.
 */
class CallAccessLiveTest {
    private final ApiFixture.Calls rows = new ApiFixture.Calls();
    private final Map<Long, Long> live = new HashMap<>();
    private final CallAccess access = new CallAccess(rows, mock(AuditLog.class), Clock.systemUTC(), null,
            id -> Optional.ofNullable(live.get(id)));
    private final Account seat7 = new Account(7, "seat7", Role.AGENT, "1007", "x", "七号", true);
    private final Account seat8 = new Account(8, "seat8", Role.AGENT, "1008", "x", "八号", true);

    private CallRecord row(long id) {
        CallRecord c = CallRecord.arrived("l" + id, "PJSIP/e-1", "02155550001", "1234567", Service.SOS, 10, 1_000, false)
                .withId(id);
        rows.update(c);
        return c;
    }

    @Test
    void theSeatOnTheLiveCallMaySetItsDispositionBeforeTheRowNamesIt() {
        row(1);
        live.put(1L, 7L);
        CallRecord saved = access.dispose(access.mayDispose(1, seat7), seat7, "resolved", "ok");
        assertEquals("resolved", saved.disposition());
        assertEquals("resolved", rows.get(1).orElseThrow().disposition());
    }

    @Test
    void anotherSeatIsRefusedWhetherTheRowOrTheLiveModelNamesTheAgent() {
        row(2);
        live.put(2L, 7L);
        assertThrows(SecurityException.class, () -> access.mayDispose(2, seat8));
        assertThrows(SecurityException.class, () -> access.own(2, seat8, "open"));
        row(3);
        assertThrows(SecurityException.class, () -> access.mayDispose(3, seat7), "not live, no agent: refused");
    }
}
