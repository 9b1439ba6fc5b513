package config

import (
	"cmp"
	"errors"
	"math"
	"path/filepath"
	"slices"
	"strings"

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

// Result is what Load read: the resolved service, every default applied,
// and what the files said beside it.
type Result struct {
	// Spec is the service, complete: each key's value is in the field
	// its entry in the key table names (README, "Config reference").
	*spec.Spec

	Files []string // the files actually read, in order

	// Warnings are problems that do not stop the service, such as
	// `FILE:LINE: FOO: unknown key (ignored)`; `lsbinit check` shows them.
	Warnings []string
	warnings []error // the same, as *Error with Warning set
}

// warn records a warning.
func (r *Result) warn(e *Error) {
	r.Warnings = append(r.Warnings, e.Error())
	e.Warning = true
	r.warnings = append(r.warnings, e)
}

// Load reads the configuration of a service: opts.File or
// EtcDir/lsbinit/NAME.conf, then EtcDir/default/NAME, then
// EtcDir/sysconfig/NAME, a later file overriding an earlier one. It
// returns every problem found, joined with [errors.Join] and each an
// *[Error]. When the files cannot be read or parsed, the Config is nil.
// When they parse but some values are refused, Load returns the Config as
// well, those values at their defaults, so that actions which do not need
// them (stop and status: see [FindsDespite]) can still find the service.
func Load(opts Options) (*Result, error) {
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
func build(opts Options, name string, srcs []source) (*Result, error) {
	v := newVars(opts.Getenv)
	files := make([]string, len(srcs))
	for i, src := range srcs {
		files[i] = src.path
		v.parseFile(src.path, src.data)
	}
	// A config with errors lists its warnings among them, every problem
	// in line order.
	if len(v.errs) > 0 {
		partial := &Result{Files: files}
		errs := append(v.errs, validate(partial, name, v, opts)...)
		return nil, errors.Join(inLineOrder(append(errs, partial.warnings...), files)...)
	}
	cfg := &Result{Files: files}
	if errs := validate(cfg, name, v, opts); len(errs) > 0 {
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

// FindsDespite reports whether the problems in err, as returned by Load,
// leave alone every key that finds and stops the daemon (the key table's
// finds): stop and status can then still serve the service.
func FindsDespite(err error) bool {
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
			return false
		}
		if k, _ := lookupKey(ce.Key); k.finds {
			return false
		}
	}
	return true
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
