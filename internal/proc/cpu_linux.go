package proc

import (
	"bytes"
	"os"
	"strconv"
	"strings"
	"time"

	"golang.org/x/sys/unix"
)

// CPUTime is the CPU time that pid (all its threads) and its children
// have used so far, to the nanosecond. It reads the process's CPU clock
// (clock_getcpuclockid(3)), which the kernel keeps for every process, and
// the children listed under its main thread. ok is false when pid is gone.
func CPUTime(pid int) (d time.Duration, ok bool) {
	d, ok = processClock(pid)
	if !ok {
		return 0, false
	}
	b, _ := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/task/" + strconv.Itoa(pid) + "/children")
	for _, f := range strings.Fields(string(b)) {
		if kid, err := strconv.Atoi(f); err == nil {
			if c, ok := processClock(kid); ok {
				d += c
			}
		}
	}
	return d, true
}

// processClock reads the CPU clock of process pid: the clock ID is
// MAKE_PROCESS_CPUCLOCK(pid, CPUCLOCK_SCHED) of the kernel's
// posix-cpu-timers, what glibc's clock_getcpuclockid returns.
func processClock(pid int) (time.Duration, bool) {
	var ts unix.Timespec
	id := int32(^pid)<<3 | 2
	if err := unix.ClockGettime(id, &ts); err != nil {
		return 0, false
	}
	return time.Duration(ts.Nano()), true
}

// WaitChannel names the kernel function pid's main thread sleeps in
// ("do_epoll_wait", "hrtimer_nanosleep", "do_wait", ...), or "" when it
// cannot be told.
func WaitChannel(pid int) string {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/wchan")
	if err != nil || string(b) == "0" {
		return ""
	}
	return string(b)
}

// Asleep reports whether every thread of pid is asleep (state S): none
// runs, none waits for a CPU, none waits on a disk. A thread that waits
// for a CPU on a busy machine is not asleep, however still its clock.
func Asleep(pid int) bool {
	dir := "/proc/" + strconv.Itoa(pid) + "/task"
	tasks, err := os.ReadDir(dir)
	if err != nil || len(tasks) == 0 {
		return false
	}
	for _, t := range tasks {
		b, err := os.ReadFile(dir + "/" + t.Name() + "/stat")
		i := bytes.LastIndexByte(b, ')')
		if err != nil || i < 0 || i+2 >= len(b) || b[i+2] != 'S' {
			return false
		}
	}
	return true
}
