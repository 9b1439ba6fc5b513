#!/usr/bin/env bash
# bench/restart.sh [N] — do restarts refuse or drop requests? N restarts
# (default 50) of an HTTP daemon while a client requests without pause,
# first one request at a time, then 8 at once, with:
#
#   lsbinit LISTEN stop-start  LISTEN holds the port; restart keeps the
#                              supervisor and its socket, stops the old
#                              daemon, starts the new one on the socket
#   lsbinit LISTEN overlap     the same with RESTART=overlap: the new daemon
#                              starts beside the old one, which is stopped
#                              once the new one is ready
#   lsbinit without LISTEN     the daemon binds the port itself;
#                              READY=tcp:, restart is a stop and a start
#   start-stop-daemon script   an init script on start-stop-daemon, what
#                              most operators run today: --stop --retry
#                              TERM/10/KILL/5, then --start --background
#
# The daemon is examples/activated/server.py, a Python http.server written
# to the socket-activation convention (it serves on descriptor 3 when one
# is handed down, else binds itself) that answers every request it has
# accepted before it exits on SIGTERM. The client is bench/hammer: every
# request on a new connection; "refused" counts connections refused
# (nobody listened), "failed" those cut, reset, timed out or not 200 OK,
# "worst" the slowest request. "restart" is the median time a restart
# command took.
#
# Self-contained: builds lsbinit and the client into a fresh temporary
# directory, keeps every file there, reads and writes nothing under /etc,
# stops what it started and removes the directory on exit. Needs go,
# python3, start-stop-daemon and Linux.
set -euo pipefail

usage() { echo "usage: bash bench/restart.sh [N]   (N restarts per row, default 50)" >&2; exit 2; }

if [[ -n ${EPOCHREALTIME-} ]]; then
	now_us() { local t=${EPOCHREALTIME//[!0-9]/}; echo "$t"; }
else
	now_us() { echo $(($(date +%s%N) / 1000)); }
fi

# median FILE: the median of the microsecond values in FILE, in ms.
median() {
	sort -n "$1" | awk '{ v[NR] = $1 } END { n = NR; m = (n % 2) ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2; printf "%.1f", m / 1000 }'
}

# answers: wait (up to 10s) until the port answers a request.
answers() {
	local i
	for ((i = 0; i < 1000; i++)); do
		python3 - "$port" <<'PY' 2>/dev/null && return 0
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=1)
s.sendall(b"GET / HTTP/1.0\r\n\r\n")
sys.exit(0 if s.recv(12).startswith(b"HTTP/1.0 200") else 1)
PY
		sleep 0.01
	done
	echo "restart.sh: nothing answers on port $port" >&2
	return 1
}

# act VARIANT ACTION: one action of a variant's service.
act() {
	case $1 in
	ssd) bash "$tmp/ssd-init" "$2" ;;
	*) "$tmp/bin/lsbinit" -q -c "$tmp/$1.conf" "$2" ;;
	esac
}

# row VARIANT LABEL CLIENTS: start, hammer through n restarts, stop.
row() {
	local v=$1 label=$2 clients=$3 i t0 out
	act "$v" start
	answers
	: >"$tmp/times"
	"$tmp/bin/hammer" -addr "127.0.0.1:$port" -c "$clients" >"$tmp/hammer.out" &
	hpid=$!
	sleep 0.2
	for ((i = 0; i < n; i++)); do
		t0=$(now_us)
		act "$v" restart
		echo $(($(now_us) - t0)) >>"$tmp/times"
	done
	sleep 0.2
	kill -INT "$hpid"
	wait "$hpid"
	hpid=
	act "$v" stop
	out=$(cat "$tmp/hammer.out")
	printf '%-27s %7s %8s %8s %8s %7s %9s %11s\n' "$label" "$clients" "$n" \
		"$(sed 's/.*ok=\([0-9]*\).*/\1/' <<<"$out")" "$(sed 's/.*refused=\([0-9]*\).*/\1/' <<<"$out")" \
		"$(sed 's/.*failed=\([0-9]*\).*/\1/' <<<"$out")" "$(sed 's/.*worst_ms=\([0-9.]*\).*/\1/' <<<"$out")" \
		"$(median "$tmp/times")"
}

# measure: every row; run under the subreaper (see bench/compare.sh: a
# daemon start-stop-daemon backgrounded is reaped by its adopter).
measure() {
	local clients
	printf '%-27s %7s %8s %8s %8s %7s %9s %11s\n' tool clients restarts answered refused failed worst_ms restart_ms
	for clients in 1 8; do
		row listen "lsbinit LISTEN stop-start" "$clients"
		row overlap "lsbinit LISTEN overlap" "$clients"
		row plain "lsbinit without LISTEN" "$clients"
		row ssd "start-stop-daemon script" "$clients"
	done
}

if [[ ${1-} == --measure ]]; then # the re-invocation under the subreaper
	tmp=$2 n=$3 port=$4 hpid=
	trap '[[ -z $hpid ]] || kill "$hpid" 2>/dev/null' EXIT # a row that fails leaves no client behind
	measure
	exit
fi

[[ $# -le 1 ]] || usage
n=${1:-50}
[[ $n =~ ^[1-9][0-9]*$ ]] || usage
for cmd in go python3 start-stop-daemon; do
	command -v "$cmd" >/dev/null || { echo "restart.sh: $cmd not found" >&2; exit 1; }
done
[[ $(uname -s) == Linux ]] || { echo "restart.sh: Linux only" >&2; exit 1; }

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
umask 022
. "$repo/bench/lib.sh"
tmp=$(scratch restart)
# The interpreter itself, not a wrapper script (pyenv's shims) around it.
python=$(python3 -c 'import sys; print(sys.executable)')
server=$repo/examples/activated/server.py
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')

cleanup() {
	local v
	for v in listen overlap plain; do
		[[ -e $tmp/$v.conf ]] && "$tmp/bin/lsbinit" -q -c "$tmp/$v.conf" stop >/dev/null 2>&1 || true
	done
	[[ -e $tmp/ssd-init ]] && bash "$tmp/ssd-init" stop >/dev/null 2>&1 || true
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

echo "Building lsbinit and the client into $tmp/bin ..."
(cd "$repo" && CGO_ENABLED=0 go build -o "$tmp/bin/" . ./bench/hammer ./bench/subreaper)

common="DAEMON=$python
DAEMON_ARGS=\"$server 127.0.0.1:$port\"
LOGFILE=$tmp/server.log
STOP_SCHEDULE=TERM/10/KILL/5"
printf '%s\nPIDFILE=%s\nLISTEN="tcp:127.0.0.1:%s"\n' "$common" "$tmp/listen.pid" "$port" >"$tmp/listen.conf"
printf '%s\nPIDFILE=%s\nLISTEN="tcp:127.0.0.1:%s"\nRESTART=overlap\n' "$common" "$tmp/overlap.pid" "$port" >"$tmp/overlap.conf"
printf '%s\nPIDFILE=%s\nREADY=tcp:127.0.0.1:%s\n' "$common" "$tmp/plain.pid" "$port" >"$tmp/plain.conf"
cat >"$tmp/ssd-init" <<SH
#!/bin/sh
# An init script on start-stop-daemon, as Debian's skeleton has it.
P=$tmp/ssd.pid
case "\$1" in
start) start-stop-daemon --start --quiet --background --make-pidfile --pidfile "\$P" \\
	--exec $python -- $server 127.0.0.1:$port ;;
stop) start-stop-daemon --stop --quiet --retry TERM/10/KILL/5 --pidfile "\$P" --remove-pidfile ;;
restart) sh "\$0" stop; sh "\$0" start ;;
esac
SH

echo "$(uname -sr), $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg); $("$python" --version)"
"$tmp/bin/subreaper" bash "$repo/bench/restart.sh" --measure "$tmp" "$n" "$port"
