# bench/lib.sh — what the bench scripts share; sourced, not run.

# scratch NAME: a new private directory for one run, on a tmpfs (/dev/shm)
# unless TMPDIR says otherwise: pidfiles live on one (/run is a tmpfs on
# Debian and most systems), and a disk's latency is not what is measured.
scratch() {
	local base=${TMPDIR:-}
	if [[ -z $base ]]; then
		base=/tmp
		[[ $(stat -f -c %T /dev/shm 2>/dev/null) == tmpfs ]] && base=/dev/shm
	fi
	mktemp -d "$base/lsbinit-$1.XXXXXX"
}
