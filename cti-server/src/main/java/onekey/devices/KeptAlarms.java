package onekey.devices;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import onekey.auth.AuditLog;
import onekey.telephony.Pbx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SIP MESSAGE alarms Asterisk's {@code [onekey-message]} context queued as SOS calls itself because OneKey did not
 * take them (down, frozen, refusing). The dialplan runs no shell, so it keeps each in AstDB under {@value #FAMILY}
 * {@code /<epoch seconds>-<SHA-1 of device:body>}: the body in base64, in 200-character pieces {@code /0}, {@code /1},
 * … (AMI's DBGet gives 255 characters at most), then {@code /n} = {@code <pieces>:<device>}, written last. OneKey
 * collects them at every AMI (re)connect and every half minute: each is taken as the SCAIP alarm it is, with the note
 * that the alarm line queued it as SOS and when (for the seat and whoever closes the incident), escalated like any
 * alarm, and deleted. A body that is not an alarm is refused with an audit row holding it, and deleted; a failure
 * (the database, the rescue) leaves it for the next round. OneKey takes a device's alarm ref once, so one read twice (a
 * delete that failed, two nodes) stores the alarm once. One without its {@code /n} is being written (or was cut short
 * by a crash of Asterisk between its pieces): left.
 */
public final class KeptAlarms {
    private static final Logger log = LoggerFactory.getLogger(KeptAlarms.class);
    public static final String FAMILY = "onekey-alarm-kept";

    private final Pbx pbx;
    private final AlarmService alarms;
    private final AuditLog audit;

    public KeptAlarms(Pbx pbx, AlarmService alarms, AuditLog audit) {
        this.pbx = pbx;
        this.alarms = alarms;
        this.audit = audit;
    }

    /** Takes every kept alarm it can read now; returns how many were taken (or refused) and deleted. */
    public synchronized int collect() {
        List<String> ids;
        try {
            ids = pbx.settingKeys(FAMILY);
        } catch (Pbx.PbxException e) {
            log.debug("kept alarms not listed: {}", e.getMessage());
            return 0;
        }
        int done = 0;
        for (String id : ids) {
            if (take(id)) {
                done++;
            }
        }
        return done;
    }

    private boolean take(String id) {
        String family = FAMILY + "/" + id;
        int dash = id.indexOf('-');
        long queuedAt = dash > 0 && id.substring(0, dash).matches("[0-9]{1,12}") ? Long.parseLong(id.substring(0, dash))
                : System.currentTimeMillis() / 1000;
        String b64 = "";
        try {
            Optional<String> meta = pbx.setting(family, "n");
            if (meta.isEmpty()) {
                return false; // being written now
            }
            String[] m = meta.get().split(":", 2);
            String device = m.length > 1 ? m[1] : "";
            int pieces;
            try {
                pieces = Integer.parseInt(m[0]);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("n: not <pieces>:<device> (" + meta.get() + ")");
            }
            if (pieces < 1 || pieces > 100) {
                throw new IllegalArgumentException("n: " + pieces + " pieces");
            }
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < pieces; i++) {
                int piece = i;
                b.append(pbx.setting(family, Integer.toString(i))
                        .orElseThrow(() -> new IllegalArgumentException("piece " + piece + " of " + pieces + " missing")));
            }
            b64 = b.toString();
            String text = new String(Base64.getDecoder().decode(b64.trim()), StandardCharsets.UTF_8);
            Scaip.Message msg = Scaip.parse(text, device.isBlank() ? null : "sip:" + device + "@device");
            AlarmService.Result r = alarms.receive(msg.incoming().queuedAsSos(queuedAt));
            log.warn("kept alarm {} (queued as SOS by Asterisk at {}) taken: alarm={} outcome={}", id, queuedAt,
                    r.alarm().id(), r.outcome());
        } catch (IllegalArgumentException bad) {
            log.warn("kept alarm {} refused: {}", id, bad.getMessage());
            audit.recordAs(null, "system", "alarm.refused", "device", null, "source=scaip kept=" + id + " reason="
                    + bad.getMessage() + " body=" + (b64.length() > 3000 ? b64.substring(0, 3000) + "…" : b64));
        } catch (RuntimeException failed) {
            log.warn("kept alarm {} not taken now, read again next time: {}", id, failed.toString());
            return false;
        }
        try {
            pbx.deleteSettings(FAMILY, id);
        } catch (Pbx.PbxException e) {
            log.warn("kept alarm {} taken, not deleted (read again, stored once): {}", id, e.getMessage());
        }
        return true;
    }
}
