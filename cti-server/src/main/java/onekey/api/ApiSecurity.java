package onekey.api;

import java.time.Clock;
import onekey.auth.DeliveryAudit;
import onekey.auth.LoginGuard;

/**
 * The API's guards, built by the composition root.
 *
 * @param logins             throttling and the bounded hashing pool for password checks
 * @param deliveries         where a WebSocket delivery of an elder's record is audited
 * @param sessionCheckMillis how often open WebSockets are checked against their token (revoked, expired,
 *                           account disabled); at most 1000 so a revoked session ends within a second
 */
public record ApiSecurity(LoginGuard logins, DeliveryAudit deliveries, long sessionCheckMillis) {

    public static final long DEFAULT_SESSION_CHECK_MILLIS = 250;

    public ApiSecurity {
        if (sessionCheckMillis <= 0 || sessionCheckMillis > 1000) {
            sessionCheckMillis = DEFAULT_SESSION_CHECK_MILLIS;
        }
    }

    /** Defaults: 5 failures per account and 30 per address in 15 minutes, one hashing thread, 8 waiting. */
    public static ApiSecurity defaults(Clock clock, DeliveryAudit deliveries) {
        return new ApiSecurity(new LoginGuard(clock, 5, 30, 15 * 60_000L, 1, 8), deliveries,
                DEFAULT_SESSION_CHECK_MILLIS);
    }
}
