#!/usr/bin/env bash
# Install what OneKey's Asterisk side needs (run as root; idempotent; used by "./onekey setup").
#
#   asterisk asterisk-core-sounds-en asterisk-moh-opsound-gsm sip-tester espeak-ng sox mariadb-server kamailio
#   prometheus (its tests start a private Prometheus that scrapes /metrics; the system one is stopped)
#   (kamailio: the SIP front for several Asterisk nodes, issue 25; run privately by kamailio.sh, never as a service)
#
# Debian 12 ships no asterisk package: then the Debian 11 (bullseye) suite is added with a
# low pin (priority 100) so only packages missing from the configured suites come from it.
# Services the packages start are stopped again: OneKey runs private instances only.
set -euo pipefail

PACKAGES=(asterisk asterisk-core-sounds-en asterisk-moh-opsound-gsm sip-tester espeak-ng sox mariadb-server xvfb fonts-wqy-zenhei prometheus kamailio
          curl openssl osmium-tool osmosis libmapsforge-java chromium poppler-utils
          nodejs) # nodejs (+ npm below): the test SMSC of the SMS tests (issue 20), cti-server/src/test/smsc; curl, openssl: the alarm line's eventcmd; osmium, osmosis, mapsforge: the offline map (issue 24); chromium, poppler-utils: the district's reports page and PDF checks (issue 22)
SOURCES=/etc/apt/sources.list.d/onekey-bullseye.sources
PIN=/etc/apt/preferences.d/onekey-bullseye
export DEBIAN_FRONTEND=noninteractive

log() { echo "onekey install: $*" >&2; }

installed() { [ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null)" = "install ok installed" ]; }

missing=()
for p in "${PACKAGES[@]}"; do installed "$p" || missing+=("$p"); done
# Debian packages npm apart from nodejs; NodeSource's nodejs brings its own npm (and conflicts with Debian's)
command -v npm >/dev/null || installed npm || missing+=(npm)
if [ "${#missing[@]}" -eq 0 ]; then
    log "all packages present"
    exit 0
fi
[ "$(id -u)" -eq 0 ] || { log "must run as root to install: ${missing[*]}"; exit 1; }
log "missing: ${missing[*]}"

# Record which service daemons run before we install, so we only stop the ones we caused.
pid_alive() { [ -s "$1" ] && kill -0 "$(cat "$1" 2>/dev/null)" 2>/dev/null; }
ast_was_running=0; db_was_running=0; prom_was_running=0; nodeexp_was_running=0; kam_was_running=0
pid_alive /var/run/asterisk/asterisk.pid && ast_was_running=1
pid_alive /run/mysqld/mysqld.pid && db_was_running=1
pid_alive /run/prometheus/prometheus.pid && prom_was_running=1
pid_alive /run/prometheus/prometheus-node-exporter.pid && nodeexp_was_running=1
pid_alive /run/kamailio/kamailio.pid && kam_was_running=1

apt-get update -q

has_candidate() {
    local c
    c="$(apt-cache policy "$1" 2>/dev/null | awk '/Candidate:/ {print $2}')"
    [ -n "$c" ] && [ "$c" != "(none)" ]
}

if ! has_candidate asterisk; then
    log "asterisk not available from the configured suites: adding Debian 11 (bullseye), pinned at 100"
    cat > "$SOURCES" <<'EOF'
Types: deb
URIs: http://deb.debian.org/debian
Suites: bullseye
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
    cat > "$PIN" <<'EOF'
Package: *
Pin: release n=bullseye
Pin-Priority: 100
EOF
    apt-get update -q
    has_candidate asterisk || { log "asterisk still not installable"; exit 1; }
fi

if ! apt-get install -y -q "${missing[@]}"; then
    log "plain install failed; retrying asterisk with -t bullseye"
    others=()
    for p in "${missing[@]}"; do case "$p" in asterisk) ;; *) others+=("$p") ;; esac; done
    if [[ " ${missing[*]} " == *" asterisk "* ]]; then
        apt-get install -y -q -t bullseye asterisk
    fi
    [ "${#others[@]}" -eq 0 ] || apt-get install -y -q "${others[@]}"
fi

# Stop daemons the packages may have started (policy-rc.d may already have denied it).
stop_pidfile() {  # stop_pidfile NAME PIDFILE
    local pid deadline
    pid_alive "$2" || return 0
    pid="$(cat "$2")"
    log "stopping $1 (pid $pid) started by the package"
    if command -v systemctl >/dev/null && [ -d /run/systemd/system ]; then
        systemctl stop "$1" 2>/dev/null || true
    fi
    kill -TERM "$pid" 2>/dev/null || true
    deadline=$(( $(date +%s) + 30 ))
    while kill -0 "$pid" 2>/dev/null; do
        if [ "$(date +%s)" -ge "$deadline" ]; then kill -KILL "$pid" 2>/dev/null || true; break; fi
        sleep 0.1
    done
}
[ "$ast_was_running" = 1 ] || stop_pidfile asterisk /var/run/asterisk/asterisk.pid
[ "$db_was_running" = 1 ] || stop_pidfile mariadb /run/mysqld/mysqld.pid
[ "$prom_was_running" = 1 ] || stop_pidfile prometheus /run/prometheus/prometheus.pid
[ "$nodeexp_was_running" = 1 ] || stop_pidfile prometheus-node-exporter /run/prometheus/prometheus-node-exporter.pid
[ "$kam_was_running" = 1 ] || stop_pidfile kamailio /run/kamailio/kamailio.pid
# Kamailio's own service stays off: OneKey runs its private front (kamailio.sh) only where nodes are configured
if [ "$kam_was_running" = 0 ] && command -v systemctl >/dev/null && [ -d /run/systemd/system ]; then
    systemctl disable --now kamailio 2>/dev/null || true
fi

for p in "${PACKAGES[@]}"; do installed "$p" || { log "failed to install $p"; exit 1; }; done
log "done"
