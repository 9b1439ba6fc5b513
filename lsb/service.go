package lsb

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/lsbinit/lsbinit/internal/paths"
	"github.com/lsbinit/lsbinit/internal/ready"
	"github.com/lsbinit/lsbinit/internal/schedule"
)

// Service describes one service. Only Name and one of Path or Run are
// required; every other zero value means the documented default.
type Service struct {
	// Name is the service's name, used in messages and default paths.
	Name string
	// Desc is the human name in messages ("Starting Desc: Name."); default Name.
	Desc string
	// Version is printed by the version action.
	Version string

	// PidFile is the pidfile. Default: /run/NAME.pid as root, else
	// $XDG_RUNTIME_DIR/NAME.pid or /tmp/lsbinit-UID/NAME.pid.
	PidFile string
	// LogFile receives the daemon's stdout and stderr; "none" discards
	// them. Default: /var/log/NAME.log as root, else beside the pidfile.
	LogFile string
	// LockFile, when set, is created on start and removed on stop (the
	// Red Hat subsystem lock, e.g. /var/lock/subsys/NAME).
	LockFile string

	// Path is the absolute path of the program to run as the daemon, with
	// arguments Args (not including the program name). When Path is empty,
	// the daemon is this Go program itself, running Run.
	Path string
	Args []string
	// Run is the daemon's body in a Go program: it runs in the background
	// process and should return when ctx is cancelled (on stop). A non-nil
	// error is written to the log and ends the daemon with status 1.
	Run func(ctx context.Context) error
	// Reload is called in the daemon when the reload signal arrives, on a
	// goroutine of its own: it runs concurrently with Run, which must
	// guard what they share. The reload action waits for it (at most
	// StartTimeout): a non-nil error makes reload exit 1 with its message,
	// and is written to the log; the daemon runs on. For a Go program,
	// nil means reload is unsupported (reload exits 3).
	Reload func() error
	// ReloadSignal is what reload sends; default SIGHUP.
	ReloadSignal syscall.Signal
	// NoReload makes reload answer "unsupported" (exit 3) and force-reload
	// restart instead.
	NoReload bool

	// Env holds extra KEY=value entries added to the daemon's environment,
	// which is otherwise the environment the action was invoked with.
	Env []string
	// User and Group, when set, are the identity the daemon runs as (with
	// the user's supplementary groups). Default: unchanged.
	User, Group string
	// Dir is the daemon's working directory; default "/".
	Dir string
	// Umask is the daemon's umask; zero means 022, a negative value means 0.
	Umask int
	// Nice is added to the daemon's scheduling priority (-20..19).
	Nice int
	// StopSchedule is a start-stop-daemon --retry schedule; default
	// "TERM/30/KILL/5". KILL is sent to the daemon's whole process group.
	StopSchedule string
	// StartTimeout bounds how long start waits for readiness; default 30s.
	StartTimeout time.Duration
	// Ready says when start may report success: "exec" (the default: the
	// daemon is still alive ReadyDelay after exec), "notify" (it sends
	// sd_notify READY=1, see the Ready function), "tcp:HOST:PORT" (it
	// accepts connections there), "file:PATH" (it creates or changes the
	// file), or "delay:DURATION" (it is still alive after DURATION).
	Ready string
	// ReadyDelay is how long the daemon must stay alive after exec before
	// start reports success with Ready "exec"; default 200ms. A daemon
	// that exits sooner makes start fail with its last log lines.
	ReadyDelay time.Duration
	// PidFileByDaemon says the program forks into the background itself
	// and writes PidFile (nginx, redis-server with daemonize yes). The
	// supervisor then locks PidFile+".lock" instead, and trusts the PID
	// the daemon writes only once it is proved to be DAEMON and its own.
	PidFileByDaemon bool
	// Respawn restarts a daemon that ended on its own: "no" (default),
	// "on-failure" (a non-zero exit or a signal) or "always", after a
	// back-off from 100ms doubling to 30s (reset after 10s of running).
	Respawn string

	// Check validates the daemon's own configuration (think `nginx -t`).
	// It runs before start, and before restart, reload and force-reload
	// stop or signal anything; when it fails the running instance is left
	// alone and the action exits 6. CheckCommand does the same with a
	// program and its arguments; its output is shown on failure.
	Check        func() error
	CheckCommand []string

	// Header holds the LSB comment header fields printed by the header action.
	Header Header
	// InitInfo, when set, is the whole LSB comment block as a constant
	// string of the program, starting with a newline, so that the binary
	// itself can be /etc/init.d/NAME: insserv (update-rc.d) and
	// systemd-sysv-generator read init scripts line by line, and find the
	// block in the executable. After "### END INIT INFO" it should carry
	// "# pidfile: PATH" and a line "Usage: NAME {start|...|reload|...}"
	// that is not a comment (the generator adds ExecReload= only then).
	// The header action prints it instead of the block built from Header.
	// See examples/hello.
	InitInfo string

	// Stdout and Stderr receive messages; default os.Stdout and os.Stderr.
	Stdout, Stderr io.Writer

	// Source names the file the Service was read from, if any (the
	// lsbinit binary sets it to the config file). When set, start records
	// the running instance under it, so that stop, status and restart
	// still find that instance after the file is broken, removed or
	// changed to name another pidfile: see Recorded.
	Source string
}

// Header is the LSB init-script comment header (LSB Core, "Comment
// Conventions for Init Scripts"). Empty fields take the defaults noted.
type Header struct {
	Provides         string // default Name
	RequiredStart    string // default "$remote_fs $syslog"
	RequiredStop     string // default RequiredStart (with its default)
	ShouldStart      string
	ShouldStop       string
	DefaultStart     string // default "2 3 4 5"
	DefaultStop      string // default "0 1 6"
	ShortDescription string // default Desc
	Description      string // default Desc

	// Final says the dependency and runlevel lists are given as they are
	// to be printed: an empty one declares none, rather than taking the
	// default (the lsbinit binary sets it: its config already holds the
	// defaults, and REQUIRED_START= there means "none").
	Final bool
}

// config is a Service with defaults applied and values checked.
type config struct {
	Service
	sched schedule.Schedule
	ready ready.Spec
	umask int
}

func (s Service) resolve() (*config, error) {
	if s.Name == "" || strings.ContainsAny(s.Name, "/\x00") {
		return nil, fail(ExitNotConfigured, "service name %q is not usable", s.Name)
	}
	if s.Path == "" && s.Run == nil {
		return nil, fail(ExitNotConfigured, "%s: neither a program (DAEMON) nor a Run function is set", s.Name)
	}
	if s.Path != "" && !filepath.IsAbs(s.Path) {
		return nil, fail(ExitNotConfigured, "%s: DAEMON %q is not an absolute path", s.Name, s.Path)
	}
	c := &config{Service: s}
	c.fillDefaults()
	var err error
	if c.sched, err = schedule.Parse(c.StopSchedule); err != nil {
		return nil, fail(ExitNotConfigured, "%s: STOP_SCHEDULE: %v", s.Name, err)
	}
	if c.ready, err = ready.Parse(c.Ready); err != nil {
		return nil, fail(ExitNotConfigured, "%s: READY: %v", s.Name, err)
	}
	switch c.Respawn {
	case "", "no", "on-failure", "always":
	default:
		return nil, fail(ExitNotConfigured, "%s: RESPAWN %q is not one of no, on-failure, always", s.Name, c.Respawn)
	}
	for _, p := range []struct{ key, val string }{{"PIDFILE", c.PidFile}, {"LOGFILE", c.LogFile}, {"LOCKFILE", c.LockFile}, {"CHDIR", c.Dir}} {
		if p.val != "" && p.val != "none" && !filepath.IsAbs(p.val) {
			return nil, fail(ExitNotConfigured, "%s: %s %q is not an absolute path", s.Name, p.key, p.val)
		}
	}
	if c.Nice < -20 || c.Nice > 19 {
		return nil, fail(ExitNotConfigured, "%s: NICE %d is outside -20..19", s.Name, c.Nice)
	}
	return c, nil
}

func (c *config) fillDefaults() {
	uid := os.Geteuid()
	if c.Desc == "" {
		c.Desc = c.Name
	}
	if c.PidFile == "" {
		c.PidFile = paths.PidFile(c.Name, uid, os.Getenv)
	}
	if c.LogFile == "" {
		c.LogFile = paths.LogFile(c.Name, c.PidFile, uid)
	}
	if c.ReloadSignal == 0 {
		c.ReloadSignal = syscall.SIGHUP
	}
	if c.Path == "" && c.Reload == nil {
		c.NoReload = true
	}
	if c.Dir == "" {
		c.Dir = "/"
	}
	switch {
	case c.Umask == 0:
		c.umask = 0o022
	case c.Umask < 0:
		c.umask = 0
	default:
		c.umask = c.Umask
	}
	if c.StopSchedule == "" {
		c.StopSchedule = "TERM/30/KILL/5"
	}
	if c.StartTimeout <= 0 {
		c.StartTimeout = 30 * time.Second
	}
	if c.ReadyDelay <= 0 {
		c.ReadyDelay = 200 * time.Millisecond
	}
	if c.Stdout == nil {
		c.Stdout = os.Stdout
	}
	if c.Stderr == nil {
		c.Stderr = os.Stderr
	}
}

// stateFile is the sidecar where the supervisor records who it is and how
// far the daemon got; the pidfile itself holds nothing but the PID.
func (c *config) stateFile() string { return c.PidFile + ".lsbinit" }

// preflight checks, before anything is created, what start needs: the
// program (5), and the identity and directory it runs with (6).
func (c *config) preflight() error {
	if err := c.checkInstalled(); err != nil {
		return err
	}
	if _, _, err := c.credential(); err != nil {
		return withCode(ExitNotConfigured, fmt.Errorf("%s: %w", c.Name, err))
	}
	if info, err := os.Stat(c.Dir); err != nil || !info.IsDir() {
		return fail(ExitNotConfigured, "%s: CHDIR %s: no such directory", c.Name, c.Dir)
	}
	if c.Nice < 0 && os.Geteuid() != 0 {
		return fail(ExitNoPrivilege, "%s: NICE %d (a higher priority) needs root", c.Name, c.Nice)
	}
	return nil
}

// checkInstalled answers LSB's "program is not installed" (5).
func (c *config) checkInstalled() error {
	if c.Path == "" {
		return nil
	}
	info, err := os.Stat(c.Path)
	if err != nil {
		return fail(ExitNotInstalled, "%s: DAEMON %s: %v", c.Name, c.Path, unwrapPath(err))
	}
	if info.IsDir() || info.Mode().Perm()&0o111 == 0 {
		return fail(ExitNotInstalled, "%s: DAEMON %s is not an executable file", c.Name, c.Path)
	}
	return nil
}

func unwrapPath(err error) error {
	if pe, ok := err.(*os.PathError); ok {
		return pe.Err
	}
	return err
}
