package selftest

import (
	"os"
	"path/filepath"
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
	cmdline := proc.Cmdline(pid)
	if cmdline == nil {
		return registry[pid] && !procAvailable()
	}
	return strings.Contains(strings.Join(cmdline, "\x00"), dir)
}

// procAvailable reports whether this system shows command lines.
func procAvailable() bool { return proc.Cmdline(os.Getpid()) != nil }

// mentioning returns the PIDs of processes whose command line contains s;
// none where command lines cannot be read.
func mentioning(s string) []int {
	var pids []int
	for _, pid := range proc.List() {
		if pid > 1 && strings.Contains(strings.Join(proc.Cmdline(pid), "\x00"), s) {
			pids = append(pids, pid)
		}
	}
	return pids
}
