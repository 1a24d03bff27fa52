#!/bin/sh
# OneKey (issue 24): the hand-over of a SCAIP-style MESSAGE alarm when Kamailio, not Asterisk, receives it
# (kamailio.sh ONEKEY_KAM_ALARM_SCRIPT). Asterisk 16 answers a MESSAGE 202 as soon as it is queued to the dialplan,
# before anyone has the alarm; Kamailio runs this script (exec_msg: the whole SIP message on stdin, its headers as
# SIP_HF_* variables) and answers the device 200 only when it exits 0:
#  - OneKey took the alarm: POST /api/alarms/scaip (HMAC-signed with platform "asterisk"'s key, HTTPS verified with
#    curl --cacert), and the answer carries OneKey's "ack" (SHA-1 of key, "taken" and the body); or
#  - OneKey did not (down, frozen, refusing, 2 s): the alarm is queued here as an SOS call ([onekey-alarm-sos], fail
#    open), as the [onekey-message] context does, and kept: alarm-handoff.sh --message hands it to OneKey once it
#    answers again (the [onekey-message] context cannot: the dialplan runs no shell, modules.conf).
# Exit 1 (this Asterisk unreachable too): Kamailio relays the MESSAGE to a live node, whose dialplan does the same.
set -u
URL="@@API_URL@@/api/alarms/scaip"
KEY="@@ALARM_KEY@@"
CAFILE="@@API_CAFILE@@"
ASTCONF="@@RUNDIR@@/etc/asterisk/asterisk.conf"
# the body: everything after the first empty line of the message
body=$(sed '1,/^\r\{0,1\}$/d')
b64=$(printf '%s' "$body" | base64 -w0)
# the device: the user part of From (letters, digits, . _ -), as the dialplan takes it
device=$(printf '%s' "${SIP_HF_FROM:-}" | sed -n 's/.*sips\{0,1\}:\([^@;>]*\)@.*/\1/p' | tr -cd '0-9a-zA-Z._-')
if [ -n "$KEY" ]; then
    sig="sha256=$(printf '%s' "$b64" | openssl dgst -sha256 -hmac "$KEY" -r | cut -d' ' -f1)"
    ack=$(printf '%staken%s' "$KEY" "$b64" | openssl dgst -sha1 -r | cut -d' ' -f1)
    answer=$(curl -sS --max-time 2 ${CAFILE:+--cacert "$CAFILE"} -H "Content-Type: text/plain" \
        -H "X-OneKey-Signature: $sig" -H "X-OneKey-From: sip:${device}@device" -H "X-OneKey-Body: base64" \
        --data-binary "$b64" "$URL" 2>/dev/null)
    case "$answer" in
        *"\"ack\":\"$ack\""*) exit 0 ;;
    esac
fi
logger -t onekey-alarm "OneKey did not take the MESSAGE alarm of ${device:-?}: queued as SOS (fail open)" 2>/dev/null || true
asterisk -C "$ASTCONF" -rx "channel originate Local/${device:-1234905}@onekey-alarm-sos extension s@onekey-alarm-announce" \
    >/dev/null 2>&1 || exit 1
asterisk -C "$ASTCONF" -rx "database put onekey-alarm front-failopen $(date +%s)" >/dev/null 2>&1 || true
# kept and handed to OneKey once it answers again (alarm-handoff.sh's retrier), with when it was queued as SOS
"@@RUNDIR@@/agi-bin/alarm-handoff.sh" --message "$device" "$b64" >/dev/null 2>&1 || true
exit 0
