#!/usr/bin/env bash
# bench/fleet.sh [N] [ROUNDS] — a fleet of N services (default 200) run by
# four tools side by side: every service started, queried with status and
# stopped, one after another, and then 8 at a time; ROUNDS rounds (default
# 3), the tools taking turns within each round so that all see the same
# load. It prints, per tool, the median over the rounds (and min/max) of:
#
#   start / status / stop   the whole fleet, one service after another
#   start8 / stop8          the whole fleet, 8 at a time (xargs -P8)
#   status-1                one status of a running service (median of 50)
#
# and the harness: the same loops running /bin/true, which is what the
# shell's fork and exec cost; "net" columns subtract it.
#
#   lsbinit            lsbinit -q -c CONF start|status|stop (READY=exec)
#   start-stop-daemon  --start --background --make-pidfile, --status,
#                      --stop --retry TERM/30/KILL/5 --remove-pidfile
#   init-d-script      /lib/init/init-d-script scripts (start-stop-daemon
#                      inside, through the LSB shell functions)
#   daemon             libslack daemon(1): --name, --running, --stop
#   floor-go, floor-c  status only: a static Go and a C program that open,
#                      lock-test and read a pidfile (the least a status
#                      check can cost)
#
# Every tool runs the same daemon, this repository's test daemon, idle
# (each tool its own copy of the binary, so that no tool's process
# matching can touch another's daemons). As bench/compare.sh explains, the
# fleet runs under a small subreaper that reaps orphans at once, as a
# prompt PID 1 does: start-stop-daemon's stop waits for its zombie to go.
# The pidfiles and logs live on a tmpfs (see bench/lib.sh), as /run is
# one on Debian and most systems. Self-contained: builds static
# release binaries into a fresh temporary directory, writes nothing
# outside it, stops what it started and removes it on exit. Needs go,
# start-stop-daemon, /lib/init/init-d-script, daemon (Debian package
# "daemon"); a missing peer is skipped with a note.
set -euo pipefail

cleanup() {
	local i
	for ((i = 1; i <= N; i++)); do
		"$bin/lsbinit" -q -c "$tmp/lsbinit/s$i.conf" stop >/dev/null 2>&1 || true
	done
	pkill -KILL -f -- "-tag $tmp" 2>/dev/null || true
	rm -rf "$tmp"
}
trap cleanup EXIT

now_us() { local t=${EPOCHREALTIME//[!0-9]/}; echo "$t"; }

build() {
	(cd "$root" && CGO_ENABLED=0 go build -trimpath -ldflags='-s -w' -o "$bin/lsbinit" . &&
		CGO_ENABLED=0 go build -trimpath -o "$bin/subreaper" ./bench/subreaper &&
		CGO_ENABLED=0 go build -trimpath -ldflags='-s -w' -o "$bin/testdaemon" ./internal/testdaemon/cmd/testdaemon &&
		CGO_ENABLED=0 go build -trimpath -ldflags='-s -w' -o "$bin/floor-go" ./bench/floor)
	if command -v cc >/dev/null; then
		cc -O2 -o "$bin/floor-c" "$root/bench/floor.c"
	fi
}

tools=(lsbinit start-stop-daemon init-d-script daemon)

have() {
	case $1 in
	start-stop-daemon) command -v start-stop-daemon >/dev/null ;;
	init-d-script) [[ -r /lib/init/init-d-script ]] && command -v start-stop-daemon >/dev/null ;;
	daemon) command -v daemon >/dev/null ;;
	*) true ;;
	esac
}

# setup writes each tool's per-service files.
setup() {
	local t i d
	for t in "${tools[@]}"; do
		d=$tmp/$t
		mkdir -p "$d"
		cp "$bin/testdaemon" "$d/td"
	done
	for ((i = 1; i <= N; i++)); do
		d=$tmp/lsbinit
		printf 'DAEMON=%s\nDAEMON_ARGS="-tag %s"\nPIDFILE=%s\nLOGFILE=%s\n' \
			"$d/td" "$tmp" "$d/s$i.pid" "$d/s$i.log" >"$d/s$i.conf"
		d=$tmp/init-d-script
		cat >"$d/s$i" <<EOF
#!/bin/sh /lib/init/init-d-script
DAEMON=$d/td
DAEMON_ARGS="-tag $tmp"
NAME=s$i
DESC="service $i"
PIDFILE=$d/s$i.pid
START_ARGS="--background --make-pidfile"
# only this service's daemon: the default also stops every process of DAEMON
do_stop_cmd_override() {
	start-stop-daemon --stop --quiet --retry=TERM/30/KILL/5 --pidfile "\$PIDFILE" --exec "\$DAEMON"
	RETVAL=\$?
	rm -f "\$PIDFILE"
	return \$RETVAL
}
EOF
		chmod +x "$d/s$i"
	done
	mkdir -p "$tmp/daemon/pids"
}

# cmd TOOL ACTION I runs one action of service I.
cmd() {
	local t=$1 a=$2 i=$3 d=$tmp/$1
	case $t/$a in
	lsbinit/*) "$bin/lsbinit" -q -c "$d/s$i.conf" "$a" ;;
	start-stop-daemon/start) start-stop-daemon --start --quiet --background --make-pidfile --pidfile "$d/s$i.pid" --exec "$d/td" -- -tag "$tmp" ;;
	start-stop-daemon/status) start-stop-daemon --status --pidfile "$d/s$i.pid" ;;
	start-stop-daemon/stop) start-stop-daemon --stop --quiet --retry TERM/30/KILL/5 --pidfile "$d/s$i.pid" --remove-pidfile ;;
	init-d-script/*) _SYSTEMCTL_SKIP_REDIRECT=1 "$d/s$i" "$a" ;;
	daemon/start) daemon --unsafe --name="s$i" --pidfiles="$d/pids" -- "$d/td" -tag "$tmp" ;;
	daemon/status) daemon --name="s$i" --pidfiles="$d/pids" --running ;;
	daemon/stop) daemon --name="s$i" --pidfiles="$d/pids" --stop ;;
	true/*) /bin/true ;;
	floor-go/status) "$bin/floor-go" "$tmp/lsbinit/s1.pid" ;;
	floor-c/status) "$bin/floor-c" "$tmp/lsbinit/s1.pid" ;;
	esac >/dev/null 2>&1
}
export -f cmd

# fleet TOOL ACTION: the whole fleet, one after another; prints µs.
fleet() {
	local t0 i
	t0=$(now_us)
	for ((i = 1; i <= N; i++)); do cmd "$1" "$2" "$i" || true; done
	echo $(($(now_us) - t0))
}

# fleet8 TOOL ACTION: the whole fleet, 8 at a time; prints µs.
fleet8() {
	local t0
	t0=$(now_us)
	seq "$N" | xargs -P8 -I{} bash -c 'cmd "$0" "$1" {} || true' "$1" "$2"
	echo $(($(now_us) - t0))
}

# one TOOL ACTION: 50 single timed calls against service 1; prints the
# median µs.
one() {
	local i t0 v=()
	for ((i = 0; i < 50; i++)); do
		t0=$(now_us)
		cmd "$1" "$2" 1 || true
		v+=($(($(now_us) - t0)))
	done
	printf '%s\n' "${v[@]}" | sort -n | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'
}

record() { echo "$3" >>"$tmp/res/$1.$2"; }

# memory records, for every running lsbinit supervisor, its resident set,
# private dirty memory and proportional set (kB), and its threads.
memory() {
	local f pid
	for f in "$tmp"/lsbinit/s*.pid.lsbinit; do
		pid=$(sed -n 's/^supervisor=//p' "$f")
		[[ -r /proc/$pid/smaps_rollup ]] || continue
		awk '/^VmRSS:/ {print $2}' "/proc/$pid/status" >>"$tmp/res/mem.rss"
		awk '/^Threads:/ {print $2}' "/proc/$pid/status" >>"$tmp/res/mem.threads"
		awk '/^Private_Dirty:/ {print $2}' "/proc/$pid/smaps_rollup" >>"$tmp/res/mem.dirty"
		awk '/^Pss:/ {print $2}' "/proc/$pid/smaps_rollup" >>"$tmp/res/mem.pss"
	done
}

round() {
	local r=$1 t order=("${tools[@]}")
	# rotate the order each round
	for ((k = 0; k < r; k++)); do order=("${order[@]:1}" "${order[0]}"); done
	record true seq "$(fleet true start)"
	record true par "$(fleet8 true start)"
	for t in "${order[@]}"; do
		have "$t" || continue
		record "$t" start "$(fleet "$t" start)"
		[[ $t == lsbinit ]] && memory
		record "$t" status "$(fleet "$t" status)"
		record "$t" status1 "$(one "$t" status)"
		record "$t" stop "$(fleet "$t" stop)"
		record "$t" start8 "$(fleet8 "$t" start)"
		record "$t" stop8 "$(fleet8 "$t" stop)"
	done
	# the floors, with service 1 of lsbinit running
	cmd lsbinit start 1
	record true status1 "$(one true status)"
	record floor-go status1 "$(one floor-go status)"
	[[ -x $bin/floor-c ]] && record floor-c status1 "$(one floor-c status)"
	record lsbinit status1-again "$(one lsbinit status)"
	cmd lsbinit stop 1
}

# med FILE: "median (min-max)" of the µs values in FILE, in unit $2
# (s or ms), or "-" when there is no file.
med() {
	[[ -s $1 ]] || { echo "-"; return; }
	sort -n "$1" | awk -v u="$2" '{v[NR]=$1} END {
		d = (u == "s") ? 1e6 : (u == "ms") ? 1e3 : 1; f = (u == "s") ? "%.2f" : (u == "ms") ? "%.1f" : "%d"
		printf f " (" f "-" f ")", v[int((NR+1)/2)]/d, v[1]/d, v[NR]/d }'
}

# kb FILE: "median (min-max)" of the kB values in FILE, in MiB.
kb() {
	sort -n "$1" | awk '{v[NR]=$1} END {printf "%.1f (%.1f-%.1f)", v[int((NR+1)/2)]/1024, v[1]/1024, v[NR]/1024}'
}

# net FILE HARNESS: the median minus the harness's median, in seconds.
net() {
	[[ -s $1 ]] || { echo "-"; return; }
	local a b
	a=$(sort -n "$1" | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}')
	b=$(sort -n "$2" | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}')
	awk -v a="$a" -v b="$b" 'BEGIN {printf "%.2f", (a-b)/1e6}'
}

report() {
	local t res=$tmp/res
	echo
	echo "$N services, $ROUNDS rounds, $(nproc) cores, $(uname -sr); seconds for the fleet, median (min-max);"
	echo "net = minus the harness (the same loop running /bin/true: $(med "$res/true.seq" s) s one after another, $(med "$res/true.par" s) s 8 at a time)"
	echo
	printf '| %-17s | %-20s | %-20s | %-20s | %-15s | %-20s | %-20s | %-18s |\n' tool start status stop "net start/status/stop" start8 stop8 "status, 1 (ms)"
	printf '|%s|%s|%s|%s|%s|%s|%s|%s|\n' ------------------- ---------------------- ---------------------- ---------------------- ----------------- ---------------------- ---------------------- --------------------
	for t in "${tools[@]}"; do
		have "$t" || { echo "| $t | (not installed) |"; continue; }
		printf '| %-17s | %-20s | %-20s | %-20s | %-15s | %-20s | %-20s | %-18s |\n' "$t" \
			"$(med "$res/$t.start" s)" "$(med "$res/$t.status" s)" "$(med "$res/$t.stop" s)" \
			"$(net "$res/$t.start" "$res/true.seq")/$(net "$res/$t.status" "$res/true.seq")/$(net "$res/$t.stop" "$res/true.seq")" \
			"$(med "$res/$t.start8" s)" "$(med "$res/$t.stop8" s)" "$(med "$res/$t.status1" ms)"
	done
	for t in floor-go floor-c true; do
		[[ -s $res/$t.status1 ]] && printf '| %-17s | %-20s | %-20s | %-20s | %-15s | %-20s | %-20s | %-18s |\n' "$t" - - - - - - "$(med "$res/$t.status1" ms)"
	done
	echo
	echo "lsbinit status, 1, measured again beside the floors: $(med "$res/lsbinit.status1-again" ms) ms"
	echo "lsbinit supervisors with all $N running, median (min-max): RSS $(kb "$res/mem.rss") MiB, private dirty" \
		"$(kb "$res/mem.dirty") MiB, PSS $(kb "$res/mem.pss") MiB, threads $(med "$res/mem.threads" 1)"
}

if [[ ${1-} == --measure ]]; then # the re-invocation under the subreaper
	tmp=$2 N=$3 ROUNDS=$4 bin=$2/bin
	export bin tmp
	for ((r = 0; r < ROUNDS; r++)); do
		echo "fleet.sh: round $((r + 1)) of $ROUNDS" >&2
		round "$r"
	done
	report
	exit
fi

N=${1:-200}
ROUNDS=${2:-3}
[[ $# -le 2 && $N =~ ^[1-9][0-9]*$ && $ROUNDS =~ ^[1-9][0-9]*$ ]] || { echo "usage: bash bench/fleet.sh [N] [ROUNDS]" >&2; exit 2; }
[[ $(uname -s) == Linux ]] || { echo "fleet.sh: Linux only" >&2; exit 1; }
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
umask 022 # as root, lsbinit refuses a config or pidfile directory others can write
. "$root/bench/lib.sh"
tmp=$(scratch fleet)
bin=$tmp/bin
mkdir -p "$bin" "$tmp/res"
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
build
setup
echo "$(uname -sr), $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg)" >&2
"$bin/subreaper" bash "$root/bench/fleet.sh" --measure "$tmp" "$N" "$ROUNDS"
