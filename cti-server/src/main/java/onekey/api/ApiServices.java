package onekey.api;

import java.time.Clock;
import java.util.Optional;
import onekey.auth.AccountRepository;
import onekey.auth.AccountService;
import onekey.auth.AuditLog;
import onekey.auth.TokenStore;
import onekey.calls.CallAccess;
import onekey.calls.CallRepository;
import onekey.elders.ElderRepository;
import onekey.elders.ElderService;
import onekey.recording.RecordingAccess;
import onekey.recording.RecordingRepository;
import onekey.rescue.RescueService;

/**
 * The services that hold the rules the API's resources apply (accounts, elders, calls, recordings), built by the
 * composition root in dependency order; the resources only check the shape of a request and map the answers.
 */
public record ApiServices(AccountService accounts, ElderService elders, CallAccess calls, RecordingAccess recordings) {

    /**
     * The services over these repositories; {@code rescue} (null: none runs) hears of dispositions (a call-back on the
     * worklist) and tells the elders' rules which open incidents an agent holds.
     */
    public static ApiServices over(AccountRepository accounts, TokenStore tokens, AuditLog audit, ElderRepository elders,
                                   CallRepository calls, RecordingRepository recordings, RescueService rescue, Clock clock) {
        return over(accounts, tokens, audit, elders, calls, recordings, rescue, clock, null);
    }

    /** As above, with the cipher of the elders' archive (issue 22; null: no archive key configured). */
    public static ApiServices over(AccountRepository accounts, TokenStore tokens, AuditLog audit, ElderRepository elders,
                                   CallRepository calls, RecordingRepository recordings, RescueService rescue, Clock clock,
                                   onekey.elders.ArchiveCipher archiveCipher) {
        return over(accounts, tokens, audit, elders, calls, recordings, rescue, clock, archiveCipher, null);
    }

    /** As above, with the live call model's agent per call (null: rows only). */
    public static ApiServices over(AccountRepository accounts, TokenStore tokens, AuditLog audit, ElderRepository elders,
                                   CallRepository calls, RecordingRepository recordings, RescueService rescue, Clock clock,
                                   onekey.elders.ArchiveCipher archiveCipher,
                                   java.util.function.LongFunction<Optional<Long>> liveAgent) {
        return new ApiServices(
                new AccountService(accounts, tokens, audit),
                new ElderService(elders, audit, clock,
                        (elderId, accountId, since) -> calls.find(elderId, accountId, null, 5).stream()
                                .filter(c -> c.endedAt() == null || c.endedAt() >= since).findFirst()
                                .map(c -> Optional.of(c.id())).orElse(Optional.empty()),
                        (elderId, accountId) -> rescue != null && rescue.find(elderId, "open", 20).stream()
                                .anyMatch(i -> i.agentId() != null && i.agentId() == accountId), archiveCipher),
                new CallAccess(calls, audit, clock, rescue == null ? null : rescue::dispositionSaved, liveAgent),
                new RecordingAccess(recordings, calls, audit, clock));
    }
}
