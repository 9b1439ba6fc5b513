package scripttest

// Process facts for the tests, from internal/proc (the suite runs on Linux).

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"github.com/lsbinit/lsbinit/internal/proc"
	"github.com/lsbinit/lsbinit/internal/testdaemon"
	"golang.org/x/sys/unix"
)

// ProcState returns pid's state letter ("R", "S", "Z", ...), or "" when
// there is no such process.
func ProcState(pid int) string { return proc.State(pid) }

// ParentOf returns the parent PID of pid, or 0.
func ParentOf(pid int) int {
	ppid, _ := proc.Parent(pid)
	return ppid
}

// Alive reports whether pid is a live process. A zombie is dead: it has
// exited and only waits to be reaped (by PID 1, which in some containers
// never does).
func Alive(pid int) bool {
	switch ProcState(pid) {
	case "", "Z", "X", "x":
		return false
	}
	return true
}

// AllPids lists the processes.
func AllPids() []int { return proc.List() }

// NulList reads a NUL-separated /proc file: cmdline or environ.
func NulList(pid int, file string) []string {
	if file == "environ" {
		return proc.Environ(pid)
	}
	return proc.Cmdline(pid)
}

// Mentions reports whether some arg contains s as a whole path: followed
// by the end of the arg or by "/". ($WORK of script "start" is a prefix of
// that of "start_twice", so a plain substring test would not do.)
func Mentions(args []string, s string) bool {
	for _, a := range args {
		for off := 0; ; {
			i := strings.Index(a[off:], s)
			if i < 0 {
				break
			}
			end := off + i + len(s)
			if end == len(a) || a[end] == '/' {
				return true
			}
			off += i + 1
		}
	}
	return false
}

// RunsDaemonBody reports whether pid is a live testdaemon or lsbdaemon
// process that is executing testdaemon.Run (it holds the marker memfd),
// as opposed to a supervisor sharing its executable and command line.
func RunsDaemonBody(pid int) bool {
	if !Alive(pid) {
		return false
	}
	exe, err := proc.Exe(pid)
	if err != nil {
		return false
	}
	switch filepath.Base(exe) {
	case "testdaemon", "lsbdaemon":
	default:
		return false
	}
	for _, target := range proc.FDs(pid) {
		if strings.HasPrefix(target, "/memfd:"+testdaemon.Marker) {
			return true
		}
	}
	return false
}

// Daemons lists the live daemon processes (see runsDaemonBody) whose
// command line mentions tag.
func Daemons(tag string) []int {
	var out []int
	for _, pid := range AllPids() {
		if Mentions(NulList(pid, "cmdline"), tag) && RunsDaemonBody(pid) {
			out = append(out, pid)
		}
	}
	return out
}

// KillMentioning sends SIGKILL to every process, other than this one,
// whose command line mentions dir or whose environment has WORK=dir.
func KillMentioning(dir string) {
	self := os.Getpid()
	for _, pid := range AllPids() {
		if pid == self || pid < 2 {
			continue
		}
		if Mentions(NulList(pid, "cmdline"), dir) || hasEnv(pid, "WORK="+dir) {
			unix.Kill(pid, unix.SIGKILL)
		}
	}
}

// ForgetRecords removes the instance records (see initd.Recorded) of the
// configs under dir: a test kills what it started, and a killed service
// is never stopped, which is what removes its record.
func ForgetRecords(dir string) {
	var files []string
	for _, pattern := range []string{"/run/lsbinit/*.instance", "/tmp/lsbinit-*/lsbinit/*.instance"} {
		m, _ := filepath.Glob(pattern)
		files = append(files, m...)
	}
	for _, f := range files {
		if data, err := os.ReadFile(f); err == nil && bytes.Contains(data, []byte("SOURCE="+dir+"/")) {
			os.Remove(f)
		}
	}
}

func hasEnv(pid int, kv string) bool {
	for _, e := range NulList(pid, "environ") {
		if e == kv {
			return true
		}
	}
	return false
}

var pidFileRE = regexp.MustCompile(`\A[1-9][0-9]*\n\z`)

// ReadPidFile returns the PID in a pidfile, which must hold exactly the
// PID in decimal and a newline.
func ReadPidFile(path string) (int, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return 0, err
	}
	if !pidFileRE.Match(data) {
		return 0, fmt.Errorf("pidfile %s holds %q, want a PID and a newline", path, data)
	}
	return strconv.Atoi(strings.TrimSpace(string(data)))
}
