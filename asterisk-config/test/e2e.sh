#!/usr/bin/env bash
# End-to-end smoke test of the OneKey Asterisk config with sipp (no OneKey server needed:
# nothing listens on the AGI port, so inbound calls take the fail-open branch).
#
#   test/e2e.sh [BASE_PORT] [DIALLED]     e.g. test/e2e.sh 15000 1234901
#                                               test/e2e.sh 25000 99991234901   (static path)
# Ports used: SIP BASE+60, AMI BASE+38, AGI BASE+73 (unused), RTP BASE+5000..BASE+5999,
# sipp: agent register BASE+100, agent UAS BASE+101, caller BASE+200, media BASE+300/BASE+400.
# Exit 0 when the agent answered, both sipp sides report 1 successful call and the recording
# exists, lasts about the connected time and is not silent.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BASE="${1:-15000}"
DIALLED="${2:-1234901}"
HOLD_MS="${HOLD_MS:-6000}"
KEEP="${KEEP:-0}"

export ONEKEY_SIP_PORT=$((BASE + 60)) ONEKEY_AMI_PORT=$((BASE + 38)) ONEKEY_AGI_PORT=$((BASE + 73))
export ONEKEY_RTP_START=$((BASE + 5000)) ONEKEY_RTP_END=$((BASE + 5999))
# asterisk.sh renders nothing without an AMI secret (no shared default): a random one for this run
export ONEKEY_AMI_SECRET="${ONEKEY_AMI_SECRET:-$(od -An -N18 -tx1 /dev/urandom | tr -d ' \n')}"
RUNDIR="$(mktemp -d /tmp/oke2e.XXXXXX)"
WORK="$RUNDIR/sipp"; mkdir -p "$WORK"
AUDIO="${ONEKEY_TEST_AUDIO:-/tmp/onekey-test-audio/hello.ul}"
"$HERE/sipp/make-audio.sh" "$AUDIO"
AGENT_AUDIO="${ONEKEY_TEST_AGENT_AUDIO:-$AUDIO}"

AST_PID="" UAS_PID=""
cleanup() {
    set +e
    [ -n "$UAS_PID" ] && kill "$UAS_PID" 2>/dev/null
    [ -n "$AST_PID" ] && "$HERE/asterisk.sh" stop "$RUNDIR" >/dev/null 2>&1
    [ "$KEEP" = 1 ] || rm -rf "$RUNDIR"
}
trap cleanup EXIT

now_ms() { date +%s%3N; }
poll() {  # poll SECONDS CMD...: run CMD until it succeeds or the deadline passes
    local deadline=$(( $(now_ms) + $1 * 1000 )); shift
    until "$@" >/dev/null 2>&1; do
        [ "$(now_ms)" -lt "$deadline" ] || return 1
        sleep 0.05
    done
}
cli() { "$HERE/asterisk.sh" cli "$RUNDIR" "$1"; }
fail() { echo "FAIL: $*" >&2; tail -20 "$RUNDIR/log/messages" >&2 || true; exit 1; }

t0=$(now_ms)
setsid "$HERE/asterisk.sh" start "$RUNDIR" > "$RUNDIR/asterisk.out" 2>&1 < /dev/null &
AST_PID=$!
"$HERE/asterisk.sh" wait-ready "$RUNDIR" 30 || fail "asterisk not ready"
echo "asterisk ready in $(( $(now_ms) - t0 )) ms (pid $AST_PID, $RUNDIR)"

cat > "$RUNDIR/etc/asterisk/pjsip.agents.conf" <<'EOF'
[1001](onekey-agent-endpoint)
auth=1001-auth
aors=1001
callerid="Agent 1001" <1001>
[1001-auth](onekey-agent-auth)
username=1001
password=secret
[1001](onekey-agent-aor)
EOF
cli "module reload res_pjsip.so" >/dev/null
endpoint_known() { cli "pjsip show endpoint 1001" | grep -q "Endpoint:  1001"; }
poll 10 endpoint_known || fail "endpoint 1001 not loaded"

cd "$WORK"
sipp -sf "$HERE/sipp/agent-uas.xml" -i 127.0.0.1 -p $((BASE + 101)) -mp $((BASE + 300)) \
     -d 1000 -key audio "$AGENT_AUDIO,-1,0" -m 1 -nostdin -trace_stat -trace_err \
     > uas.out 2>&1 < /dev/null &
UAS_PID=$!

sipp 127.0.0.1:$ONEKEY_SIP_PORT -sf "$HERE/sipp/agent-register.xml" -i 127.0.0.1 -p $((BASE + 100)) \
     -s 1001 -au 1001 -ap secret -key uas_port $((BASE + 101)) -m 1 -timeout 10s -nostdin \
     > register.out 2>&1 < /dev/null || fail "register failed"
contact_up() { cli "pjsip show contacts" | grep -q "1001/sip:1001@127.0.0.1:$((BASE + 101))"; }
poll 5 contact_up || fail "no contact for 1001"
cli "queue add member PJSIP/1001 to onekey"
member_free() { cli "queue show onekey" | grep -q "PJSIP/1001.*Not in use"; }
poll 5 member_free || fail "member PJSIP/1001 not 'Not in use'"

tc=$(now_ms)
sipp 127.0.0.1:$ONEKEY_SIP_PORT -sf "$HERE/sipp/caller.xml" -i 127.0.0.1 -p $((BASE + 200)) \
     -mp $((BASE + 400)) -s "$DIALLED" -key caller 02155550001 -key audio "$AUDIO,-1,0" \
     -d "$HOLD_MS" -m 1 -timeout 60s -nostdin -trace_stat -trace_err \
     > caller.out 2>&1 < /dev/null
caller_rc=$?
echo "caller sipp exit $caller_rc after $(( $(now_ms) - tc )) ms"
uas_rc=0; wait "$UAS_PID" || uas_rc=$?; UAS_PID=""
echo "agent UAS sipp exit $uas_rc"
[ "$caller_rc" = 0 ] && [ "$uas_rc" = 0 ] || fail "sipp exit codes caller=$caller_rc uas=$uas_rc"

rec_done() { [ -n "$(find "$RUNDIR/recordings" -name '*.wav' -size +1k)" ] && [ -z "$(cli 'core show channels concise')" ]; }
poll 10 rec_done || fail "no recording / channels left"
REC="$(find "$RUNDIR/recordings" -name '*.wav' | head -1)"
echo "recording: ${REC#$RUNDIR/}"
dur=$(soxi -D "$REC"); rms=$(sox "$REC" -n stat 2>&1 | awk '/RMS +amplitude/ {print $3}')
echo "duration ${dur}s, RMS amplitude $rms, format: $(soxi "$REC" | awk -F': ' '/Sample Rate|Channels|Sample Encoding/ {printf "%s ", $2}')"
awk -v r="$rms" 'BEGIN { exit !(r > 0.01) }' || fail "recording is silent"
awk -v d="$dur" -v h="$HOLD_MS" 'BEGIN { exit !(d > h/1000 - 1 && d < h/1000 + 4) }' || fail "duration off"
grep -q "fail-open\|OneKey static" "$RUNDIR/log/messages" 2>/dev/null || true
echo "PASS"
