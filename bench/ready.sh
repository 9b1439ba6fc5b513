#!/usr/bin/env bash
# bench/ready.sh [K] — what READY=exec costs and what it still catches.
#
# For real daemons (Python's http.server, a Node HTTP server, nginx,
# redis-server, a Go daemon) and for daemons that fail while they start
# (busy for 5, 50 or 150 ms, then exit 1) or after a sleep (asleep for 5,
# 50 or 150 ms, then exit 1), it runs `lsbinit start` K times (default 10)
# with READY=exec, which is ready once the daemon has settled, and with
# READY=delay:200ms, the fixed proof of life READY=exec used to be. It
# prints the median time start took, and how many of the K starts
# succeeded (exit 0) and failed (exit 1). A good proof returns fast for
# the real daemons and fails every start of a daemon that dies.
#
# Self-contained: builds lsbinit and the test daemon into a temporary
# directory, writes nothing outside it, stops what it started. A daemon
# whose program is missing is skipped. Linux only.
set -euo pipefail

K=${1:-10}
[[ $K =~ ^[1-9][0-9]*$ ]] || { echo "usage: bash bench/ready.sh [K]" >&2; exit 2; }
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
umask 022
. "$root/bench/lib.sh"
tmp=$(scratch ready)
bin=$tmp/bin
cleanup() {
	local c
	for c in "$tmp"/*.conf; do
		[[ -e $c ]] && "$bin/lsbinit" -q -c "$c" stop >/dev/null 2>&1 || true
	done
	rm -rf "$tmp"
}
trap cleanup EXIT
(cd "$root" && CGO_ENABLED=0 go build -trimpath -o "$bin/lsbinit" . &&
	CGO_ENABLED=0 go build -trimpath -o "$bin/testdaemon" ./internal/testdaemon/cmd/testdaemon)

now_us() { local t=${EPOCHREALTIME//[!0-9]/}; echo "$t"; }

mkdir -p "$tmp/www" "$tmp/nginx"
cat >"$tmp/nginx/nginx.conf" <<EOF
daemon off;
pid $tmp/nginx/nginx.pid;
error_log stderr;
events {}
http {
	access_log off;
	client_body_temp_path $tmp/nginx;
	proxy_temp_path $tmp/nginx;
	fastcgi_temp_path $tmp/nginx;
	uwsgi_temp_path $tmp/nginx;
	scgi_temp_path $tmp/nginx;
	server { listen 127.0.0.1:18481; root $tmp/www; }
}
EOF

# daemons: NAME|PROGRAM|ARGS (ARGS in DAEMON_ARGS syntax)
daemons=(
	"python3 http.server|$(command -v python3 || true)|-m http.server 18482 --bind 127.0.0.1 --directory $tmp/www"
	"node http server|$(command -v node || true)|-e 'require(\"http\").createServer((q, s) => s.end(\"hi\")).listen(18483, \"127.0.0.1\")'"
	"nginx|$(command -v nginx || true)|-p $tmp/nginx -c $tmp/nginx/nginx.conf"
	"redis-server|$(command -v redis-server || true)|--port 18484 --bind 127.0.0.1 --save '' --appendonly no --dir $tmp"
	"Go daemon (testdaemon)|$bin/testdaemon|-tag $tmp"
	"busy 5 ms, exit 1|$bin/testdaemon|-tag $tmp -busy 5ms -exit 1"
	"busy 50 ms, exit 1|$bin/testdaemon|-tag $tmp -busy 50ms -exit 1"
	"busy 150 ms, exit 1|$bin/testdaemon|-tag $tmp -busy 150ms -exit 1"
	"asleep 5 ms, exit 1|/bin/sh|-c 'sleep 0.005; exit 1'"
	"asleep 50 ms, exit 1|/bin/sh|-c 'sleep 0.05; exit 1'"
	"asleep 150 ms, exit 1|/bin/sh|-c 'sleep 0.15; exit 1'"
)

# trial CONF: K starts (each followed by a stop); prints
# "median-ms ok failed".
trial() {
	local i t0 code ok=0 bad=0 v=()
	for ((i = 0; i < K; i++)); do
		t0=$(now_us)
		code=0
		"$bin/lsbinit" -q -c "$1" start >/dev/null 2>&1 || code=$?
		v+=($(($(now_us) - t0)))
		if [[ $code == 0 ]]; then ok=$((ok + 1)); else bad=$((bad + 1)); fi
		"$bin/lsbinit" -q -c "$1" stop >/dev/null 2>&1 || true
	done
	printf '%s\n' "${v[@]}" | sort -n | awk -v ok=$ok -v bad=$bad '{v[NR]=$1} END {printf "%7.1f ms  %2d ok %2d failed", v[int((NR+1)/2)]/1000, ok, bad}'
}

echo "$(uname -sr), $(nproc) CPUs; $K starts each; median time of start, and its outcomes"
printf '| %-24s | %-30s | %-30s |\n' daemon "READY=exec (settled)" "READY=delay:200ms (fixed)"
printf '|%s|%s|%s|\n' -------------------------- -------------------------------- --------------------------------
n=0
for d in "${daemons[@]}"; do
	IFS='|' read -r name prog args <<<"$d"
	if [[ -z $prog || ! -x $prog ]]; then
		printf '| %-24s | %-30s | %-30s |\n' "$name" "(not installed)" ""
		continue
	fi
	n=$((n + 1))
	row=()
	for ready in exec delay:200ms; do
		conf=$tmp/d$n-${ready%%:*}.conf
		printf 'DAEMON=%s\nDAEMON_ARGS="%s"\nPIDFILE=%s\nLOGFILE=%s\nREADY=%s\nSTOP_SCHEDULE=TERM/5/KILL/5\n' \
			"$prog" "${args//\"/\\\"}" "$tmp/d$n.pid" "$tmp/d$n.log" "$ready" >"$conf"
		row+=("$(trial "$conf")")
	done
	printf '| %-24s | %-30s | %-30s |\n' "$name" "${row[0]}" "${row[1]}"
done

# READY=notify: how soon start returns once the daemon has said READY=1
# (the test daemon stamps the time just before it sends it).
conf=$tmp/notify.conf
printf 'DAEMON=%s\nDAEMON_ARGS="-tag %s -notify -ready-after 50ms -ready-stamp %s"\nPIDFILE=%s\nLOGFILE=%s\nREADY=notify\n' \
	"$bin/testdaemon" "$tmp" "$tmp/ready-stamp" "$tmp/notify.pid" "$tmp/notify.log" >"$conf"
v=()
for ((i = 0; i < K; i++)); do
	"$bin/lsbinit" -q -c "$conf" start
	t1=$(now_us)
	v+=($((t1 - $(cat "$tmp/ready-stamp"))))
	"$bin/lsbinit" -q -c "$conf" stop
done
echo
echo "READY=notify: start returned $(printf '%s\n' "${v[@]}" | sort -n | awk '{v[NR]=$1} END {printf "%.2f ms (median; %.2f-%.2f)", v[int((NR+1)/2)]/1000, v[1]/1000, v[NR]/1000}') after the daemon said READY=1"
