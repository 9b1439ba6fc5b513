// Package unit writes service definitions for other supervisors: a systemd
// unit, an OpenRC script, a runit service directory, an upstart job, an
// SMF manifest and a launchd plist. Each one runs the daemon through
// `lsbinit NAME run` (or, for SMF and OpenRC, `start` and `stop`),
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
	"slices"
	"strings"
	"time"

	"github.com/lsbinit/lsbinit/internal/config"
	"github.com/lsbinit/lsbinit/internal/exitcode"
	"github.com/lsbinit/lsbinit/internal/names"
	"github.com/lsbinit/lsbinit/internal/spec"
)

const usage = `Usage: lsbinit unit NAME --for SUPERVISOR [-c FILE] [-o FILE]
       lsbinit unit -c FILE --for SUPERVISOR [-o FILE]
SUPERVISOR: systemd, openrc, runit, upstart, smf or launchd.
Writes a service definition that runs NAME through lsbinit, to stdout or
to FILE (replaced atomically; a symbolic link there is refused).
With LISTEN, systemd also gets socket units: UNIT.socket and, for other
descriptor names, UNIT-FDNAME.socket, UNIT being FILE's name without
.service (else NAME); runit gets a finish script beside its run script.
They are written beside FILE, or printed after the definition, each
after a line "# ==> NAME <==".
`

// supervisors maps --for to the writer of that supervisor's definition.
var supervisors = map[string]func(*job) []byte{
	"systemd": systemd,
	"upstart": upstart,
	"smf":     smf,
	"launchd": launchd,
	"openrc":  openrc,
	"runit":   runit,
}

// job is what every writer needs.
type job struct {
	svc     *spec.Spec // the service, complete
	sources []string   // the config files it was read from
	argv    []string   // the command line before the action: lsbinit [-c FILE] [NAME], or a Go program
	unit    string     // the systemd unit's name without ".service"
	by      string     // the command that wrote the definition, for its first comment; "" for lsbinit unit

	sockets []socketUnit // systemd's socket units for LISTEN
}

// file is one file of a definition.
type file struct {
	name string // its name beside the definition; "" for the definition
	data []byte
	exec bool // a script: mode 0755
}

// definition writes the files of the service's definition for
// supervisor: the definition, then systemd's socket units or runit's
// finish script.
func definition(supervisor string, s *job) ([]file, error) {
	if supervisor == "systemd" && len(s.svc.Listen) > 0 {
		units, err := socketUnits(s.unit, s.svc.Name, s.svc.Listen)
		if err != nil {
			return nil, err
		}
		s.sockets = units
	}
	files := []file{{data: supervisors[supervisor](s), exec: supervisor == "openrc" || supervisor == "runit"}}
	for _, u := range s.sockets {
		files = append(files, file{name: u.name, data: systemdSocket(s, u)})
	}
	if supervisor == "runit" {
		files = append(files, file{name: "finish", data: runitFinish(s), exec: true})
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

// command is the command line that runs action for the service.
func (s *job) command(action string) []string {
	return append(slices.Clone(s.argv), action)
}

// writtenBy names the command that wrote the definition for supervisor.
func (s *job) writtenBy(supervisor string) string {
	if s.by != "" {
		return "`" + s.by + "`"
	}
	return fmt.Sprintf("`lsbinit unit %s --for %s`", s.svc.Name, supervisor)
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
	if len(s.sources) == 0 {
		return "its defaults"
	}
	return strings.Join(s.sources, ", ")
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
		return o, false, fmt.Errorf("unknown supervisor %q (--for systemd, openrc, runit, upstart, smf or launchd)", o.forName)
	case o.name == "" && o.file == "":
		return o, false, errors.New("which service? Give NAME or -c FILE")
	}
	return o, false, nil
}

// Main is `lsbinit unit NAME --for SUPERVISOR`.
func Main(args []string, getenv func(string) string, stdout, stderr io.Writer) exitcode.Code {
	if getenv == nil {
		getenv = func(string) string { return "" }
	}
	err := unitMain(args, getenv, stdout)
	// The one place an error becomes an exit code: printed unless it was
	// reported already.
	if e, ok := err.(*exitcode.Error); err != nil && !(ok && e.Err == nil) {
		fmt.Fprintln(stderr, err)
	}
	return exitcode.Of(err)
}

// unitMain is Main up to the exit code: its error carries the code.
func unitMain(args []string, getenv func(string) string, stdout io.Writer) error {
	o, help, err := parseArgs(args, getenv)
	if help {
		fmt.Fprint(stdout, usage)
		return nil
	}
	if err != nil {
		return exitcode.Fail(exitcode.Usage, "lsbinit unit: %w\n%s", err, strings.TrimSuffix(usage, "\n"))
	}
	if o.file != "" {
		if o.file, err = filepath.Abs(o.file); err != nil {
			return exitcode.Fail(exitcode.Failed, "lsbinit unit: %w", err)
		}
	}
	s, err := newJob(o, getenv)
	if err != nil {
		return err
	}
	files, err := definition(o.forName, s)
	if err != nil {
		return exitcode.With(exitcode.Of(err), fmt.Errorf("lsbinit unit: %w", err))
	}
	return write(o.output, files, stdout)
}

// newJob loads the service's config and finds what a definition needs.
func newJob(o options, getenv func(string) string) (*job, error) {
	cfg, err := config.Load(config.Options{Name: o.name, File: o.file, Getenv: getenv, UID: os.Geteuid()})
	if err != nil {
		who := o.name
		if who == "" {
			who = strings.TrimSuffix(filepath.Base(o.file), ".conf")
		}
		code := exitcode.NotConfigured
		if errors.Is(err, fs.ErrPermission) {
			code = exitcode.NoPrivilege
		}
		// Each line of the config's error after "WHO: ".
		lines := strings.Split(err.Error(), "\n")
		return nil, exitcode.Fail(code, "%s: %s", who, strings.Join(lines, "\n"+who+": "))
	}
	if strings.ContainsFunc(o.file, isControl) {
		return nil, exitcode.Fail(exitcode.Usage, "lsbinit unit: config file name %q holds control characters", o.file)
	}
	svc := cfg.Spec // complete: config.Load completed it
	implied := o.file != "" && strings.TrimSuffix(filepath.Base(o.file), ".conf") == cfg.Name
	if !implied && !addressable(cfg.Name) {
		return nil, exitcode.Fail(exitcode.Usage, "lsbinit unit: a service named %q cannot be run as `lsbinit %s ACTION`; give its config as -c DIR/%s.conf",
			cfg.Name, cfg.Name, cfg.Name)
	}
	exe, err := Executable()
	if err != nil {
		return nil, exitcode.Fail(exitcode.Failed, "lsbinit unit: %w", err)
	}
	argv := []string{exe}
	if o.file != "" {
		argv = append(argv, "-c", o.file)
	}
	if !implied {
		argv = append(argv, cfg.Name)
	}
	s := &job{svc: svc, sources: cfg.Files, argv: argv, unit: unitName(o.output, cfg.Name)}
	return s, nil
}

// Executable is the absolute path of the running program, as definitions
// name it.
func Executable() (string, error) {
	exe, err := os.Executable()
	if err == nil {
		exe, err = filepath.Abs(exe)
	}
	if err != nil {
		return "", fmt.Errorf("cannot find the program's own path: %v", err)
	}
	if strings.ContainsFunc(exe, isControl) {
		return "", fmt.Errorf("the program's path %q holds control characters", exe)
	}
	return exe, nil
}

func isControl(r rune) bool { return r < ' ' || r == 0x7f }

// File is one file of a service's definition, as Files returns it.
type File struct {
	Name string // the file's name in its directory
	Data []byte
	Exec bool // a script, mode 0755 (else 0644)
}

// Files returns the definition of the complete service svc for
// supervisor ("systemd", "openrc", "runit", "upstart", "smf", "launchd"),
// as `lsbinit install` and a Go program's install put them in place:
// argv is the command line that runs an action but for the action
// itself (lsbinit NAME, or the Go program), sources the config files
// svc was read from, and by names the command in the files' first
// comment ("lsbinit install NAME"). The definition comes first, named NAME.service for systemd,
// NAME for OpenRC, run for runit; then the files beside it.
func Files(supervisor string, svc *spec.Spec, argv, sources []string, by string) ([]File, error) {
	if supervisors[supervisor] == nil {
		return nil, fmt.Errorf("unknown supervisor %q", supervisor)
	}
	s := &job{svc: svc, sources: sources, argv: argv, unit: svc.Name, by: by}
	files, err := definition(supervisor, s)
	if err != nil {
		return nil, err
	}
	out := make([]File, len(files))
	for i, f := range files {
		out[i] = File{Name: f.name, Data: f.data, Exec: f.exec}
	}
	out[0].Name = map[string]string{"systemd": svc.Name + ".service", "openrc": svc.Name, "runit": "run",
		"upstart": svc.Name + ".conf", "smf": svc.Name + ".xml", "launchd": svc.Name + ".plist"}[supervisor]
	return out, nil
}
