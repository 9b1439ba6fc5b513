package proc

import (
	"bufio"
	"bytes"
	"os"
	"strconv"
	"syscall"
	"time"
)

// Usage is what a process uses: its resident set, the part of it no
// other process shares (private pages), and its CPU time (its threads',
// not its children's). ok is false when pid is gone or not readable.
func Usage(pid int) (rss, private int64, cpu time.Duration, ok bool) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/smaps_rollup")
	if err != nil {
		return 0, 0, 0, false
	}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		f := bytes.Fields(sc.Bytes())
		if len(f) < 2 {
			continue
		}
		kb, _ := strconv.ParseInt(string(f[1]), 10, 64)
		switch string(f[0]) {
		case "Rss:":
			rss = kb << 10
		case "Private_Clean:", "Private_Dirty:":
			private += kb << 10
		}
	}
	cpu, _ = processClock(pid)
	return rss, private, cpu, true
}

// Owner is the user ID pid runs as (its effective one).
func Owner(pid int) (uid int, ok bool) {
	info, err := os.Stat("/proc/" + strconv.Itoa(pid))
	if err != nil {
		return 0, false
	}
	st, ok := info.Sys().(*syscall.Stat_t)
	if !ok {
		return 0, false
	}
	return int(st.Uid), true
}

// Snapshot reads every live process's parent, once: a Table to find
// any number of process trees in.
func Snapshot() Table {
	t := Table{}
	for _, pid := range List() {
		if p, err := Parent(pid); err == nil {
			t[pid] = p
		}
	}
	return t
}
