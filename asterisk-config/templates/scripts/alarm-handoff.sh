#!/bin/sh
# OneKey (issue 24): AlarmReceiver's eventcmd. Runs after an alarm panel's call on the alarm line, with the
# call's Contact ID events in @@RUNDIR@@/spool/alarms/event-XXXXXX files.
#  - Each file goes to OneKey (POST /api/alarms/contact-id, X-OneKey-Signature: sha256=<HMAC of the file>
#    with platform "asterisk"'s key); taken (HTTP 2xx within 3 s): moved to done/.
#  - Not taken (OneKey down, frozen, refusing): if it holds an event that is neither a restore (qualifier 3)
#    nor a test report (60x), Asterisk queues the alarm as an SOS call at once ([onekey-alarm-sos], fail
#    open); the file stays, renamed *.queued, and is handed to OneKey by the next run, so nothing is lost.
set -u
SPOOL="@@RUNDIR@@/spool/alarms"
URL="@@API_URL@@/api/alarms/contact-id"
KEY="@@ALARM_KEY@@"
CAFILE="@@API_CAFILE@@"   # an https API's private CA (the demo's self-signed certificate); empty: the system's
ASTCONF="@@RUNDIR@@/etc/asterisk/asterisk.conf"
mkdir -p "$SPOOL/done"
for f in "$SPOOL"/event-*; do
    [ -f "$f" ] || continue
    name=$(basename "$f" .queued)
    if [ -n "$KEY" ]; then
        sig="sha256=$(openssl dgst -sha256 -hmac "$KEY" -r < "$f" | cut -d' ' -f1)"
        if curl -fsS --max-time 3 ${CAFILE:+--cacert "$CAFILE"} -o /dev/null -H "Content-Type: text/plain" -H "X-OneKey-Signature: $sig" \
                -H "X-OneKey-Event-File: $name" --data-binary @"$f" "$URL" 2>/dev/null; then
            mv -f "$f" "$SPOOL/done/$name"
            continue
        fi
    fi
    case "$f" in *.queued) continue ;; esac
    urgent=$(sed -n '/^\[events\]/,$p;/^event=/p' "$f" | grep -E '^(event=)?[0-9A-F]{4}(18|98)1' | grep -vE '^(event=)?[0-9A-F]{4}(18|98)160' | head -1)
    if [ -n "$urgent" ]; then
        from=$(sed -n 's/^CALLINGFROM=//p' "$f" | tr -cd '0-9')
        asterisk -C "$ASTCONF" -rx "channel originate Local/${from:-1234905}@onekey-alarm-sos extension s@onekey-alarm-announce" >/dev/null 2>&1
        logger -t onekey-alarm "OneKey did not take $name: queued as SOS (fail open)" 2>/dev/null || true
    fi
    mv -f "$f" "$f.queued"
done
