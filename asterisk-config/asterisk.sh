#!/usr/bin/env bash
# OneKey private Asterisk instance runner.
#
#   asterisk.sh render     RUNDIR            render templates into RUNDIR/etc/asterisk
#   asterisk.sh start      RUNDIR            render, then exec asterisk in the foreground
#   asterisk.sh wait-ready RUNDIR [SECONDS]  poll until fully booted (default 30 s)
#   asterisk.sh cli        RUNDIR "command"  run one CLI command (asterisk -rx)
#   asterisk.sh stop       RUNDIR [SECONDS]  "core stop now", wait for the process to end
#
# RUNDIR must be absolute and short (the control socket RUNDIR/run/asterisk.ctl must fit in
# 107 bytes). Settings come from the environment (defaults in brackets):
#   ONEKEY_SIP_PORT [5060] ONEKEY_AMI_PORT [5038] ONEKEY_AMI_USER [onekey]
#   ONEKEY_AMI_SECRET (required, no default: ./onekey generates one per install)
#   ONEKEY_AMI_BIND [127.0.0.1] ONEKEY_AMI_PERMIT [127.0.0.1/255.255.255.255] (who may log in)
#   ONEKEY_AGI_HOST [127.0.0.1] ONEKEY_AGI_PORT [4573]
#   ONEKEY_RTP_START [10000] ONEKEY_RTP_END [10999] ONEKEY_TRUNK_MATCH [127.0.0.1]
#   ONEKEY_BIND [127.0.0.1] ONEKEY_TRUNK_HOST [127.0.0.1] ONEKEY_TRUNK_PORT [5080]
#   ONEKEY_ESCALATION_NUMBER [] ONEKEY_ESCALATION_SOSWAITSECONDS [30]
#   ONEKEY_ESCALATION_OTHERWAITSECONDS [180] ONEKEY_ESCALATION_RINGSECONDS [30]
#   ONEKEY_ASTERISK_BIN [asterisk]
#   ONEKEY_SYSTEM_NAME [] this node's name when several Asterisk nodes sit behind Kamailio (issue 25): Asterisk's
#     systemname, so its uniqueids and linkedids start with it and calls are unique across nodes (e.g. n1)
#   ONEKEY_RECORDINGS_DIR [RUNDIR/recordings] where MixMonitor writes (nodes of one centre may share one folder)
#   ONEKEY_API_URL [http://127.0.0.1:8080] ONEKEY_ALARM_KEY []: where alarms go (issue 24) and the key of the
#   device platform "asterisk" in OneKey's devices.platformKeys (empty: alarms are always queued as SOS)
#   ONEKEY_API_CAFILE []: the PEM certificate(s) to trust for an https ONEKEY_API_URL with a private or self-signed
#     certificate (the demo's). alarm-handoff.sh verifies with it (curl --cacert). The MESSAGE hand-over's CURL()
#     cannot be given a CA in Asterisk 16 (func_curl has only ssl_verifypeer): it skips the certificate check for a
#     loopback URL only, where OneKey's answer is proven instead by a keyed hash of the alarm ("ack"), and the alarm
#     itself is signed; for any other host the check stays on (use a publicly trusted certificate there)
#   ONEKEY_ASTERISK_SHELL [no]  yes: load app_system/func_shell/app_externalivr (shell from the dialplan)
#   ONEKEY_ALLOW_WILDCARD_BIND [no]  yes: allow ONEKEY_BIND / ONEKEY_AMI_BIND = 0.0.0.0 or ::
#   ONEKEY_SIP_TLS_CERT [] ONEKEY_SIP_TLS_KEY [] ONEKEY_SIP_TLS_PORT [5061]: with cert and key (PEM),
#     agents use SIP over TLS with SRTP (templates/optional/pjsip.tls.conf)
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
TEMPLATES="$HERE/templates"
AST="${ONEKEY_ASTERISK_BIN:-asterisk}"

die() { echo "asterisk.sh: $*" >&2; exit 2; }

usage() {
    sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d' | sed 's/^# \{0,1\}//' >&2
    exit 2
}

rundir_arg() {
    [ -n "${1:-}" ] || usage
    case "$1" in /*) ;; *) die "RUNDIR must be absolute: $1" ;; esac
    RUNDIR="${1%/}"
    CONF="$RUNDIR/etc/asterisk/asterisk.conf"
}

# sed_escaped VAR VALUE: VALUE with \ / & | escaped for sed's s|…|…|, put in VAR. No process (renders run often,
# in tests under load) and no ${v//…} (whose & means the match in bash ≥ 5.2).
sed_escaped() {
    local _v="$2" _out="" _c _i
    for ((_i = 0; _i < ${#_v}; _i++)); do
        _c="${_v:_i:1}"
        case "$_c" in '\'|/|'&'|'|') _out+="\\$_c" ;; *) _out+="$_c" ;; esac
    done
    printf -v "$1" '%s' "$_out"
}

render() {
    local sock="$RUNDIR/run/asterisk.ctl"
    [ "${#sock}" -le 107 ] || die "RUNDIR too long for the control socket: $sock"
    # No shared default secret: whoever knows a default could drive this Asterisk over AMI.
    [ -n "${ONEKEY_AMI_SECRET:-}" ] || die "ONEKEY_AMI_SECRET is not set. Each install has its own AMI secret:
  ./onekey demo generates one (run/secrets.env); elsewhere set it, e.g. ONEKEY_AMI_SECRET=\$(openssl rand -hex 24)"
    [[ "$ONEKEY_AMI_SECRET" =~ ^[A-Za-z0-9._~+=-]+$ ]] ||
        die "ONEKEY_AMI_SECRET may hold only letters, digits and . _ ~ + = - (it is written into manager.conf)"
    [ "${#ONEKEY_AMI_SECRET}" -ge 12 ] || die "ONEKEY_AMI_SECRET is too short (${#ONEKEY_AMI_SECRET} characters, at least 12)"
    local ami_bind="${ONEKEY_AMI_BIND:-127.0.0.1}" shell_modules=noload b
    for b in "${ONEKEY_BIND:-127.0.0.1}" "$ami_bind"; do
        case "$b" in
            0.0.0.0|::|"[::]"|"")
                case "${ONEKEY_ALLOW_WILDCARD_BIND:-no}" in
                    yes|1|true) ;;
                    *) die "refusing to listen on every address ('$b'): set ONEKEY_BIND / ONEKEY_AMI_BIND to loopback or
  one given address (or ONEKEY_ALLOW_WILDCARD_BIND=yes if you really mean it)" ;;
                esac ;;
        esac
    done
    case "${ONEKEY_ASTERISK_SHELL:-no}" in
        yes|1|true) shell_modules=load
                     echo "asterisk.sh: ONEKEY_ASTERISK_SHELL=yes: app_system, func_shell and app_externalivr are loaded" >&2 ;;
        no|0|false|"") ;;
        *) die "ONEKEY_ASTERISK_SHELL must be yes or no, not '$ONEKEY_ASTERISK_SHELL'" ;;
    esac
    [[ "${ONEKEY_ALARM_KEY:-}" =~ ^[A-Za-z0-9._~+=-]*$ ]] ||
        die "ONEKEY_ALARM_KEY may hold only letters, digits and . _ ~ + = - (it is written into the dialplan)"
    local api_url="${ONEKEY_API_URL:-http://127.0.0.1:8080}" api_verify=1
    if [ -n "${ONEKEY_API_CAFILE:-}" ]; then
        [ -r "$ONEKEY_API_CAFILE" ] || die "ONEKEY_API_CAFILE names no readable file: $ONEKEY_API_CAFILE"
        case "$api_url" in
            https://127.0.0.1:*|https://127.0.0.1/*|https://localhost:*|https://localhost/*|https://\[::1\]:*)
                api_verify=0 ;;
            https://*)
                echo "asterisk.sh: ONEKEY_API_CAFILE with $api_url: the MESSAGE alarm hand-over cannot use a private CA (Asterisk 16's CURL has no CA option), so MESSAGE alarms take the fail-open SOS path unless the certificate is publicly trusted" >&2 ;;
        esac
    fi
    mkdir -p "$RUNDIR"/spool/alarms
    mkdir -p "$RUNDIR"/{run,log,spool,lib,lib/keys,lib/cache,agi-bin,recordings,sounds/onekey,etc/asterisk}
    [[ "${ONEKEY_SYSTEM_NAME:-}" =~ ^[A-Za-z0-9_]*$ ]] || die "ONEKEY_SYSTEM_NAME may hold only letters, digits and _ (it prefixes every uniqueid)"
    [ -z "${ONEKEY_RECORDINGS_DIR:-}" ] || mkdir -p "$ONEKEY_RECORDINGS_DIR"

    local -a vars=(
        "RUNDIR=$RUNDIR"
        "SIP_PORT=${ONEKEY_SIP_PORT:-5060}"
        "AMI_PORT=${ONEKEY_AMI_PORT:-5038}"
        "AMI_USER=${ONEKEY_AMI_USER:-onekey}"
        "AMI_SECRET=$ONEKEY_AMI_SECRET"
        "AMI_BIND=$ami_bind"
        "AMI_PERMIT=${ONEKEY_AMI_PERMIT:-127.0.0.1/255.255.255.255}"
        "SHELL_MODULES=$shell_modules"
        "AGI_HOST=${ONEKEY_AGI_HOST:-127.0.0.1}"
        "AGI_PORT=${ONEKEY_AGI_PORT:-4573}"
        "RTP_START=${ONEKEY_RTP_START:-10000}"
        "RTP_END=${ONEKEY_RTP_END:-10999}"
        "TRUNK_MATCH=${ONEKEY_TRUNK_MATCH:-127.0.0.1}"
        "TRUNK_HOST=${ONEKEY_TRUNK_HOST:-127.0.0.1}"
        "TRUNK_PORT=${ONEKEY_TRUNK_PORT:-5080}"
        "BIND=${ONEKEY_BIND:-127.0.0.1}"
        "ESCALATION_NUMBER=${ONEKEY_ESCALATION_NUMBER:-}"
        "SOS_WAIT=${ONEKEY_ESCALATION_SOSWAITSECONDS:-30}"
        "OTHER_WAIT=${ONEKEY_ESCALATION_OTHERWAITSECONDS:-180}"
        "ESCALATION_RING=${ONEKEY_ESCALATION_RINGSECONDS:-30}"
        "MODDIR=$RUNDIR/modules"
        "DATADIR=$RUNDIR/data"
        "SYSTEM_NAME=${ONEKEY_SYSTEM_NAME:-}"
        "RECDIR=${ONEKEY_RECORDINGS_DIR:-$RUNDIR/recordings}"
        "API_URL=$api_url"
        "API_CAFILE=${ONEKEY_API_CAFILE:-}"
        "API_VERIFY=$api_verify"
        "ALARM_KEY=${ONEKEY_ALARM_KEY:-}"
    )
    local -a sedargs=()
    local kv val
    for kv in "${vars[@]}"; do
        sed_escaped val "${kv#*=}"
        sedargs+=(-e "s|@@${kv%%=*}@@|$val|g")
    done

    # Rendered in a scratch folder, with one cp, one sed, one grep, one mv for all files: every process costs
    # (under an IT suite's load a render of a process per file and link took tens of seconds); each file is
    # then renamed into place (a rename is atomic: Asterisk never reads half a file).
    local scratch="$RUNDIR/etc/.render.$$" t
    rm -rf "$scratch"
    mkdir -p "$scratch/conf" "$scratch/scripts"
    local -a scripts=()
    for t in "$TEMPLATES"/scripts/*.sh; do
        [ -e "$t" ] && scripts+=("$t")
    done
    cp "$TEMPLATES"/*.conf "$scratch/conf/"
    [ "${#scripts[@]}" -eq 0 ] || cp "${scripts[@]}" "$scratch/scripts/"
    sed -i "${sedargs[@]}" "$scratch"/conf/*.conf ${scripts[@]:+"$scratch"/scripts/*.sh}
    local bad
    if bad="$(grep -l '@@[A-Z_]*@@' "$scratch"/conf/*.conf ${scripts[@]:+"$scratch"/scripts/*.sh})"; then
        rm -rf "$scratch"
        die "unrendered placeholder in ${bad//$scratch\/conf\//$TEMPLATES/}"
    fi
    # manager.conf holds the AMI secret, the scripts (AlarmReceiver's eventcmd, issue 24) the alarm key
    chmod 600 "$scratch/conf/manager.conf"
    [ "${#scripts[@]}" -eq 0 ] || chmod 700 "$scratch"/scripts/*.sh
    mv -f "$scratch"/conf/*.conf "$RUNDIR/etc/asterisk/"
    [ "${#scripts[@]}" -eq 0 ] || mv -f "$scratch"/scripts/*.sh "$RUNDIR/agi-bin/"
    rm -rf "$scratch"
    moddir "${ONEKEY_ASTERISK_MODDIR:-/usr/lib/asterisk/modules}"
    render_sip_tls
    datadir "${ONEKEY_ASTERISK_DATADIR:-/usr/share/asterisk}"
    # OneKey owns this file (agent endpoints); create it empty once, never overwrite it.
    [ -e "$RUNDIR/etc/asterisk/pjsip.agents.conf" ] || : > "$RUNDIR/etc/asterisk/pjsip.agents.conf"
}

# Asterisk's module dir for this instance: links to the modules modules.conf loads, nothing else.
# "noload" only stops a module from loading at start; an AMI user with the "system" write class
# (OneKey's needs it for DBPut) could still ModuleLoad app_system.so if its file were there.
moddir() {  # moddir SOURCE
    local src="$1" d="$RUNDIR/modules" line re='^load *=> *([A-Za-z0-9_.-]*\.so)'
    local -a mods=()
    [ -d "$src" ] || die "Asterisk module dir $src missing (ONEKEY_ASTERISK_MODDIR)"
    while IFS= read -r line; do
        if [[ "$line" =~ $re ]]; then
            [ -e "$src/${BASH_REMATCH[1]}" ] || die "module ${BASH_REMATCH[1]} listed in modules.conf is not in $src"
            mods+=("$src/${BASH_REMATCH[1]}")
        fi
    done < "$RUNDIR/etc/asterisk/modules.conf"
    rm -rf "$d"
    mkdir -p "$d"
    [ "${#mods[@]}" -eq 0 ] || ln -s -t "$d" "${mods[@]}"
}

# pjsip.tls.conf (included by pjsip.conf): the TLS transport and SRTP for agents when ONEKEY_SIP_TLS_CERT
# and ONEKEY_SIP_TLS_KEY name readable PEM files, else only a comment (agents on UDP in clear).
render_sip_tls() {
    local out="$RUNDIR/etc/asterisk/pjsip.tls.conf" cert="${ONEKEY_SIP_TLS_CERT:-}" key="${ONEKEY_SIP_TLS_KEY:-}"
    if [ -z "$cert" ] && [ -z "$key" ]; then
        echo "; SIP over TLS is off: set ONEKEY_SIP_TLS_CERT and ONEKEY_SIP_TLS_KEY (docs/operations.md)" > "$out"
        return 0
    fi
    [ -r "$cert" ] && [ -r "$key" ] || die "ONEKEY_SIP_TLS_CERT and ONEKEY_SIP_TLS_KEY must both name readable PEM files (got '$cert', '$key')"
    local bind port cert_e key_e
    sed_escaped bind "${ONEKEY_BIND:-127.0.0.1}"; sed_escaped port "${ONEKEY_SIP_TLS_PORT:-5061}"
    sed_escaped cert_e "$cert"; sed_escaped key_e "$key"
    sed -e "s|@@BIND@@|$bind|g" -e "s|@@SIP_TLS_PORT@@|$port|g" -e "s|@@SIP_TLS_CERT@@|$cert_e|g" \
        -e "s|@@SIP_TLS_KEY@@|$key_e|g" "$TEMPLATES/optional/pjsip.tls.conf" > "$out.tmp.$$"
    mv -f "$out.tmp.$$" "$out"
}

# Asterisk's data dir for this instance: the packaged one linked in, plus Mandarin (zh) digits and the queue's
# hold music with its spoken line in Mandarin and English (wait_moh).
datadir() {  # datadir SOURCE
    local src="$1" d="$RUNDIR/data" e
    local -a top=() sounds=()
    [ -d "$src" ] || die "Asterisk data dir $src missing (ONEKEY_ASTERISK_DATADIR)"
    mkdir -p "$d/sounds"
    for e in "$src"/*; do
        [ "${e##*/}" = sounds ] || top+=("$e")
    done
    for e in "$src"/sounds/*; do
        [ "${e##*/}" = zh ] || sounds+=("$e")
    done
    [ "${#top[@]}" -eq 0 ] || ln -sfn -t "$d" "${top[@]}"
    [ "${#sounds[@]}" -eq 0 ] || ln -sfn -t "$d/sounds" "${sounds[@]}"
    zh_sounds "$d/sounds/zh"
    wait_moh "$d"
}

# The queue's hold music (musiconhold.conf classes onekey-wait, onekey-wait-en): a spoken line, then about 25 s
# of music, again and again, so that a waiting elder hears what is happening every half minute. It is hold music,
# not a queue announcement, on purpose: app_queue cannot ring a member for a caller while it plays that caller an
# announcement (a position announcement took 3.3 s), and hands members who become free meanwhile to callers behind
# it, SOS calls' included (issue 23's surge: SOS calls overtaken by later non-SOS calls). Hold music never holds a
# caller back. Spoken once with espeak-ng and cut with sox, cached across instances.
WAIT_ZH='请不要挂机，我们会尽快为您接通。'
WAIT_EN='Please stay on the line: you will be answered shortly.'

wait_moh() {  # wait_moh DATADIR
    local cache lang voice text tmp m n f name
    local -a packaged=()
    # a changed line is spoken again: the cache is named by the lines. Each language's folder holds the class's
    # files as links (class/), made once with the cache, so that an instance links one folder (2: with class/).
    cache="${ONEKEY_SOUND_CACHE:-${XDG_CACHE_HOME:-${HOME:-/tmp}/.cache}/onekey}/moh-wait-2-$(printf '%s|%s' "$WAIT_ZH" "$WAIT_EN" | md5sum | cut -c1-8)"
    for lang in zh en; do
        if [ ! -s "$cache/$lang/done" ] && command -v espeak-ng >/dev/null && command -v sox >/dev/null; then
            if [ "$lang" = zh ]; then voice=cmn; text="$WAIT_ZH"; else voice=en; text="$WAIT_EN"; fi
            tmp="$cache/$lang.tmp.$$"
            rm -rf "$tmp"
            mkdir -p "$tmp/music"
            espeak-ng -v "$voice" -s 165 -w "$tmp/say.raw.wav" "$text" 2>/dev/null &&
                sox -q "$tmp/say.raw.wav" -r 8000 -c 1 -b 16 "$tmp/say.wav" silence 1 0.02 0.5% reverse silence 1 0.02 0.5% reverse 2>/dev/null
            n=0
            for m in "${ONEKEY_ASTERISK_DATADIR:-/usr/share/asterisk}"/moh/*.gsm; do
                [ -e "$m" ] || continue
                n=$((n + 1))
                sox -q "$m" "$tmp/music/t$n-.gsm" trim 0 25 : newfile : restart 2>/dev/null
                [ "$n" -ge 2 ] && break
            done
            if [ -s "$tmp/say.wav" ]; then
                n=0
                mkdir -p "$tmp/out/class"
                cp "$tmp/say.wav" "$tmp/out/say.wav"
                # sort=alpha: 000-a says the line, 000-b is music, 001-a the line again, ...
                ln -s ../say.wav "$tmp/out/class/000-a-say.wav"
                for f in "$tmp"/music/*.gsm; do
                    [ -e "$f" ] || continue
                    printf -v name '%03d' "$n"
                    mv "$f" "$tmp/out/$name-music.gsm"
                    ln -s "../$name-music.gsm" "$tmp/out/class/$name-b-music.gsm"
                    n=$((n + 1))
                    printf -v name '%03d' "$n"
                    ln -s ../say.wav "$tmp/out/class/$name-a-say.wav"
                done
                echo "$n" > "$tmp/out/done"
                # another instance starting beside this one may have made it first: theirs is kept
                mv -T "$tmp/out" "$cache/$lang" 2>/dev/null || true
            fi
            rm -rf "$tmp"
        fi
        rm -rf "$1/moh-wait-$lang"
        if [ -s "$cache/$lang/done" ]; then
            ln -sfn "$cache/$lang/class" "$1/moh-wait-$lang"
        else
            echo "asterisk.sh: espeak-ng or sox missing: waiting callers hear the packaged hold music only (./onekey setup installs them)" >&2
            mkdir -p "$1/moh-wait-$lang"
            packaged=()
            for m in "${ONEKEY_ASTERISK_DATADIR:-/usr/share/asterisk}"/moh/*; do
                [ -e "$m" ] && packaged+=("$m")
            done
            [ "${#packaged[@]}" -eq 0 ] || ln -sfn -t "$1/moh-wait-$lang" "${packaged[@]}"
        fi
    done
    return 0
}

# Mandarin digits (Asterisk's SayNumber in language zh), spoken once with espeak-ng (voice cmn), 8 kHz WAV,
# cached across instances.
ZH_SOUNDS='digits/0|零
digits/1|一
digits/2|两
digits/3|三
digits/4|四
digits/5|五
digits/6|六
digits/7|七
digits/8|八
digits/9|九
digits/10|十
digits/hundred|百
digits/thousand|千'

zh_sounds() {  # zh_sounds DIR
    if ! command -v espeak-ng >/dev/null || ! command -v sox >/dev/null; then
        echo "asterisk.sh: espeak-ng or sox missing: queue announcements fall back to English (./onekey setup installs them)" >&2
        return 0
    fi
    # DIR is a link to the cache, which holds only the finished files (digits/N.wav)
    local cache="${ONEKEY_SOUND_CACHE:-${XDG_CACHE_HOME:-${HOME:-/tmp}/.cache}/onekey/sounds-zh-2}" file text
    mkdir -p "$cache/digits"
    while IFS='|' read -r file text; do
        [ -n "$file" ] || continue
        if [ ! -s "$cache/$file.wav" ]; then
            espeak-ng -v cmn -s 175 -w "$cache/$file.raw.wav" "$text" 2>/dev/null &&
                sox -q "$cache/$file.raw.wav" -r 8000 -c 1 -b 16 "$cache/$file.tmp.wav" 2>/dev/null &&
                mv -f "$cache/$file.tmp.wav" "$cache/$file.wav"
            rm -f "$cache/$file.raw.wav" "$cache/$file.tmp.wav"
        fi
    done <<< "$ZH_SOUNDS"
    [ -L "$1" ] || rm -rf "$1"
    ln -sfn "$cache" "$1"
    return 0
}

cli() {
    [ -f "$CONF" ] || die "not rendered: $CONF"
    "$AST" -C "$CONF" -rx "$1"
}

pid_of() {
    local pidfile="$RUNDIR/run/asterisk.pid" pid
    [ -s "$pidfile" ] || return 1
    pid="$(cat "$pidfile" 2>/dev/null)" || return 1
    [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 1
    echo "$pid"
}

now_ms() { date +%s%3N; }

wait_ready() {
    local timeout="${1:-30}" deadline
    deadline=$(( $(now_ms) + timeout * 1000 ))
    while :; do
        # the conf may not exist yet if "start" was launched a moment ago
        if [ -f "$CONF" ] && [ -S "$RUNDIR/run/asterisk.ctl" ] &&
           "$AST" -C "$CONF" -rx "core waitfullybooted" >/dev/null 2>&1; then
            return 0
        fi
        if [ "$(now_ms)" -ge "$deadline" ]; then
            echo "asterisk.sh: not ready after ${timeout}s ($RUNDIR)" >&2
            return 1
        fi
        sleep 0.05
    done
}

stop() {
    local timeout="${1:-20}" pid deadline
    [ -f "$CONF" ] || die "not rendered: $CONF"
    pid="$(pid_of)" || { echo "asterisk.sh: not running ($RUNDIR)" >&2; return 0; }
    "$AST" -C "$CONF" -rx "core stop now" >/dev/null 2>&1 || true
    deadline=$(( $(now_ms) + timeout * 1000 ))
    while kill -0 "$pid" 2>/dev/null; do
        if [ "$(now_ms)" -ge "$deadline" ]; then
            echo "asterisk.sh: pid $pid still alive after ${timeout}s, sending SIGTERM" >&2
            kill -TERM "$pid" 2>/dev/null || true
            deadline=$(( $(now_ms) + 5000 ))
            while kill -0 "$pid" 2>/dev/null; do
                [ "$(now_ms)" -ge "$deadline" ] && { kill -KILL "$pid" 2>/dev/null || true; break; }
                sleep 0.05
            done
            break
        fi
        sleep 0.05
    done
    return 0
}

cmd="${1:-}"; shift || true
case "$cmd" in
    render)     rundir_arg "${1:-}"; render ;;
    start)      rundir_arg "${1:-}"; render
                # -f: foreground, no fork; no -c: no console, so stdin/TTY are never read.
                # -n: no colour; -q: quiet;
                exec "$AST" -f -n -q -C "$CONF" < /dev/null ;;
    wait-ready) rundir_arg "${1:-}"; wait_ready "${2:-30}" ;;
    cli)        rundir_arg "${1:-}"; [ -n "${2:-}" ] || usage; cli "$2" ;;
    stop)       rundir_arg "${1:-}"; stop "${2:-20}" ;;
    *)          usage ;;
esac
