#!/bin/sh
# OneKey (issue 24): AlarmReceiver's eventcmd. Runs after an alarm panel's call on the alarm line, with the
# call's Contact ID events in @@RUNDIR@@/spool/alarms/event-XXXXXX files.
#  - Each file goes to OneKey (POST /api/alarms/contact-id, X-OneKey-Signature: sha256=<HMAC of the file>
#    with platform "asterisk"'s key); taken (HTTP 2xx within 3 s): moved to done/.
#  - Not taken (OneKey down, frozen, refusing): if it holds an event that is neither a restore (qualifier 3)
#    nor a test report (60x), Asterisk queues the alarm as an SOS call at once ([onekey-alarm-sos], fail
#    open); the file stays, renamed *.queued (its first line after the rename: when it was queued as SOS).
#  - A file left *.queued is handed over again by a retrier of its own (this script with --retry, detached, one at a
#    time: its pid in .retrier.pid) after 2, 4, 8 s, then every 10 s for ten minutes and every 60 s for the rest of
#    an hour (each try waits up to 10 s for OneKey's answer: a server just thawed may be catching up), and by every
#    later run: OneKey gets the alarm (and its incident) once it answers again, a test report included, not only at
#    the next alarm. OneKey takes a file once (its name is the alarm's id), so a file handed over twice is stored
#    once. The retrier logs each round to .retrier.log (the last 200 lines kept) and stops when the spool is gone or
#    this Asterisk has not answered three rounds running. A run that finds the retrier alive leaves its file to it:
#    the retrier, before it stops, looks once more for files queued while it was finishing.
#  - A SCAIP MESSAGE alarm queued as SOS because OneKey did not take it (the [onekey-message] context, or the
#    Kamailio front's alarm-message.sh) is kept the same way: `alarm-handoff.sh --message DEVICE BASE64-BODY` writes
#    it to message-*.queued (device, when it was queued as SOS, the body) and starts the retrier, which posts it to
#    /api/alarms/scaip (HMAC-signed; OneKey takes a device's alarm ref once).
set -u
SPOOL="@@RUNDIR@@/spool/alarms"
URL="@@API_URL@@/api/alarms/contact-id"
KEY="@@ALARM_KEY@@"
CAFILE="@@API_CAFILE@@"   # an https API's private CA (the demo's self-signed certificate); empty: the system's
ASTCONF="@@RUNDIR@@/etc/asterisk/asterisk.conf"
PATH="$PATH:/usr/sbin:/usr/bin:/sbin:/bin"   # Kamailio's and Asterisk's children may have a short PATH
MAXT=3   # seconds OneKey has to take a file on the alarm's own run (then it is queued as SOS); the retrier: 10
mkdir -p "$SPOOL/done"

# start the retrier unless one runs
start_retrier() {
    pid=$(cat "$SPOOL/.retrier.pid" 2>/dev/null || true)
    if [ -z "$pid" ] || ! kill -0 "$pid" 2>/dev/null; then
        setsid "$0" --retry </dev/null >/dev/null 2>&1 &
    fi
}

queued_left() {
    for f in "$SPOOL"/event-*.queued "$SPOOL"/message-*.queued; do
        [ -f "$f" ] && return 0
    done
    return 1
}

retrier_log() {
    echo "$(date -u +%H:%M:%S) $$ $*" >> "$SPOOL/.retrier.log"
}

# hand one kept MESSAGE alarm to OneKey; 0 when it took it (the file is then in done/)
handover_message() {
    f=$1
    [ -n "$KEY" ] || return 1
    device=$(sed -n 1p "$f")
    queued=$(sed -n 2p "$f")
    b64=$(sed -n 3p "$f")
    sig="sha256=$(printf '%s' "$b64" | openssl dgst -sha256 -hmac "$KEY" -r | cut -d' ' -f1)"
    if curl -fsS --max-time "$MAXT" ${CAFILE:+--cacert "$CAFILE"} -o /dev/null -H "Content-Type: text/plain" \
            -H "X-OneKey-Signature: $sig" -H "X-OneKey-From: sip:${device}@device" -H "X-OneKey-Body: base64" \
            ${queued:+-H "X-OneKey-Queued-As-Sos: $queued"} --data-binary "$b64" "${URL%/contact-id}/scaip" 2>/dev/null; then
        mv -f "$f" "$SPOOL/done/$(basename "$f" .queued)" 2>/dev/null
        return 0
    fi
    return 1
}

if [ "${1:-}" = "--message" ]; then
    device=$(printf '%s' "${2:-}" | tr -cd '0-9a-zA-Z._-')
    b64=$(printf '%s' "${3:-}" | tr -cd 'A-Za-z0-9+/=')
    [ -n "$b64" ] || exit 0
    tmp=$(mktemp "$SPOOL/.message-XXXXXX") || exit 0
    printf '%s\n%s\n%s\n' "$device" "$(date +%s)" "$b64" > "$tmp"
    mv -f "$tmp" "$SPOOL/message-$(date +%s)-$(basename "$tmp" | cut -d- -f2).queued"
    start_retrier
    exit 0
fi

# hand one file to OneKey; 0 when it took it (the file is then in done/)
handover() {
    f=$1
    name=$(basename "$f" .queued)
    [ -n "$KEY" ] || return 1
    failedopen=""
    [ -f "$SPOOL/sos-$name" ] && failedopen=$(cat "$SPOOL/sos-$name" 2>/dev/null)
    sig="sha256=$(openssl dgst -sha256 -hmac "$KEY" -r < "$f" | cut -d' ' -f1)"
    if curl -fsS --max-time "$MAXT" ${CAFILE:+--cacert "$CAFILE"} -o /dev/null -H "Content-Type: text/plain" \
            -H "X-OneKey-Signature: $sig" -H "X-OneKey-Event-File: $name" \
            ${failedopen:+-H "X-OneKey-Queued-As-Sos: $failedopen"} --data-binary @"$f" "$URL" 2>/dev/null; then
        mv -f "$f" "$SPOOL/done/$name" 2>/dev/null
        rm -f "$SPOOL/sos-$name"
        return 0
    fi
    return 1
}

if [ "${1:-}" = "--retry" ]; then
    echo $$ > "$SPOOL/.retrier.pid"
    MAXT=10
    if [ -f "$SPOOL/.retrier.log" ] && [ "$(wc -l < "$SPOOL/.retrier.log")" -gt 400 ]; then
        tail -n 200 "$SPOOL/.retrier.log" > "$SPOOL/.retrier.log.new" && mv -f "$SPOOL/.retrier.log.new" "$SPOOL/.retrier.log"
    fi
    retrier_log "started"
    waited=0
    down=0
    left=0
    for pause in 2 4 8 $(seq 1 60 | sed 's/.*/10/') $(seq 1 50 | sed 's/.*/60/'); do
        sleep "$pause"
        waited=$((waited + pause))
        [ -d "$SPOOL" ] || exit 0
        if asterisk -C "$ASTCONF" -rx "core show uptime" >/dev/null 2>&1; then
            down=0
        else
            down=$((down + 1))
            retrier_log "after ${waited}s: Asterisk did not answer ($down)"
            if [ "$down" -ge 3 ]; then
                rm -f "$SPOOL/.retrier.pid"
                exit 0
            fi
        fi
        left=0
        taken=0
        for f in "$SPOOL"/event-*.queued; do
            [ -f "$f" ] || continue
            if handover "$f"; then taken=$((taken + 1)); else left=$((left + 1)); fi
        done
        for f in "$SPOOL"/message-*.queued; do
            [ -f "$f" ] || continue
            if handover_message "$f"; then taken=$((taken + 1)); else left=$((left + 1)); fi
        done
        retrier_log "after ${waited}s: taken $taken, left $left"
        if [ "$left" -eq 0 ]; then
            rm -f "$SPOOL/.retrier.pid"
            # a run that queued a file while this round ran saw this retrier alive and left the file to it: its file
            # was renamed before it looked, so it is seen here, after the pid file is gone
            if queued_left; then
                echo $$ > "$SPOOL/.retrier.pid"
                retrier_log "a file queued meanwhile: going on"
                continue
            fi
            retrier_log "done"
            exit 0
        fi
    done
    retrier_log "gave up after ${waited}s with $left left"
    logger -t onekey-alarm "OneKey has not taken $left alarm event file(s) in $waited s: kept, handed over by the next alarm's run" 2>/dev/null || true
    rm -f "$SPOOL/.retrier.pid"
    exit 0
fi

left=0
for f in "$SPOOL"/event-*; do
    [ -f "$f" ] || continue
    handover "$f" && continue
    left=1
    case "$f" in *.queued) continue ;; esac
    name=$(basename "$f")
    urgent=$(sed -n '/^\[events\]/,$p;/^event=/p' "$f" | grep -E '^(event=)?[0-9A-F]{4}(18|98)1' | grep -vE '^(event=)?[0-9A-F]{4}(18|98)160' | head -1)
    if [ -n "$urgent" ]; then
        from=$(sed -n 's/^CALLINGFROM=//p' "$f" | tr -cd '0-9')
        asterisk -C "$ASTCONF" -rx "channel originate Local/${from:-1234905}@onekey-alarm-sos extension s@onekey-alarm-announce" >/dev/null 2>&1
        date +%s > "$SPOOL/sos-$name"
        logger -t onekey-alarm "OneKey did not take $name: queued as SOS (fail open)" 2>/dev/null || true
    fi
    mv -f "$f" "$f.queued"
done
if [ "$left" -eq 1 ]; then
    start_retrier
fi
exit 0
