package selftest

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/lsbinit/lsbinit/internal/proc"
	"golang.org/x/sys/unix"
)

// killUnder kills, with SIGKILL, every process the selftest left under dir
// (a row's directory or the whole scratch directory): the processes it
// started itself, the daemons that registered there, the PIDs in its
// pidfiles when they are the selftest's, and (where /proc exists) any
// process whose command line mentions dir, such as a resident lsbinit.
// It then waits, within a deadline, for them to be gone.
func (s *suite) killUnder(dir string) {
	var pids []int
	s.mu.Lock()
	for _, cmd := range s.children {
		if cmd.ProcessState == nil && cmd.Process != nil {
			cmd.Process.Kill()
		}
	}
	s.mu.Unlock()
	registry := map[int]bool{}
	files, _ := filepath.Glob(filepath.Join(dir, registryName))
	more, _ := filepath.Glob(filepath.Join(dir, "*", registryName))
	for _, f := range append(files, more...) {
		for _, pid := range (&rowCtx{dir: filepath.Dir(f)}).registered() {
			registry[pid] = true
			pids = append(pids, pid)
		}
	}
	pidfiles, _ := filepath.Glob(filepath.Join(dir, "*.pid"))
	more, _ = filepath.Glob(filepath.Join(dir, "*", "*.pid"))
	for _, f := range append(pidfiles, more...) {
		if pid, err := readPid(f); err == nil {
			pids = append(pids, pid)
		}
	}
	pids = append(pids, mentioning(dir)...)
	var killed []int
	for _, pid := range pids {
		if pid != os.Getpid() && pid > 1 && s.ours(pid, dir, registry) && proc.Signal(pid, unix.SIGKILL) == nil {
			killed = append(killed, pid)
		}
	}
	s.reapChildren()
	for _, pid := range killed {
		waitUntil(settleLimit, func() bool { return !proc.Running(pid) })
	}
}

// reapChildren waits for the processes the selftest started itself.
func (s *suite) reapChildren() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, cmd := range s.children {
		if cmd.ProcessState == nil {
			cmd.Wait()
		}
	}
}

// ours reports whether pid may be killed as one of the selftest's
// processes: where /proc shows command lines, it must mention dir (a
// pidfile can name a dead PID that an unrelated process now has);
// elsewhere it must be a daemon that registered itself.
func (s *suite) ours(pid int, dir string, registry map[int]bool) bool {
	cmdline, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/cmdline")
	if err != nil {
		return registry[pid] && !procAvailable()
	}
	return strings.Contains(string(cmdline), dir)
}

// procAvailable reports whether this system has a Linux-style /proc.
func procAvailable() bool {
	_, err := os.Stat("/proc/self/cmdline")
	return err == nil
}

// mentioning returns the PIDs of processes whose command line contains s,
// found by scanning /proc; none where there is no /proc.
func mentioning(s string) []int {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return nil
	}
	var pids []int
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil || pid <= 1 {
			continue
		}
		cmdline, err := os.ReadFile("/proc/" + e.Name() + "/cmdline")
		if err == nil && strings.Contains(string(cmdline), s) {
			pids = append(pids, pid)
		}
	}
	return pids
}
