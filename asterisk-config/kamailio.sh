#!/usr/bin/env bash
# OneKey's Kamailio front (issue 25): a private Kamailio in front of N Asterisk nodes.
#
#   kamailio.sh render RUNDIR    render kamailio/kamailio.cfg and the dispatcher list into RUNDIR
#   kamailio.sh check  RUNDIR    render, then let kamailio check the configuration (-c)
#   kamailio.sh start  RUNDIR    render, then exec kamailio in the foreground
#
# Settings from the environment (defaults in brackets):
#   ONEKEY_KAM_BIND [127.0.0.1] ONEKEY_KAM_PORT [5060]   where the trunk and the agents' phones send SIP
#   ONEKEY_KAM_NODES (required): the Asterisk nodes' SIP addresses, comma list "127.0.0.2:5060,127.0.0.3:5060";
#     the first has the highest priority (the active node with ONEKEY_KAM_ALGORITHM=8)
#   ONEKEY_KAM_ALGORITHM [4]  dispatcher algorithm: 4 round-robin (N nodes sharing the load), 8 by priority
#     (active/standby)
#   ONEKEY_KAM_PING_INTERVAL [2]  seconds between OPTIONS probes of each node
#   ONEKEY_KAM_FR_TIMER [1500]    ms a node has to answer an INVITE (100 Trying) before the call goes to the next
#   ONEKEY_KAM_CHILDREN [2] ONEKEY_KAM_DEBUG [2] ONEKEY_KAM_MODULES [/usr/lib/x86_64-linux-gnu/kamailio/modules]
#   ONEKEY_KAM_BIN [kamailio]
#   ONEKEY_KAM_ALARM_SCRIPT []: an Asterisk instance's RUNDIR/agi-bin/alarm-message.sh (issue 24): alarm MESSAGEs to
#     alarm@ are then answered here, 200 only once OneKey or the fail-open path has the alarm (not Asterisk's early 202)
# The agents' credentials are in RUNDIR/db/subscriber (db_text), which OneKey writes (nodes.subscribers); Kamailio
# re-reads it when it changes. Each Asterisk node renders with ONEKEY_SYSTEM_NAME=<node> and its agents' AORs point
# at this front (OneKey writes them: nodes.proxy).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
KAM="${ONEKEY_KAM_BIN:-kamailio}"

die() { echo "kamailio.sh: $*" >&2; exit 2; }
usage() { sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d' | sed 's/^# \{0,1\}//' >&2; exit 2; }
sed_escape() { printf '%s' "$1" | sed -e 's/[\/&|]/\\&/g'; }

rundir_arg() {
    [ -n "${1:-}" ] || usage
    case "$1" in /*) ;; *) die "RUNDIR must be absolute: $1" ;; esac
    RUNDIR="${1%/}"
    CFG="$RUNDIR/kamailio.cfg"
}

render() {
    local nodes="${ONEKEY_KAM_NODES:-}" alg="${ONEKEY_KAM_ALGORITHM:-4}" modules="${ONEKEY_KAM_MODULES:-}"
    [ -n "$nodes" ] || die "ONEKEY_KAM_NODES is not set (the Asterisk nodes' SIP addresses, e.g. 127.0.0.2:5060,127.0.0.3:5060)"
    case "$alg" in 4|8|0|1|2|9|10|11) ;; *) die "ONEKEY_KAM_ALGORITHM must be a dispatcher algorithm (4 round-robin, 8 by priority), not '$alg'" ;; esac
    if [ -z "$modules" ]; then
        for modules in /usr/lib/x86_64-linux-gnu/kamailio/modules /usr/lib/kamailio/modules /usr/local/lib64/kamailio/modules; do
            [ -e "$modules/dispatcher.so" ] && break
        done
    fi
    [ -e "$modules/dispatcher.so" ] || die "kamailio modules not found in $modules (install Debian's kamailio, or set ONEKEY_KAM_MODULES)"
    mkdir -p "$RUNDIR"/{run,db}
    local alarm="${ONEKEY_KAM_ALARM_SCRIPT:-}" alarm_define="# no alarm MESSAGE hand-over here (ONEKEY_KAM_ALARM_SCRIPT)"
    if [ -n "$alarm" ]; then
        [ -x "$alarm" ] || die "ONEKEY_KAM_ALARM_SCRIPT is not an executable file: $alarm"
        [[ "$alarm" =~ ^/[A-Za-z0-9/._-]+$ ]] || die "ONEKEY_KAM_ALARM_SCRIPT must be an absolute path of letters, digits and / . _ -"
        alarm_define="#!define WITH_ALARM_SCRIPT"
    fi
    local -a vars=(
        "RUNDIR=$RUNDIR"
        "DBDIR=$RUNDIR/db"
        "BIND=${ONEKEY_KAM_BIND:-127.0.0.1}"
        "PORT=${ONEKEY_KAM_PORT:-5060}"
        "ALGORITHM=$alg"
        "PING_INTERVAL=${ONEKEY_KAM_PING_INTERVAL:-2}"
        "FR_TIMER=${ONEKEY_KAM_FR_TIMER:-1500}"
        "CHILDREN=${ONEKEY_KAM_CHILDREN:-2}"
        "DEBUG=${ONEKEY_KAM_DEBUG:-2}"
        "MODULES=$modules"
        "ALARM_DEFINE=$alarm_define"
        "ALARM_SCRIPT=${alarm:-none}"
    )
    local -a sedargs=()
    local kv
    for kv in "${vars[@]}"; do
        sedargs+=(-e "s|@@${kv%%=*}@@|$(sed_escape "${kv#*=}")|g")
    done
    sed "${sedargs[@]}" "$HERE/kamailio/kamailio.cfg" > "$CFG.tmp.$$"
    if grep -q '@@[A-Z_]*@@' "$CFG.tmp.$$"; then
        rm -f "$CFG.tmp.$$"
        die "unrendered placeholder in kamailio/kamailio.cfg"
    fi
    mv -f "$CFG.tmp.$$" "$CFG"
    # dispatcher list: set 1, "setid destination flags priority"; the first node has the highest priority
    local prio=100 n out="$RUNDIR/dispatcher.list.tmp.$$"
    echo "# OneKey's Asterisk nodes, rendered by kamailio.sh from ONEKEY_KAM_NODES" > "$out"
    IFS=',' read -r -a list <<< "$nodes"
    for n in "${list[@]}"; do
        n="${n// /}"
        [[ "$n" =~ ^[A-Za-z0-9.-]+:[0-9]+$ ]] || die "ONEKEY_KAM_NODES entry '$n' is not host:port"
        echo "1 sip:$n 0 $prio" >> "$out"
        prio=$((prio - 1))
    done
    mv -f "$out" "$RUNDIR/dispatcher.list"
    # db_text tables: the version table always; the subscriber table only until OneKey writes its own
    cp "$HERE/kamailio/db/version" "$RUNDIR/db/version"
    [ -e "$RUNDIR/db/subscriber" ] || cp "$HERE/kamailio/db/subscriber" "$RUNDIR/db/subscriber"
}

run_args() { echo -f "$CFG" -Y "$RUNDIR/run" -w "$RUNDIR" -m "${ONEKEY_KAM_SHM_MB:-64}" -M "${ONEKEY_KAM_PKG_MB:-8}"; }

cmd="${1:-}"; shift || true
case "$cmd" in
    render) rundir_arg "${1:-}"; render ;;
    check)  rundir_arg "${1:-}"; render; "$KAM" -c $(run_args) ;;
    start)  rundir_arg "${1:-}"; render
            # -DD: foreground, children forked; -E: log to stderr
            exec "$KAM" -DD -E $(run_args) < /dev/null ;;
    *)      usage ;;
esac
