#!/usr/bin/env bash
# bench/compare.sh [N] — how fast does `stop` return? lsbinit against
# Debian's start-stop-daemon, side by side on this machine.
#
# Both stop the same daemon, the test daemon of this repository
# (./internal/testdaemon/cmd/testdaemon), first one that exits at once on
# SIGTERM (-term-delay 0), then one that takes 50ms to shut down
# (-term-delay 50ms). Each row is N cycles (default 20) of: start, wait
# until the daemon is ready (it creates a file), then a timed stop. The
# two tools take turns, cycle by cycle, so that both see the same load.
#
#   lsbinit            lsbinit -q -c CONF start / stop   (STOP_SCHEDULE is
#                      the default TERM/30/KILL/5; stop waits on a pidfd)
#   start-stop-daemon  --start --background --make-pidfile --pidfile P
#                      --exec D -- ARGS, and
#                      --stop --retry TERM/30/KILL/5 --pidfile P
#                      --remove-pidfile                 (it polls)
#
# The time of a stop is the wall-clock time of the whole command, process
# start-up included, as an operator or a package's maintainer script sees
# it; it is read from bash's $EPOCHREALTIME (microseconds, no fork), or
# `date +%s%N` in an older bash.
#
# Zombies. start-stop-daemon --stop --pidfile P waits until kill(PID, 0)
# fails, and a zombie still passes that test: the daemon is gone only when
# its parent has reaped it. Once start-stop-daemon --background has
# detached it, that parent is PID 1, which on a normal system (systemd,
# sysvinit) reaps at once; some container and VM inits reap late, which
# would charge their delay to start-stop-daemon. So by default the cycles
# run under a small child subreaper (prctl PR_SET_CHILD_SUBREAPER, built
# here) that adopts and reaps orphans at once, as a normal PID 1 does.
# NO_REAPER=1 measures this machine's own PID 1 instead. lsbinit does not
# depend on it: its supervisor reaps the daemon, and stop waits on the
# supervisor through a pidfd, which reports the exit before any reaping.
#
# Self-contained: builds lsbinit and the test daemon (release builds, no
# -race) from this checkout into a fresh temporary directory, keeps every
# file it writes there (configs, pidfiles, logs), reads and writes nothing
# under /etc, stops whatever it started and removes the directory on exit.
# (Go's build cache is used as usual.) Needs go, start-stop-daemon (package
# dpkg) and Linux.
set -euo pipefail

usage() { echo "usage: bash bench/compare.sh [N]   (N cycles per row, default 20)" >&2; exit 2; }

# now_us prints the wall-clock time in microseconds.
if [[ -n ${EPOCHREALTIME-} ]]; then
	now_us() { local t=${EPOCHREALTIME//[!0-9]/}; echo "$t"; }
else
	now_us() { echo $(($(date +%s%N) / 1000)); }
fi

# wait_ready FILE: wait (up to 10s) until the daemon has created FILE.
wait_ready() {
	local i
	for ((i = 0; i < 2000; i++)); do
		[[ -e $1 ]] && return 0
		sleep 0.005
	done
	echo "compare.sh: the daemon did not become ready ($1 missing after 10s)" >&2
	return 1
}

# stats FILE: median, p90 (nearest rank), min and max of the microsecond
# values in FILE, in milliseconds.
stats() {
	sort -n "$1" | awk '
		{ v[NR] = $1 }
		END {
			n = NR
			med = (n % 2) ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
			r = int(0.9 * n); if (r < 0.9 * n) r++
			printf "%9.2f %9.2f %9.2f %9.2f", med / 1000, v[r] / 1000, v[1] / 1000, v[n] / 1000
		}'
}

# measure TMP N: the cycles and the table; run under the subreaper.
measure() {
	local tmp=$1 n=$2 bin=$1/bin delay i t0 t1 conf pid=$1/ssd.pid ready=$1/ready
	local delays=(0 50ms)
	for delay in "${delays[@]}"; do
		conf=$tmp/lsbinit-bench-$delay.conf
		cat >"$conf" <<-EOF
			DAEMON=$bin/testdaemon
			DAEMON_ARGS="-tag $tmp -touch $ready -term-delay $delay -exit-stamp $tmp/exited"
			PIDFILE=$tmp/lsbinit-bench-$delay.pid
			LOGFILE=$tmp/lsbinit-bench-$delay.log
		EOF
		: >"$tmp/lsbinit-$delay.us"
		: >"$tmp/ssd-$delay.us"
		: >"$tmp/lsbinit-$delay.after"
		: >"$tmp/ssd-$delay.after"
		for ((i = 1; i <= n; i++)); do
			rm -f "$ready"
			"$bin/lsbinit" -q -c "$conf" start
			wait_ready "$ready"
			t0=$(now_us)
			"$bin/lsbinit" -q -c "$conf" stop
			t1=$(now_us)
			echo $((t1 - t0)) >>"$tmp/lsbinit-$delay.us"
			echo $((t1 - $(cat "$tmp/exited"))) >>"$tmp/lsbinit-$delay.after"

			rm -f "$ready"
			start-stop-daemon --start --quiet --background --make-pidfile --pidfile "$pid" \
				--exec "$bin/testdaemon" -- -tag "$tmp" -touch "$ready" -term-delay "$delay" -exit-stamp "$tmp/exited"
			wait_ready "$ready"
			t0=$(now_us)
			start-stop-daemon --stop --quiet --retry TERM/30/KILL/5 --pidfile "$pid" --remove-pidfile
			t1=$(now_us)
			echo $((t1 - t0)) >>"$tmp/ssd-$delay.us"
			echo $((t1 - $(cat "$tmp/exited"))) >>"$tmp/ssd-$delay.after"
		done
	done

	echo
	echo "Stop latency in ms, $n start/stop cycles per row (wall clock of the stop command)"
	table us
	echo
	echo "After the daemon's exit, in ms: when the stop command returned, minus when the daemon"
	echo "exited (the test daemon stamps the time as it returns from main, -exit-stamp)"
	table after
}

# table SUFFIX: one row per daemon and tool, from the files TOOL-DELAY.SUFFIX.
table() {
	printf '%-18s %-19s %9s %9s %9s %9s\n' daemon tool median p90 min max
	for delay in "${delays[@]}"; do
		printf '%-18s %-19s %s\n' "-term-delay $delay" lsbinit "$(stats "$tmp/lsbinit-$delay.$1")"
		printf '%-18s %-19s %s\n' "-term-delay $delay" start-stop-daemon "$(stats "$tmp/ssd-$delay.$1")"
	done
}

if [[ ${1-} == --measure ]]; then # the re-invocation under the subreaper
	measure "$2" "$3"
	exit
fi

[[ $# -le 1 ]] || usage
n=${1:-20}
[[ $n =~ ^[1-9][0-9]*$ ]] || usage
for cmd in go start-stop-daemon; do
	command -v "$cmd" >/dev/null || { echo "compare.sh: $cmd not found" >&2; exit 1; }
done
[[ $(uname -s) == Linux ]] || { echo "compare.sh: Linux only" >&2; exit 1; }

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
script=$repo/bench/compare.sh
umask 022 # as root, lsbinit refuses a config or pidfile directory others can write
. "$repo/bench/lib.sh"
tmp=$(scratch bench)

cleanup() {
	local conf
	for conf in "$tmp"/lsbinit-bench-*.conf; do
		[[ -e $conf ]] && "$tmp/bin/lsbinit" -q -c "$conf" stop >/dev/null 2>&1 || true
	done
	if [[ -e $tmp/ssd.pid ]]; then
		start-stop-daemon --stop --quiet --retry KILL/5 --pidfile "$tmp/ssd.pid" \
			--exec "$tmp/bin/testdaemon" --remove-pidfile >/dev/null 2>&1 || true
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

echo "Building lsbinit and testdaemon into $tmp/bin ..."
(cd "$repo" && CGO_ENABLED=0 go build -o "$tmp/bin/" . ./internal/testdaemon/cmd/testdaemon)
(cd "$repo" && CGO_ENABLED=0 go build -o "$tmp/bin/subreaper" ./bench/subreaper)

echo "$(uname -sr), $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg)"
if [[ ${NO_REAPER-} == 1 ]]; then
	echo "Orphans are reaped by this machine's PID 1 ($(cat /proc/1/comm)), not by a subreaper."
	bash "$script" --measure "$tmp" "$n"
else
	echo "Orphans are reaped at once by a subreaper (NO_REAPER=1 leaves them to PID 1)."
	"$tmp/bin/subreaper" bash "$script" --measure "$tmp" "$n"
fi
