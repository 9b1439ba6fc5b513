// Package unit writes service definitions for other supervisors: a systemd
// unit, an upstart job, an SMF manifest and a launchd plist. Each one runs
// the daemon through `lsbinit NAME run` (or, for SMF, `start` and `stop`),
// so that the supervisor supervises lsbinit and lsbinit keeps its own
// guarantees: the config, the pidfile, the log, readiness, RESPAWN and the
// stop schedule. LISTEN's sockets become systemd socket units beside the
// service unit, and launchd's Sockets.
package unit

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/lsbinit/lsbinit/internal/config"
	"github.com/lsbinit/lsbinit/internal/exitcode"
	"github.com/lsbinit/lsbinit/internal/names"
	"github.com/lsbinit/lsbinit/internal/spec"
)

const usage = `Usage: lsbinit unit NAME --for systemd|upstart|smf|launchd [-c FILE] [-o FILE]
       lsbinit unit -c FILE --for systemd|upstart|smf|launchd [-o FILE]
Writes a service definition that runs NAME through lsbinit, to stdout or
to FILE (replaced atomically; a symbolic link there is refused).
With LISTEN, systemd also gets socket units: UNIT.socket and, for other
descriptor names, UNIT-FDNAME.socket, UNIT being FILE's name without
.service (else NAME). They are written beside FILE, or printed after
the service unit, each after a line "# ==> UNIT.socket <==".
`

// supervisors maps --for to the writer of that supervisor's definition.
var supervisors = map[string]func(*job) []byte{
	"systemd": systemd,
	"upstart": upstart,
	"smf":     smf,
	"launchd": launchd,
}

// job is what every writer needs.
type job struct {
	cfg  *config.Config
	svc  *spec.Spec // the service cfg resolves to
	exe  string     // absolute path of the lsbinit binary
	file string     // absolute path of -c FILE, or ""
	name bool       // whether the command line must name the service
	unit string     // the systemd unit's name without ".service"

	sockets []socketUnit // systemd's socket units for LISTEN
}

// file is one file of a definition.
type file struct {
	name string // its name beside the definition; "" for the definition
	data []byte
}

// definition writes the files of the service's definition for
// supervisor: the definition, then systemd's socket units.
func definition(supervisor string, s *job) ([]file, error) {
	if supervisor == "systemd" && len(s.svc.Listen) > 0 {
		units, err := socketUnits(s.unit, s.cfg.Name, s.svc.Listen)
		if err != nil {
			return nil, err
		}
		s.sockets = units
	}
	files := []file{{data: supervisors[supervisor](s)}}
	for _, u := range s.sockets {
		files = append(files, file{name: u.name, data: systemdSocket(s, u)})
	}
	return files, nil
}

// unitName is the name of the systemd unit written to output, without
// ".service": output's own, systemd naming units after their files, or
// else the service's.
func unitName(output, service string) string {
	if base := filepath.Base(output); output != "" && strings.HasSuffix(base, ".service") && base != ".service" {
		return strings.TrimSuffix(base, ".service")
	}
	return service
}

// command is the lsbinit command line that runs action for the service.
func (s *job) command(action string) []string {
	argv := []string{s.exe}
	if s.file != "" {
		argv = append(argv, "-c", s.file)
	}
	if s.name {
		argv = append(argv, s.cfg.Name)
	}
	return append(argv, action)
}

// canReload reports whether the service supports reload.
func (s *job) canReload() bool { return !s.svc.NoReload }

// respawns reports whether lsbinit restarts the daemon itself.
func (s *job) respawns() bool { return s.svc.Respawn != spec.RespawnNo }

// stopTimeout is how long the supervisor should give lsbinit to stop the
// daemon: the service's stop budget. ok is false when the schedule
// repeats forever (no limit).
func (s *job) stopTimeout() (d time.Duration, ok bool) {
	d, forever := s.svc.StopBudget()
	return d, !forever
}

// startTimeout is how long the supervisor should wait for lsbinit to
// report the daemon ready: the service's start budget.
func (s *job) startTimeout() time.Duration { return s.svc.StartBudget() }

// seconds rounds d up to whole seconds.
func seconds(d time.Duration) int64 {
	return int64(math.Ceil(d.Seconds()))
}

// source names the config files in a comment.
func (s *job) source() string {
	if len(s.cfg.Files) == 0 {
		return "its defaults"
	}
	return strings.Join(s.cfg.Files, ", ")
}

// runlevels returns the digits of a runlevel list ("2 3 4 5" → "2345").
func runlevels(list string) string {
	var b strings.Builder
	for _, f := range strings.Fields(list) {
		for _, r := range f {
			if r >= '0' && r <= '9' && !strings.ContainsRune(b.String(), r) {
				b.WriteRune(r)
			}
		}
	}
	return b.String()
}

// addressable reports whether `lsbinit NAME ACTION` can name the service:
// not when NAME is an action, an option or one of the binary's own
// commands (internal/cli dispatches those first).
func addressable(name string) bool {
	return !names.IsAction(name) && !strings.HasPrefix(name, "-") && !names.IsSubcommand(name)
}

type options struct {
	name, file, output, forName string
}

func parseArgs(args []string, getenv func(string) string) (options, bool, error) {
	o := options{file: getenv("LSBINIT_CONFIG")}
	value := func(i *int, flag string) (string, error) {
		if *i+1 >= len(args) {
			return "", fmt.Errorf("%s needs a value", flag)
		}
		*i++
		return args[*i], nil
	}
	for i := 0; i < len(args); i++ {
		a := args[i]
		var err error
		switch {
		case a == "-h" || a == "--help" || a == "help":
			return o, true, nil
		case a == "--for":
			o.forName, err = value(&i, a)
		case strings.HasPrefix(a, "--for="):
			o.forName = strings.TrimPrefix(a, "--for=")
		case a == "-c" || a == "--config":
			o.file, err = value(&i, a)
		case strings.HasPrefix(a, "--config="):
			o.file = strings.TrimPrefix(a, "--config=")
		case a == "-o" || a == "--output":
			o.output, err = value(&i, a)
		case strings.HasPrefix(a, "--output="):
			o.output = strings.TrimPrefix(a, "--output=")
		case strings.HasPrefix(a, "-") && a != "-":
			err = fmt.Errorf("unknown option %q", a)
		case o.name == "":
			o.name = a
		default:
			err = fmt.Errorf("unexpected argument %q", a)
		}
		if err != nil {
			return o, false, err
		}
	}
	switch {
	case o.forName == "":
		return o, false, errors.New("--for is required")
	case supervisors[o.forName] == nil:
		return o, false, fmt.Errorf("unknown supervisor %q (--for systemd, upstart, smf or launchd)", o.forName)
	case o.name == "" && o.file == "":
		return o, false, errors.New("which service? Give NAME or -c FILE")
	}
	return o, false, nil
}

// Main is `lsbinit unit NAME --for systemd|upstart|smf|launchd`.
func Main(args []string, getenv func(string) string, stdout, stderr io.Writer) exitcode.Code {
	if getenv == nil {
		getenv = func(string) string { return "" }
	}
	o, help, err := parseArgs(args, getenv)
	if help {
		fmt.Fprint(stdout, usage)
		return exitcode.OK
	}
	if err != nil {
		fmt.Fprintf(stderr, "lsbinit unit: %v\n%s", err, usage)
		return exitcode.Usage
	}
	if o.file != "" {
		if o.file, err = filepath.Abs(o.file); err != nil {
			fmt.Fprintf(stderr, "lsbinit unit: %v\n", err)
			return exitcode.Failed
		}
	}
	s, code := newJob(o, getenv, stderr)
	if code != exitcode.OK {
		return code
	}
	files, err := definition(o.forName, s)
	if err != nil {
		fmt.Fprintf(stderr, "lsbinit unit: %v\n", err)
		return exitcode.Of(err)
	}
	return write(o.output, files, stdout, stderr)
}

// newJob loads the service's config and finds what a definition needs.
func newJob(o options, getenv func(string) string, stderr io.Writer) (*job, exitcode.Code) {
	cfg, err := config.Load(config.Options{Name: o.name, File: o.file, Getenv: getenv, UID: os.Geteuid()})
	if err != nil {
		who := o.name
		if who == "" {
			who = strings.TrimSuffix(filepath.Base(o.file), ".conf")
		}
		for _, line := range strings.Split(err.Error(), "\n") {
			fmt.Fprintf(stderr, "%s: %s\n", who, line)
		}
		if errors.Is(err, fs.ErrPermission) {
			return nil, exitcode.NoPrivilege
		}
		return nil, exitcode.NotConfigured
	}
	if strings.ContainsFunc(o.file, isControl) {
		fmt.Fprintf(stderr, "lsbinit unit: config file name %q holds control characters\n", o.file)
		return nil, exitcode.Usage
	}
	s := &job{cfg: cfg, svc: cfg.Spec(), file: o.file, unit: unitName(o.output, cfg.Name)}
	implied := o.file != "" && strings.TrimSuffix(filepath.Base(o.file), ".conf") == cfg.Name
	s.name = !implied
	if s.name && !addressable(cfg.Name) {
		fmt.Fprintf(stderr, "lsbinit unit: a service named %q cannot be run as `lsbinit %s ACTION`; give its config as -c DIR/%s.conf\n", cfg.Name, cfg.Name, cfg.Name)
		return nil, exitcode.Usage
	}
	exe, err := os.Executable()
	if err == nil {
		exe, err = filepath.Abs(exe)
	}
	if err != nil {
		fmt.Fprintf(stderr, "lsbinit unit: cannot find the lsbinit binary: %v\n", err)
		return nil, exitcode.Failed
	}
	if strings.ContainsFunc(exe, isControl) {
		fmt.Fprintf(stderr, "lsbinit unit: the lsbinit binary's path %q holds control characters\n", exe)
		return nil, exitcode.Failed
	}
	s.exe = exe
	return s, exitcode.OK
}

func isControl(r rune) bool { return r < ' ' || r == 0x7f }
