#!/usr/bin/env bash
# bench/list.sh [N] [ROUNDS] — how long `lsbinit list` takes with N
# services (default 200) configured and running, and `lsbinit list
# --json`; the median of ROUNDS runs (default 5), in milliseconds, with
# `status` of one service for scale.
#
# Self-contained: builds lsbinit and the test daemon into a temporary
# directory, keeps every file there, stops what it started and removes the
# directory on exit.
set -euo pipefail
n=${1:-200}
rounds=${2:-5}
[[ $n =~ ^[1-9][0-9]*$ && $rounds =~ ^[1-9][0-9]*$ ]] || { echo "usage: bash bench/list.sh [N] [ROUNDS]" >&2; exit 2; }

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
umask 022
. "$repo/bench/lib.sh"
tmp=$(scratch list)
cleanup() {
	local c
	for c in "$tmp"/conf/*.conf; do
		[[ -e $c ]] && "$tmp/bin/lsbinit" -q -c "$c" stop >/dev/null 2>&1 || true
	done
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

now_us() { local t=${EPOCHREALTIME//[!0-9]/}; echo "$t"; }
median_ms() { sort -n | awk '{ v[NR] = $1 } END { n = NR; m = (n % 2) ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2; printf "%.1f", m / 1000 }'; }

echo "Building lsbinit and testdaemon into $tmp/bin ..."
(cd "$repo" && CGO_ENABLED=0 go build -o "$tmp/bin/" . ./internal/testdaemon/cmd/testdaemon)
mkdir -p "$tmp/conf" "$tmp/run" "$tmp/initd"
for ((i = 0; i < n; i++)); do
	printf 'DAEMON=%s\nDAEMON_ARGS="-tag %s"\nPIDFILE=%s/run/s%03d.pid\nLOGFILE=%s/run/s%03d.log\n' \
		"$tmp/bin/testdaemon" "$tmp" "$tmp" "$i" "$tmp" "$i" >"$tmp/conf/s$(printf %03d "$i").conf"
done
echo "Starting $n services ..."
for c in "$tmp"/conf/*.conf; do "$tmp/bin/lsbinit" -q -c "$c" start; done
echo "$(uname -sr), $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg)"
running=$("$tmp/bin/lsbinit" list --config-dir "$tmp/conf" --initd-dir "$tmp/initd" | grep -c ' running ')
echo "$running of $n running"
for what in list list-json status; do
	ms=$(for ((r = 0; r < rounds; r++)); do
		t0=$(now_us)
		case $what in
		list) "$tmp/bin/lsbinit" list --config-dir "$tmp/conf" --initd-dir "$tmp/initd" >/dev/null ;;
		list-json) "$tmp/bin/lsbinit" list --json --config-dir "$tmp/conf" --initd-dir "$tmp/initd" >/dev/null ;;
		status) "$tmp/bin/lsbinit" -q -c "$tmp/conf/s000.conf" status ;;
		esac
		echo $(($(now_us) - t0))
	done | median_ms)
	printf '%-10s %8s ms (median of %d)\n' "$what" "$ms" "$rounds"
done
