#!/usr/bin/env bash
# bench/scale.sh [N] — a host with N services (default 500), as root:
#
#   start      N services started 8 at a time (xargs -P8); every start must
#              exit 0; the wall time
#   watches    how many supervisors watch their files through an inotify
#              instance of their own, and, once the user's instances
#              (fs.inotify.max_user_instances) are used up, how many through
#              another supervisor's (shared) and how many through dnotify
#   settle     how long after the last start until a second passes in
#              which no supervisor runs
#   idle       how many supervisors ran at all in the next 5 idle seconds
#              (their threads' timeslices, /proc/PID/task/*/schedstat)
#   repair     50 random pidfiles removed at once: how long until all are
#              back
#   list       `lsbinit list` and `list --json`, median of 5
#   start+1    one more service started (and stopped) with N running,
#              beside the same with none running: median of 9 each
#   memory     an idle supervisor's RSS and anonymous memory (median), beside
#              a static Go program that only waits for a signal (the
#              floor), with 1 service and with N; the total PSS of the N
#              supervisors, and of the N daemons (what start-stop-daemon's
#              daemons cost alone: it leaves nothing resident beside them)
#   stop       all stopped 8 at a time: the wall time; nothing may be left
#
# The daemon is /bin/sleep, which waits and never wakes. Pidfiles and logs
# live in one directory on a tmpfs, as /run is one. Self-contained: builds
# static binaries into a scratch directory, stops what it started and
# removes the directory on exit.
set -euo pipefail
n=${1:-500}
[[ $n =~ ^[1-9][0-9]*$ ]] || { echo "usage: bash bench/scale.sh [N]" >&2; exit 2; }
[[ $(id -u) == 0 ]] || { echo "bench/scale.sh: skipped: run it as root (it measures root's inotify instances)" >&2; exit 0; }

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
umask 022
. "$repo/bench/lib.sh"
tmp=$(scratch scale)
lsb=$tmp/bin/lsbinit
cleanup() {
	ls "$tmp"/conf/*.conf 2>/dev/null | xargs -r -P8 -I{} "$lsb" -q -c {} stop >/dev/null 2>&1 || true
	[[ -n ${floor_pids:-} ]] && kill $floor_pids 2>/dev/null || true
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

now_us() { local t=${EPOCHREALTIME//[!0-9]/}; echo "$t"; }
median() { sort -n | awk '{ v[NR] = $1 } END { n = NR; print (n % 2) ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2 }'; }
ms() { awk -v us="$1" 'BEGIN { printf "%.1f", us / 1000 }'; }
conf() { printf '%s/conf/s%03d.conf' "$tmp" "$1"; }
supervisors() { for f in "$tmp"/run/*.pid.lsbinit; do sed -n 's/^supervisor=//p' "$f"; done; }
daemons() { for f in "$tmp"/run/*.pid.lsbinit; do sed -n 's/^daemon=//p' "$f"; done; }
field() { awk -v k="$2:" '$1 == k { print $2 }' "/proc/$1/status"; }
slices() { # slices PID...: "PID timeslices" for each, all its threads' together
	local p files=()
	for p; do files+=(/proc/"$p"/task/*/schedstat); done
	awk '{ split(FILENAME, f, "/"); s[f[3]] += $3 } END { for (p in s) print p, s[p] }' "${files[@]}" 2>/dev/null | sort
}
pss() { local p s=0; for p; do s=$((s + $(awk '/^Pss:/ { print $2 }' "/proc/$p/smaps_rollup"))); done; echo "$s"; }
# memline WHAT PIDS...: median RSS and anonymous memory, in KiB.
memline() {
	local what=$1; shift
	printf '%-28s RSS %6s KiB  anon %6s KiB\n' "$what" \
		"$(for p; do field "$p" VmRSS; done | median)" "$(for p; do field "$p" RssAnon; done | median)"
}
startone() { # startone I: start and stop service I, print the start's microseconds
	local t0 t
	t0=$(now_us); "$lsb" -q -c "$(conf "$1")" start; t=$(($(now_us) - t0))
	"$lsb" -q -c "$(conf "$1")" stop
	echo "$t"
}

echo "Building lsbinit and the floor into $tmp/bin ..."
mkdir -p "$tmp/bin" "$tmp/conf" "$tmp/run" "$tmp/initd"
(cd "$repo" && CGO_ENABLED=0 go build -o "$tmp/bin/" . ./bench/idle)
for ((i = 0; i <= n; i++)); do # one more than N, for start+1
	printf 'DAEMON=/bin/sleep\nDAEMON_ARGS=infinity\nPIDFILE=%s/run/s%03d.pid\nLOGFILE=%s/run/s%03d.log\n' \
		"$tmp" "$i" "$tmp" "$i" >"$(conf "$i")"
done
echo "$(uname -sr), $(nproc) CPUs, fs.inotify.max_user_instances $(cat /proc/sys/fs/inotify/max_user_instances)"

floor_pids=
for i in 1 2 3 4 5; do "$tmp/bin/idle" & floor_pids+=" $!"; done
alone=$(for r in 1 2 3 4 5 6 7 8 9; do startone "$n"; done | median)
"$lsb" -q -c "$(conf 0)" start
sleep 1
memline "floor (idle static Go)" $floor_pids
memline "supervisor, 1 service" $(supervisors)

t0=$(now_us)
failed=$(seq 1 $((n - 1)) | xargs -P8 -I{} sh -c '"$1" -q -c "$(printf "%s/conf/s%03d.conf" "$2" {})" start || echo failed' _ "$lsb" "$tmp" | grep -c failed || true)
printf 'start      %d services, 8 at a time: %s s; %d failed\n' "$n" "$(ms $((($(now_us) - t0) / 1000)))" "$failed"
sleep 2
sups=$(supervisors)

# Settle: until a second passes in which no supervisor ran (at most a
# minute), as the last starts' events are worked off.
t0=$(now_us)
for ((i = 0; i < 60; i++)); do
	before=$(slices $sups); sleep 1; after=$(slices $sups)
	[[ $before == "$after" ]] && break
done
printf 'settle     %s s after the last start\n' "$(ms $((($(now_us) - t0) / 1000)))"
before=$(slices $sups); sleep 5; after=$(slices $sups)
woke=$(join <(echo "$before") <(echo "$after") | awk '$2 != $3' | wc -l)
printf 'idle       %d of %d supervisors ran in 5 idle seconds\n' "$woke" "$(wc -w <<<"$sups")"

# The looks are bash's own, every millisecond: no program is started
# while the supervisors repair (it would compete with them for the 2
# cores, and its own start would be counted); `read -t` on a pipe this
# shell holds both ends of is the pause.
victims=$(ls "$tmp"/run/*.pid | shuf -n 50)
exec {pause}<> <(:)
t0=${EPOCHREALTIME//[!0-9]/}; rm -f $victims
while :; do
	back=0; for v in $victims; do [[ -s $v ]] && back=$((back + 1)); done
	t=$((${EPOCHREALTIME//[!0-9]/} - t0))
	[[ $back == 50 || $t -gt 30000000 ]] && break
	read -r -t 0.001 -u "$pause" _ || true
done
exec {pause}<&-
printf 'repair     50 pidfiles removed at once: %d back after %s ms\n' "$back" "$(ms "$t")"

for what in list list-json; do
	args=(list); [[ $what == list-json ]] && args=(list --json)
	t=$(for r in 1 2 3 4 5; do t0=$(now_us); "$lsb" "${args[@]}" --config-dir "$tmp/conf" --initd-dir "$tmp/initd" >/dev/null; echo $(($(now_us) - t0)); done | median)
	printf '%-10s %s ms (median of 5)\n' "$what" "$(ms "$t")"
done

busy=$(for r in 1 2 3 4 5 6 7 8 9; do startone "$n"; done | median)
printf 'start+1    %s ms with %d running, %s ms with none (%s x)\n' "$(ms "$busy")" "$n" "$(ms "$alone")" \
	"$(awk -v a="$busy" -v b="$alone" 'BEGIN { printf "%.2f", a / b }')"

memline "supervisor, $n services" $sups
printf 'memory     PSS of the %d supervisors %d MiB; of their %d daemons %d MiB\n' "$n" "$(($(pss $sups) / 1024))" "$n" "$(($(pss $(daemons)) / 1024))"

# Counted last: reading the logs opens them, which wakes each supervisor
# (a log opened may be logrotate's copytruncate: README, "Logs and rotation").
inotify=0
for p in $sups; do ls -l "/proc/$p/fd" 2>/dev/null | grep -q 'anon_inode:inotify' && inotify=$((inotify + 1)); done
logs=$(for ((i = 0; i < n; i++)); do printf '%s/run/s%03d.log ' "$tmp" "$i"; done)
shared=$({ grep -l "watched through another lsbinit process's" $logs || true; } | wc -l)
dnotify=$({ grep -l "watched through dnotify" $logs || true; } | wc -l)
printf 'watches    %d through their own inotify instance, %d through another supervisor'"'"'s, %d through dnotify\n' "$inotify" "$shared" "$dnotify"

t0=$(now_us)
ls "$tmp"/conf/*.conf | xargs -P8 -I{} "$lsb" -q -c {} stop
left=$(find "$tmp/run" -name '*.pid' | wc -l)
# A supervisor lets go of its lock as the last thing before it exits;
# wait (at most 10 s) until the last has gone, as a zombie reaped too.
for ((i = 0; i < 100; i++)); do
	alive=0; for p in $sups; do [[ -e /proc/$p && $(awk '{ print $3 }' "/proc/$p/stat" 2>/dev/null) != Z ]] && alive=$((alive + 1)); done
	[[ $alive == 0 ]] && break
	sleep 0.1
done
printf 'stop       %d services, 8 at a time: %s s; %d pidfiles and %d supervisors left\n' "$n" "$(ms $((($(now_us) - t0) / 1000)))" "$left" "$alive"
