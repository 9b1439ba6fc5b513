package daemon

import (
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"

	"github.com/lsbinit/lsbinit/internal/exitcode"
)

// The environment variables through which one lsbinit process hands
// something to the program it re-executes. Each is removed from the
// environment by the process that reads it.
const (
	// RoleEnv=daemon marks the Go program re-executed to run Service.Run.
	RoleEnv = "_LSBINIT_ROLE"
	// LockEnv names the descriptor of the action lock that start passes
	// to the supervisor it spawns.
	LockEnv = "_LSBINIT_ACTIONLOCK"
	// GateEnv names the read end of a Go daemon's start gate.
	GateEnv = "_LSBINIT_GATE"
	// ReportEnv names the write end of a Go daemon's reload report pipe.
	ReportEnv = "_LSBINIT_RELOAD_REPORT"
	// SpecEnv names the pipe that carries the resolved service from
	// start to the supervisor it spawns (PassText), so that the
	// supervisor runs what start resolved, and reads no config file
	// again.
	SpecEnv = "_LSBINIT_SPEC"
)

// ReportCatching is the first line a Go daemon writes on its reload report
// pipe, once it catches the reload signal. Its supervisor holds reloads
// back until then: the signal's default action (SIGHUP's) would kill a
// daemon that a loaded machine has not yet run that far, although the
// start, ready at READY=exec's bound, has succeeded.
const ReportCatching = "catching"

// Busy is the verdict of a supervisor that found another instance holding
// the pidfile: the start that spawned it then joins that instance. It is
// outside the range of exit codes an action returns.
const Busy exitcode.Code = 200

// Incompatible is the verdict of a supervisor asked to restart in place
// (see runstate.State.Control) when the service changed in a way only a
// new supervisor can carry out (other sockets, another pidfile or log):
// restart then stops and starts.
const Incompatible exitcode.Code = 201

// PassFile gives cmd f as an extra descriptor and names its number in
// cmd's environment under key, for InheritedFile in the child.
func PassFile(cmd *exec.Cmd, key string, f *os.File) {
	cmd.ExtraFiles = append(cmd.ExtraFiles, f)
	cmd.Env = append(cmd.Env, key+"="+strconv.Itoa(2+len(cmd.ExtraFiles)))
}

// InheritedFile takes, in a re-executed program, the descriptor its parent
// named under key (see PassFile), and removes key from the environment;
// the descriptor is closed on exec from then on. set is false when key
// is not set; f is nil when its value names no usable descriptor.
func InheritedFile(key, name string) (f *os.File, set bool) {
	v := os.Getenv(key)
	if v == "" {
		return nil, false
	}
	os.Unsetenv(key)
	fd, err := strconv.Atoi(v)
	if err != nil || fd < 3 {
		return nil, true
	}
	unix.CloseOnExec(fd)
	return os.NewFile(uintptr(fd), name), true
}

// Environ is the environment a daemon gets: this process's, without the
// variables lsbinit's own processes pass each other (the role, the
// resolved service, go-daemon's marker), without NOTIFY_SOCKET, which
// belongs to whoever runs lsbinit (systemd, say: the daemon gets the
// supervisor's own with READY=notify, none otherwise), and without
// sd_listen_fds(3)'s variables (the daemon gets the supervisor's, for
// LISTEN), then extra (the configured exports).
func Environ(extra []string) []string {
	var env []string
	for _, kv := range os.Environ() {
		key, _, _ := strings.Cut(kv, "=")
		switch key {
		case RoleEnv, SpecEnv, "_GO_DAEMON", "NOTIFY_SOCKET", "LISTEN_PID", "LISTEN_FDS", "LISTEN_FDNAMES":
			continue
		case "GOMAXPROCS", savedProcsEnv:
			if _, set := os.LookupEnv(savedProcsEnv); set {
				continue // the supervisor's own, given back below
			}
		}
		env = append(env, kv)
	}
	if saved, ok := strings.CutPrefix(os.Getenv(savedProcsEnv), "="); ok {
		env = append(env, "GOMAXPROCS="+saved)
	}
	return append(env, extra...)
}

// savedProcsEnv keeps the caller's GOMAXPROCS while the supervisor runs
// with its own: "=VALUE", or "-" when it was unset.
const savedProcsEnv = "LSBINIT_GOMAXPROCS"

// SupervisorEnv is env for a supervisor about to be spawned: one thread
// running Go code from its first instruction (fewer threads, less memory,
// for a process that mostly waits), and the caller's own GOMAXPROCS kept
// aside, which Environ gives back to the daemon.
func SupervisorEnv(env []string) []string {
	saved := "-"
	if v, ok := os.LookupEnv("GOMAXPROCS"); ok {
		saved = "=" + v
	}
	out := make([]string, 0, len(env)+2)
	for _, kv := range env {
		if key, _, _ := strings.Cut(kv, "="); key != "GOMAXPROCS" && key != savedProcsEnv {
			out = append(out, kv)
		}
	}
	return append(out, "GOMAXPROCS=1", savedProcsEnv+"="+saved)
}

// PassText hands text to the process about to be spawned through a pipe
// it inherits, named in the returned environment entry under key: no
// size limit, unlike the environment. done closes this process's read
// end once the child has started; the text is written by a goroutine,
// which ends when the child has read it all, or has died.
func PassText(key, text string) (entry string, done func(), err error) {
	r, w, err := os.Pipe()
	if err != nil {
		return "", nil, err
	}
	unix.FcntlInt(r.Fd(), unix.F_SETFD, 0) // inherited across exec
	go func() {
		io.WriteString(w, text)
		w.Close()
	}()
	return key + "=" + strconv.Itoa(int(r.Fd())), func() { r.Close() }, nil
}

// InheritedText reads, in the spawned process, the text its parent passed
// under key (see PassText). set is false when none was passed.
func InheritedText(key string) (text string, set bool, err error) {
	f, set := InheritedFile(key, key)
	if !set {
		return "", false, nil
	}
	if f == nil {
		return "", true, fmt.Errorf("%s names no usable descriptor", key)
	}
	defer f.Close()
	b, err := io.ReadAll(f)
	return string(b), true, err
}
