package lsb

import (
	"context"
	"errors"
	"fmt"
	"io"
	"syscall"
	"time"

	"github.com/lsbinit/lsbinit/internal/exitcode"
	"github.com/lsbinit/lsbinit/internal/spec"
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
	// and is written to the log; the daemon runs on. A reload that comes
	// before the daemon catches the signal (a loaded machine may not have
	// run it that far when start, ready, returned) waits until it does.
	// For a Go program, nil means reload is unsupported (reload exits 3,
	// force-reload restarts). It is the Go program's: a program at Path
	// gets the signal.
	Reload func() error
	// ReloadSignal is what reload sends; default SIGHUP.
	ReloadSignal syscall.Signal
	// NoReload says the program at Path cannot reload: reload exits 3,
	// and force-reload restarts. (A Go program leaves Reload nil instead.)
	NoReload bool

	// Env holds extra KEY=value entries added to the daemon's environment,
	// which is otherwise the environment the action was invoked with.
	Env []string
	// User and Group, when set, are the identity the daemon runs as (with
	// the user's supplementary groups). Default: unchanged.
	User, Group string
	// Dir is the daemon's working directory; default "/".
	Dir string
	// Umask is the daemon's umask; the zero Mask means 022. Set it with
	// Umask: lsb.Umask(0o027).
	Umask Mask
	// Nice is added to the daemon's scheduling priority (-20..19).
	Nice int
	// StopSchedule is how stop ends the daemon: a start-stop-daemon
	// --retry schedule such as MustParseSchedule("TERM/30/KILL/5"), the
	// default. KILL is sent to the daemon's whole process group.
	StopSchedule Schedule
	// StartTimeout bounds how long start waits for readiness; default 30s.
	StartTimeout time.Duration
	// Ready says when start may report success. The zero Readiness waits
	// until the daemon has settled (see ReadyDelay); see
	// WhenNotified, WhenListening, WhenFileChanges and AfterDelay.
	Ready Readiness
	// ReadyDelay bounds the zero Readiness: a daemon is ready once it has
	// settled (asleep and using no CPU for 5ms, at least 10ms after exec),
	// or when it is still alive ReadyDelay after exec; default 200ms. A
	// daemon that exits sooner makes start fail with its last log lines.
	ReadyDelay time.Duration
	// PidFileByDaemon says the program forks into the background itself
	// and writes PidFile (nginx, redis-server with daemonize yes). The
	// supervisor then locks PidFile+".lock" instead, and trusts the PID
	// the daemon writes only once it is proved to be DAEMON and its own.
	PidFileByDaemon bool
	// Respawn restarts a daemon that ended on its own: RespawnNo (the
	// default), RespawnOnFailure (a non-zero exit or a signal) or
	// RespawnAlways, after a back-off from 100ms doubling to 30s (reset
	// after 10s of running).
	Respawn Respawn
	// Listen are sockets the supervisor creates before the daemon runs
	// (as root, before dropping to User: ports below 1024 too) and holds
	// for as long as it runs, in LISTEN's words: "tcp:HOST:PORT",
	// "tcp6:[ADDR]:PORT", "udp:HOST:PORT", "unix:/PATH", each optionally
	// "NAME=" prefixed. The daemon gets them with Listener(name); restart
	// and respawn keep them open, so no connection is refused meanwhile.
	Listen []string
	// Restart is how restart replaces the daemon when Listen or
	// FDStoreMax is set: RestartStopStart (the default) or RestartOverlap.
	Restart RestartMode
	// FDStoreMax is how many descriptors the daemon may keep with its
	// supervisor across restarts and respawns (Store, StoredFiles);
	// 0, the default, keeps none.
	FDStoreMax int

	// Check validates the daemon's own configuration (think `nginx -t`).
	// It runs before start, and before restart, reload and force-reload
	// stop or signal anything; when it fails the running instance is left
	// alone and the action exits 6. CheckCommand does the same with a
	// program and its arguments; its output is shown on failure.
	Check        func() error
	CheckCommand []string

	// Health checks the running daemon from inside it (README, "Health
	// checks"): the supervisor asks the daemon every HealthInterval
	// (default 30s) once it is ready, and Health runs there, with a ctx
	// cancelled after HealthTimeout (default 10s); nil passes. After
	// HealthRetries (default 3) failures in a row the daemon is
	// unhealthy, and with Respawn it is restarted. HealthCommand is a
	// program and its arguments run by the supervisor instead, as
	// HEALTH_CMD is; when both are set, Health wins.
	Health         func(ctx context.Context) error
	HealthCommand  []string
	HealthInterval time.Duration
	HealthTimeout  time.Duration
	HealthRetries  int

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
}

// resolve turns s into the resolved service, with every default applied
// and every value checked, in the words of Service's fields.
func (s Service) resolve() (*spec.Spec, error) {
	c := &spec.Spec{
		Name: s.Name, Desc: s.Desc, Version: s.Version,
		PidFile: s.PidFile, LogFile: s.LogFile, LockFile: s.LockFile,
		Path: s.Path, Args: s.Args, Run: s.Run, Reload: s.Reload,
		ReloadSignal: s.ReloadSignal, NoReload: s.NoReload,
		Env: s.Env, User: s.User, Group: s.Group, Dir: s.Dir, Nice: s.Nice,
		Umask: s.Umask.value(), Schedule: s.StopSchedule.s, StartTimeout: s.StartTimeout,
		Ready: s.Ready.r, ReadyDelay: s.ReadyDelay, PidFileByDaemon: s.PidFileByDaemon,
		Respawn: s.Respawn.spec(), Check: s.Check, CheckCommand: s.CheckCommand,
		Restart: s.Restart.spec(), FDStoreMax: s.FDStoreMax,
		Health: s.Health, HealthCommand: s.HealthCommand, HealthInterval: s.HealthInterval,
		HealthTimeout: s.HealthTimeout, HealthRetries: s.HealthRetries,
		Header: spec.Header(s.Header).WithListDefaults(), InitInfo: s.InitInfo,
		Stdout: s.Stdout, Stderr: s.Stderr, Source: s.Source,
	}
	listen, lerr := spec.ParseListen(s.Name, s.Listen)
	c.Listen = listen
	err := c.Complete()
	if err == nil && lerr != nil {
		err = exitcode.Fail(exitcode.NotConfigured, "%s: Listen: %v", s.Name, lerr)
	}
	var ke *spec.KeyError
	if errors.As(err, &ke) {
		ke.Key = fields[ke.Key]
	}
	if err == nil {
		err = s.check()
	}
	return c, err
}

// fields names the keys of spec's checks as Service's fields.
var fields = map[string]string{"DAEMON": "Path", "PIDFILE": "PidFile", "LOGFILE": "LogFile",
	"LOCKFILE": "LockFile", "CHDIR": "Dir", "NICE": "Nice", "UMASK": "Umask",
	"RESTART": "Restart", "FDSTORE_MAX": "FDStoreMax", "READY": "Ready",
	"HEALTH_INTERVAL": "HealthInterval", "HEALTH_TIMEOUT": "HealthTimeout", "HEALTH_RETRIES": "HealthRetries"}

// check finds what the typed settings cannot rule out.
func (s Service) check() error {
	fail := func(format string, args ...any) error {
		return exitcode.Fail(exitcode.NotConfigured, "%s: %s", s.Name, fmt.Sprintf(format, args...))
	}
	switch {
	case s.Ready.err != nil:
		return fail("Ready: %v", s.Ready.err)
	case s.Restart != RestartStopStart && s.Restart != RestartOverlap:
		return fail("Restart: %d is not RestartStopStart or RestartOverlap", int(s.Restart))
	case s.Respawn.spec() < 0:
		return fail("Respawn: %d is not RespawnNo, RespawnOnFailure or RespawnAlways", int(s.Respawn))
	case s.Path != "" && s.Reload != nil:
		return fail("Reload is set, but the daemon is the program at Path: reload sends it ReloadSignal")
	case s.Health != nil && (s.Path != "" || s.PidFileByDaemon):
		return fail("Health is set, but the daemon is not this program started by its supervisor: use HealthCommand")
	case s.Path == "" && s.NoReload:
		return fail("NoReload is for a program at Path: a Go program without reload leaves Reload nil")
	}
	return nil
}
