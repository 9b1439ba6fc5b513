#!/usr/bin/env bash
# bench/logs.sh [MB] [ROUNDS] — how fast a daemon can log through lsbinit.
#
# A daemon writes MB megabytes (default 512) of 64-byte lines to its
# stdout as fast as it can (yes | head -c). Under lsbinit its output goes
# through a pipe to the supervisor, which copies it into LOGFILE; under
# start-stop-daemon --output the daemon writes the file itself, the
# fastest a daemon can log. Each row is ROUNDS runs (default 3), the tools
# taking turns; it prints the median MB/s until the whole output is in the
# file, and the CPU seconds per GB the supervisor spent copying it.
#
# Self-contained: builds lsbinit into a temporary directory and writes
# nothing outside it. Needs start-stop-daemon with --output (dpkg 1.20.6
# and later). Linux only.
set -euo pipefail

MB=${1:-512}
ROUNDS=${2:-3}
[[ $MB =~ ^[1-9][0-9]*$ && $ROUNDS =~ ^[1-9][0-9]*$ ]] || { echo "usage: bash bench/logs.sh [MB] [ROUNDS]" >&2; exit 2; }
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
umask 022
. "$root/bench/lib.sh"
tmp=$(scratch logs)
cleanup() {
	"$tmp/lsbinit" -q -c "$tmp/svc.conf" stop >/dev/null 2>&1 || true
	start-stop-daemon --stop --quiet --retry KILL/5 --pidfile "$tmp/ssd.pid" --remove-pidfile >/dev/null 2>&1 || true
	rm -rf "$tmp"
}
trap cleanup EXIT
(cd "$root" && CGO_ENABLED=0 go build -trimpath -o "$tmp/lsbinit" .)

bytes=$((MB * 1024 * 1024))
line=$(printf '%063d' 0)
writer="yes $line | head -c $bytes; exec sleep 1000"
now_us() { local t=${EPOCHREALTIME//[!0-9]/}; echo "$t"; }

# filled FILE: wait until FILE holds all the bytes.
filled() {
	while [[ $(stat -c %s "$1" 2>/dev/null || echo 0) -lt $bytes ]]; do sleep 0.002; done
}

cat >"$tmp/svc.conf" <<EOF
DAEMON=/bin/sh
DAEMON_ARGS="-c '$writer'"
PIDFILE=$tmp/svc.pid
LOGFILE=$tmp/svc.log
EOF

: >"$tmp/lsbinit.mbs" >"$tmp/ssd.mbs" >"$tmp/cpu"
for ((r = 0; r < ROUNDS; r++)); do
	rm -f "$tmp/svc.log"
	t0=$(now_us)
	"$tmp/lsbinit" -q -c "$tmp/svc.conf" start
	filled "$tmp/svc.log"
	t1=$(now_us)
	sup=$(sed -n 's/^supervisor=//p' "$tmp/svc.pid.lsbinit")
	ticks=$(awk '{print $14 + $15}' "/proc/$sup/stat")
	"$tmp/lsbinit" -q -c "$tmp/svc.conf" stop
	awk -v b=$bytes -v us=$((t1 - t0)) 'BEGIN {printf "%.0f\n", b / 1048576 / (us / 1e6)}' >>"$tmp/lsbinit.mbs"
	awk -v t="$ticks" -v hz="$(getconf CLK_TCK)" -v b=$bytes 'BEGIN {printf "%.2f\n", t / hz / (b / 1073741824)}' >>"$tmp/cpu"

	rm -f "$tmp/ssd.log"
	t0=$(now_us)
	start-stop-daemon --start --quiet --background --make-pidfile --pidfile "$tmp/ssd.pid" \
		--output "$tmp/ssd.log" --exec /bin/sh -- -c "$writer"
	filled "$tmp/ssd.log"
	t1=$(now_us)
	start-stop-daemon --stop --quiet --retry TERM/5/KILL/5 --pidfile "$tmp/ssd.pid" --remove-pidfile || true
	awk -v b=$bytes -v us=$((t1 - t0)) 'BEGIN {printf "%.0f\n", b / 1048576 / (us / 1e6)}' >>"$tmp/ssd.mbs"
done

med() { sort -n "$1" | awk '{v[NR]=$1} END {printf "%s (%s-%s)", v[int((NR+1)/2)], v[1], v[NR]}'; }
echo "$(uname -sr), $(nproc) CPUs; $MB MB of 64-byte lines, $ROUNDS rounds, median (min-max)"
echo "| tool | MB/s | supervisor CPU s per GB |"
echo "| --- | --- | --- |"
echo "| lsbinit (pipe, supervisor copies) | $(med "$tmp/lsbinit.mbs") | $(med "$tmp/cpu") |"
echo "| start-stop-daemon --output (the daemon writes the file) | $(med "$tmp/ssd.mbs") | - |"
# Each round ran both tools back to back: the ratio per round cancels
# some of what a shared machine adds to one round and not another.
paste "$tmp/lsbinit.mbs" "$tmp/ssd.mbs" | awk '{printf "%.0f\n", 100 * $1 / $2}' >"$tmp/ratio"
echo "lsbinit's throughput as a share of start-stop-daemon's, per round: $(med "$tmp/ratio") %"
