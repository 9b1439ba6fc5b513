package config

import (
	"cmp"
	"errors"
	"math"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"golang.org/x/sys/unix"

	"github.com/lsbinit/lsbinit/internal/ready"
	"github.com/lsbinit/lsbinit/internal/schedule"
	"github.com/lsbinit/lsbinit/internal/spec"
)

// Options says which service to load the configuration of, and from where.
// The zero value is not usable: Name or File must be set.
type Options struct {
	// Name is the service name. It is required unless File is set; then
	// it defaults to the base name of File without a ".conf" suffix.
	Name string

	// File is an explicit config file (-c FILE or $LSBINIT_CONFIG),
	// read instead of EtcDir/lsbinit/NAME.conf; it must exist.
	// "" means EtcDir/lsbinit/NAME.conf, which may be missing.
	File string

	// EtcDir is the directory holding lsbinit/, default/ and
	// sysconfig/. "" means "/etc".
	EtcDir string

	// Getenv looks up the process environment, for $VAR in values that
	// no file assigns and for XDG_RUNTIME_DIR. An empty result means
	// unset. nil means an empty environment.
	Getenv func(string) string

	// UID is the effective user ID. 0 selects root's defaults and root's
	// checks on the config files.
	UID int

	// rootOwner is the owner a config file must have when UID is 0:
	// root in real use; tests not running as root set their own uid.
	rootOwner int
}

// Config is a service's configuration, with every default applied. The
// README's config table documents each field's key.
type Config struct {
	Name  string   // service name
	Files []string // files actually read, in order

	Daemon     string   // DAEMON: absolute path of the program
	DaemonArgs []string // DAEMON_ARGS split into words; nil when empty
	Desc       string   // DESC, default Name

	// PidFile (PIDFILE) is absolute. Default: /run/NAME.pid as root,
	// else $XDG_RUNTIME_DIR/NAME.pid when that is set and absolute,
	// else /tmp/lsbinit-UID/NAME.pid.
	PidFile string

	// LogFile (LOGFILE) is absolute, or "none" for /dev/null. Default:
	// /var/log/NAME.log as root, else NAME.log beside the pidfile.
	LogFile string

	User, Group string // USER, GROUP: an existing user/group, by name or ID; "" means unchanged

	Chdir        string            // CHDIR, an existing directory, default "/"
	Umask        int               // UMASK, 0..0o777, default 0o022
	Nice         int               // NICE, -20..19, default 0
	StopSchedule schedule.Schedule // STOP_SCHEDULE, default TERM/30/KILL/5

	// ReloadSignal (RELOAD_SIGNAL) is sent by reload, default SIGHUP.
	// 0 ("none") means the service does not support reload.
	ReloadSignal unix.Signal

	Ready        ready.Spec    // READY, default exec
	StartTimeout time.Duration // START_TIMEOUT, > 0, default 30s

	Respawn         spec.Respawn     // RESPAWN: no (default), on-failure or always
	PidFileByDaemon bool             // PIDFILE_BY_DAEMON, default false
	Listen          []spec.Socket    // LISTEN: sockets handed to the daemon; nil for none
	Restart         spec.RestartMode // RESTART: how restart replaces the daemon
	FDStoreMax      int              // FDSTORE_MAX: the descriptor store's bound; 0 = off
	LockFile        string           // LOCKFILE, absolute, or "" for none
	CheckCmd        []string         // CHECK_CMD split into words; nil for none
	Header          spec.Header      // the LSB header fields, each final: an empty list declares none

	// Exports are "KEY=value" for every exported variable, in order of
	// first export, with final values. Config keys may be exported too.
	Exports []string

	// Warnings are problems that do not stop the service, such as
	// `FILE:LINE: FOO: unknown key (ignored)`; `lsbinit check` shows them.
	Warnings []string
	warnings []error // the same, as *Error with Warning set
}

// warn records a warning.
func (cfg *Config) warn(e *Error) {
	cfg.Warnings = append(cfg.Warnings, e.Error())
	e.Warning = true
	cfg.warnings = append(cfg.warnings, e)
}

// Load reads the configuration of a service: opts.File or
// EtcDir/lsbinit/NAME.conf, then EtcDir/default/NAME, then
// EtcDir/sysconfig/NAME, a later file overriding an earlier one. It
// returns every problem found, joined with [errors.Join] and each an
// *[Error]. When the files cannot be read or parsed, the Config is nil.
// When they parse but some values are refused, Load returns the Config as
// well, those values at their defaults, so that actions which do not need
// them (stop and status: see [Touches]) can still find the service.
func Load(opts Options) (*Config, error) {
	name, err := serviceName(opts)
	if err != nil {
		return nil, err
	}
	srcs, err := readSources(opts, name)
	if err != nil {
		return nil, err
	}
	return build(opts, name, srcs)
}

// build parses and validates the contents of the config files.
func build(opts Options, name string, srcs []source) (*Config, error) {
	v := newVars(opts.Getenv)
	files := make([]string, len(srcs))
	for i, src := range srcs {
		files[i] = src.path
		v.parseFile(src.path, src.data)
	}
	// A config with errors lists its warnings among them, every problem
	// in line order.
	if len(v.errs) > 0 {
		partial := &Config{Name: name, Files: files}
		errs := append(v.errs, validate(partial, v, opts)...)
		return nil, errors.Join(inLineOrder(append(errs, partial.warnings...), files)...)
	}
	cfg := &Config{Name: name, Files: files}
	if errs := validate(cfg, v, opts); len(errs) > 0 {
		return cfg, errors.Join(inLineOrder(append(errs, cfg.warnings...), files)...)
	}
	return cfg, nil
}

// inLineOrder sorts problems as the files were read and, within a file,
// by line; a problem of no line (DAEMON is not set) after its file's.
func inLineOrder(errs []error, files []string) []error {
	key := func(err error) (int, int) {
		var e *Error
		if !errors.As(err, &e) {
			return len(files), 0
		}
		line := e.Line
		if line == 0 {
			line = math.MaxInt
		}
		return max(slices.Index(files, e.File), 0), line
	}
	slices.SortStableFunc(errs, func(a, b error) int {
		fa, la := key(a)
		fb, lb := key(b)
		return cmp.Or(cmp.Compare(fa, fb), cmp.Compare(la, lb))
	})
	return errs
}

// Touches reports whether err, as returned by Load, concerns any of keys.
// A config whose errors touch none of the keys an action needs (stop and
// status need the pidfile's keys) can still serve that action.
func Touches(err error, keys ...string) bool {
	var list []error
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		list = j.Unwrap()
	} else {
		list = []error{err}
	}
	for _, e := range list {
		ce, ok := e.(*Error)
		if ok && ce.Warning {
			continue
		}
		if !ok || ce.Key == "" {
			return true
		}
		for _, k := range keys {
			if ce.Key == k {
				return true
			}
		}
	}
	return false
}

// serviceName returns opts.Name, or the name File implies, once checked.
func serviceName(opts Options) (string, error) {
	name := opts.Name
	if name == "" && opts.File != "" {
		name = strings.TrimSuffix(filepath.Base(opts.File), ".conf")
	}
	switch {
	case name == "":
		return "", &Error{Msg: "no service name and no config file given"}
	case name == "." || name == ".." || strings.ContainsAny(name, "/\x00\n") ||
		strings.HasPrefix(name, "-"):
		return "", &Error{File: opts.File, Msg: "invalid service name " + quote(name)}
	}
	return name, nil
}
