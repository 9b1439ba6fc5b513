package proc

import (
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// List returns the PIDs of the processes this process can see.
func List() []int {
	entries, _ := os.ReadDir("/proc")
	var pids []int
	for _, e := range entries {
		if pid, err := strconv.Atoi(e.Name()); err == nil {
			pids = append(pids, pid)
		}
	}
	return pids
}

// Children lists this process's live children. It costs one system call
// when there are none, the usual case, and otherwise reads the kernel's
// per-thread children lists rather than all of /proc.
func Children() []int {
	var info unix.Siginfo
	err := unix.Waitid(unix.P_ALL, 0, &info, unix.WEXITED|unix.WNOHANG|unix.WNOWAIT, nil)
	if errors.Is(err, unix.ECHILD) {
		return nil
	}
	all, ok := ChildPIDs()
	if !ok {
		return scanChildren()
	}
	var kids []int
	for _, pid := range all {
		if Running(pid) {
			kids = append(kids, pid)
		}
	}
	return kids
}

// ChildPIDs lists every child of this process, those that have ended
// unreaped included, from the kernel's per-thread children lists. ok is
// false on a kernel without them.
func ChildPIDs() (pids []int, ok bool) {
	tasks, _ := filepath.Glob("/proc/self/task/*/children")
	if len(tasks) == 0 {
		return nil, false
	}
	for _, t := range tasks {
		b, _ := os.ReadFile(t)
		for _, f := range strings.Fields(string(b)) {
			if pid, err := strconv.Atoi(f); err == nil {
				pids = append(pids, pid)
			}
		}
	}
	return pids, true
}

// scanChildren is Children for kernels without the children lists.
func scanChildren() []int {
	self := os.Getpid()
	var kids []int
	for _, pid := range List() {
		if parent, err := Parent(pid); err == nil && parent == self && Running(pid) {
			kids = append(kids, pid)
		}
	}
	return kids
}

// Exe returns the path of the program pid runs (without the kernel's
// " (deleted)" mark for a program replaced since it started).
func Exe(pid int) (string, error) {
	exe, err := os.Readlink("/proc/" + strconv.Itoa(pid) + "/exe")
	return strings.TrimSuffix(exe, " (deleted)"), err
}

// Cmdline returns pid's arguments; nil when they cannot be read.
func Cmdline(pid int) []string { return nulList(pid, "cmdline") }

// Environ returns the environment pid was started with; nil when it
// cannot be read.
func Environ(pid int) []string { return nulList(pid, "environ") }

func nulList(pid int, file string) []string {
	data, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/" + file)
	if err != nil || len(data) == 0 {
		return nil
	}
	return strings.Split(strings.TrimSuffix(string(data), "\x00"), "\x00")
}

// State returns pid's state letter (R, S, D, Z, ...), or "" when pid is
// gone.
func State(pid int) string {
	st, err := readStat(pid)
	if err != nil {
		return ""
	}
	return string(st.state)
}

// FDs returns where pid's open file descriptors lead, by number.
func FDs(pid int) map[int]string {
	dir := "/proc/" + strconv.Itoa(pid) + "/fd"
	entries, _ := os.ReadDir(dir)
	fds := map[int]string{}
	for _, e := range entries {
		fd, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		if target, err := os.Readlink(dir + "/" + e.Name()); err == nil {
			fds[fd] = target
		}
	}
	return fds
}
