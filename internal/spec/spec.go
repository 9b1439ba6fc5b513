// Package spec is the resolved service: one typed description of what to
// run and how, with every default applied and every value checked once,
// built by the library (lsb.Service) or by the lsbinit binary (its config
// files) and then handed, unchanged, to the process that acts on it. The
// paths and budgets derived from it are derived here and nowhere else.
package spec

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/lsbinit/lsbinit/internal/exitcode"
	"github.com/lsbinit/lsbinit/internal/paths"
	"github.com/lsbinit/lsbinit/internal/ready"
	"github.com/lsbinit/lsbinit/internal/schedule"
)

// Spec is one service, resolved. Complete fills in its defaults.
type Spec struct {
	Name    string // the service's name, in messages and default paths
	Desc    string // its human name in messages, default Name
	Version string // printed by the version action

	PidFile  string // absolute
	LogFile  string // absolute, or "none"
	LockFile string // the subsystem lock file, or ""

	Path string   // the program to run, absolute; "" runs Run
	Args []string // its arguments after the program name
	// Run is a Go program's daemon body, when Path is "".
	Run func(ctx context.Context) error `json:"-"`
	// Reload is a Go program's reload body, nil when it has none.
	Reload func() error `json:"-"`
	// ReloadSignal is what reload sends.
	ReloadSignal syscall.Signal
	// NoReload says reload is unsupported (exit 3).
	NoReload bool

	Env          []string // KEY=value added to the daemon's environment
	User, Group  string   // the daemon's identity; "" leaves it unchanged
	Dir          string   // the daemon's working directory
	Umask        int      // the daemon's umask, as it is set
	Nice         int      // added to the daemon's priority, -20..19
	Schedule     schedule.Schedule
	StartTimeout time.Duration
	Ready        ready.Spec
	ReadyDelay   time.Duration // how long a READY=exec daemon must live
	// PidFileByDaemon says the program forks and writes PidFile itself.
	PidFileByDaemon bool
	Respawn         Respawn
	// Listen are the sockets the supervisor creates and hands the daemon.
	Listen []Socket
	// Restart is how restart replaces a daemon while the supervisor
	// keeps its sockets: RestartStopStart (the default) or RestartOverlap.
	Restart RestartMode
	// FDStoreMax bounds how many descriptors the daemon may hand to its
	// supervisor with sd_notify FDSTORE=1; 0 turns the store off.
	FDStoreMax int

	Check        func() error `json:"-"` // a Go program's configuration check
	CheckCommand []string     // CHECK_CMD: a program and its arguments

	// Health is a Go program's health check, run inside its daemon; it
	// wins over HealthCommand (HEALTH_CMD). The interval, timeout and
	// retries apply to either (README, "Health checks").
	Health         func(ctx context.Context) error `json:"-"`
	HealthCommand  []string
	HealthInterval time.Duration
	HealthTimeout  time.Duration
	HealthRetries  int

	Header   Header // the LSB comment header, every field final
	InitInfo string // a program's own embedded header block, if any

	Stdout, Stderr io.Writer `json:"-"` // where messages go
	// Source is the file the service was read from, if any: the running
	// instance is recorded under it.
	Source string
}

// The defaults, where a value is not given.
const (
	DefaultStartTimeout = 30 * time.Second
	DefaultReadyDelay   = 200 * time.Millisecond
	DefaultDir          = "/"
	DefaultUmask        = 0o022
)

// StopGrace is how long stop may take beyond the stop schedule: the
// supervisor stops the daemon's leftovers (TERM, then KILL two seconds
// later) and removes its files.
const StopGrace = 5 * time.Second

// StartGrace is how long start may take beyond StartTimeout, for the
// supervisor to stop what did not become ready and to report.
const StartGrace = 5 * time.Second

// New is the service name before anything is set: the values whose zero
// means something (a umask of 0, an empty dependency list) at their
// defaults. Every other default is applied by Complete, to what is still
// zero. A config file's keys are set on a New spec; a Spec built field by
// field (the library's) reads an empty list as "the default".
func New(name string) *Spec {
	return &Spec{Name: name, Umask: DefaultUmask, Header: Header{}.WithListDefaults()}
}

// Complete applies the defaults to what is unset, and checks the rest.
// Its errors carry exit code 6 and name the key (in the config file's
// words) and the service.
func (s *Spec) Complete() error { return s.CompleteFor(os.Geteuid(), os.Getenv) }

// CompleteFor is Complete for the user uid, with getenv for the
// environment the default paths depend on ($XDG_RUNTIME_DIR).
func (s *Spec) CompleteFor(uid int, getenv func(string) string) error {
	if s.Name == "" || strings.ContainsAny(s.Name, "/\x00") {
		return exitcode.Fail(exitcode.NotConfigured, "service name %q is not usable", s.Name)
	}
	s.fillDefaults(uid, getenv)
	return s.check()
}

func (s *Spec) fillDefaults(uid int, getenv func(string) string) {
	s.Desc = or(s.Desc, s.Name)
	s.PidFile = or(s.PidFile, paths.PidFile(s.Name, uid, getenv))
	s.LogFile = or(s.LogFile, paths.LogFile(s.Name, s.PidFile, uid))
	s.Dir = or(s.Dir, DefaultDir)
	if s.ReloadSignal == 0 {
		s.ReloadSignal = syscall.SIGHUP
	}
	if s.Path == "" && s.Reload == nil {
		s.NoReload = true
	}
	if s.Schedule == nil {
		s.Schedule = schedule.Default()
	}
	if s.StartTimeout <= 0 {
		s.StartTimeout = DefaultStartTimeout
	}
	if s.Ready.Kind == "" {
		s.Ready.Kind = ready.Exec
	}
	if s.ReadyDelay <= 0 {
		s.ReadyDelay = DefaultReadyDelay
	}
	if s.Stdout == nil {
		s.Stdout = os.Stdout
	}
	if s.Stderr == nil {
		s.Stderr = os.Stderr
	}
	s.Header = s.Header.WithDefaults(s.Name, s.Desc)
	if s.Restart == "" {
		s.Restart = RestartStopStart
	}
	s.fillHealthDefaults()
}

func (s *Spec) check() error {
	if s.Path == "" && s.Run == nil {
		return exitcode.Fail(exitcode.NotConfigured, "%s: neither a program (DAEMON) nor a Run function is set", s.Name)
	}
	for _, p := range []struct{ key, val string }{{"DAEMON", s.Path}, {"PIDFILE", s.PidFile},
		{"LOGFILE", s.LogFile}, {"LOCKFILE", s.LockFile}, {"CHDIR", s.Dir}} {
		if p.val != "" && (p.key != "LOGFILE" || p.val != "none") {
			if err := CheckAbsPath(p.val); err != nil {
				return s.fail(p.key, err)
			}
		}
	}
	if err := CheckNice(s.Nice); err != nil {
		return s.fail("NICE", err)
	}
	if err := CheckUmask(s.Umask); err != nil {
		return s.fail("UMASK", err)
	}
	if _, err := ParseRestart(string(s.Restart)); err != nil {
		return s.fail("RESTART", err)
	}
	if err := CheckFDStoreMax(s.FDStoreMax); err != nil {
		return s.fail("FDSTORE_MAX", err)
	}
	if key, err := s.checkHealth(); err != nil {
		return s.fail(key, err)
	}
	if sock, held := s.heldReadyAddr(); held {
		return s.fail("READY", fmt.Errorf("%s is the LISTEN socket %s: the supervisor's socket accepts connections before the daemon runs, so it would always look ready; use READY=notify or exec", s.Ready, sock))
	}
	return nil
}

// fail is the error for a bad value of key: exit code 6, a *KeyError.
func (s *Spec) fail(key string, err error) error {
	return &exitcode.Error{Code: exitcode.NotConfigured, Err: &KeyError{Service: s.Name, Key: key, Err: err}}
}

// KeyError is a bad value, named by its key in the config file's words
// (the library renames it after its own field).
type KeyError struct {
	Service string // the service's name
	Key     string // PIDFILE, NICE, ...
	Err     error  // what is wrong with the value
}

func (e *KeyError) Error() string { return e.Service + ": " + e.Key + " " + e.Err.Error() }

func (e *KeyError) Unwrap() error { return e.Err }

// CheckAbsPath refuses a path that is not absolute.
func CheckAbsPath(p string) error {
	if !filepath.IsAbs(p) {
		return fmt.Errorf("%q is not an absolute path", p)
	}
	return nil
}

// CheckNice refuses a nice level outside -20..19.
func CheckNice(n int) error {
	if n < -20 || n > 19 {
		return fmt.Errorf("%d is out of range -20..19", n)
	}
	return nil
}

// CheckUmask refuses a umask outside 0..0777.
func CheckUmask(m int) error {
	if m < 0 || m > 0o777 {
		return fmt.Errorf("%#o is out of range 0..0777", m)
	}
	return nil
}

func or(v, def string) string {
	if v == "" {
		return def
	}
	return v
}

// Program names the daemon in messages: its path, or the service's name
// for a Go program.
func (s *Spec) Program() string { return or(s.Path, s.Name) }

// StateFile is the sidecar where the supervisor records who it is and how
// far the daemon got; the pidfile itself holds nothing but the PID.
func (s *Spec) StateFile() string { return s.PidFile + ".lsbinit" }

// LockPath is the file the supervisor locks while it runs: the pidfile,
// unless the daemon writes that itself, which then cannot carry the lock.
func (s *Spec) LockPath() string {
	if s.PidFileByDaemon {
		return s.PidFile + ".lock"
	}
	return s.PidFile
}

// ActionLockPath is the file whose flock serialises the actions that
// change the service's state; it exists only while one of them runs.
func (s *Spec) ActionLockPath() string { return s.PidFile + ".lsbinit.lock" }

// NotifyPath is the notify socket's file where sockets cannot be abstract.
func (s *Spec) NotifyPath() string { return s.PidFile + ".notify" }

// ControlPath is the control socket's file where sockets cannot be
// abstract.
func (s *Spec) ControlPath() string { return s.PidFile + ".control" }

// StopBudget is the longest a stop may take: the stop schedule plus
// StopGrace. forever is true when the schedule repeats without end.
func (s *Spec) StopBudget() (d time.Duration, forever bool) {
	total, forever := s.Schedule.Total()
	return total + StopGrace, forever
}

// StartBudget is the longest a start may take: StartTimeout plus StartGrace.
func (s *Spec) StartBudget() time.Duration { return s.StartTimeout + StartGrace }

// ActionBound is the longest one action may take: a restart's stop and its
// start (and a CHECK_CMD, bounded by StartTimeout too). It is negative
// (no bound) when the schedule repeats forever.
func (s *Spec) ActionBound() time.Duration {
	stop, forever := s.StopBudget()
	if forever {
		return -1
	}
	return stop + s.StartTimeout + s.StartBudget()
}
