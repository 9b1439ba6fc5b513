package config

import (
	"fmt"
	"slices"
	"strings"

	"golang.org/x/sys/unix"

	"github.com/lsbinit/lsbinit/internal/paths"
	"github.com/lsbinit/lsbinit/internal/ready"
	"github.com/lsbinit/lsbinit/internal/schedule"
	"github.com/lsbinit/lsbinit/internal/spec"
)

// isKey reports whether key is one of the config keys (README, "Config reference").
func isKey(key string) bool {
	switch key {
	case "DAEMON", "DAEMON_ARGS", "DESC", "PIDFILE", "LOGFILE", "USER", "GROUP",
		"CHDIR", "UMASK", "NICE", "STOP_SCHEDULE", "RELOAD_SIGNAL", "READY",
		"START_TIMEOUT", "RESPAWN", "PIDFILE_BY_DAEMON", "LOCKFILE", "CHECK_CMD",
		"LISTEN", "RESTART", "FDSTORE_MAX", "PROVIDES", "REQUIRED_START", "REQUIRED_STOP", "SHOULD_START", "SHOULD_STOP",
		"DEFAULT_START", "DEFAULT_STOP", "SHORT_DESCRIPTION", "DESCRIPTION":
		return true
	}
	return false
}

// checker fills a Config from the final values of the keys.
type checker struct {
	v    *vars
	cfg  *Config
	opts Options
	errs []error
}

// validate fills cfg from v, applying defaults, and returns the problems
// with the final value of each key, each located where it was assigned.
func validate(cfg *Config, v *vars, opts Options) []error {
	c := &checker{v: v, cfg: cfg, opts: opts}
	c.program()
	c.paths()
	c.process()
	c.readiness()
	c.header()
	c.exports()
	return c.errs
}

// final returns the final assignment of key; ok is false when the key is
// unset or its assignment was refused (and so already reported).
func (c *checker) final(key string) (a assigned, ok bool) {
	a, ok = c.v.set[key]
	return a, ok && !a.failed
}

// fail reports a problem with the value of key assigned at a.
func (c *checker) fail(a assigned, key string, err error) {
	c.errs = append(c.errs, &Error{File: a.file, Line: a.line, Key: key, Msg: err.Error()})
}

// typed parses the final value of key when it is set and not empty, and
// returns def otherwise or when the value is bad (and reported).
func typed[T any](c *checker, key string, def T, parse func(string) (T, error)) T {
	a, ok := c.final(key)
	if !ok || a.val == "" {
		return def
	}
	t, err := parse(a.val)
	if err != nil {
		c.fail(a, key, err)
		return def
	}
	return t
}

// program checks DAEMON, DAEMON_ARGS, CHECK_CMD and DESC.
func (c *checker) program() {
	cfg := c.cfg
	if a, ok := c.final("DAEMON"); ok {
		if _, err := absPath(a.val); err != nil {
			c.fail(a, "DAEMON", err)
		}
		cfg.Daemon = a.val
	} else if _, refused := c.v.set["DAEMON"]; !refused && !c.v.broken {
		file := ""
		if len(cfg.Files) > 0 {
			file = cfg.Files[0]
		}
		c.errs = append(c.errs, &Error{File: file, Msg: "DAEMON is not set"})
	}
	cfg.DaemonArgs = typed(c, "DAEMON_ARGS", nil, splitWords)
	cfg.CheckCmd = typed(c, "CHECK_CMD", nil, splitWords)
	cfg.Desc = typed(c, "DESC", cfg.Name, oneLine)
}

// paths checks PIDFILE, LOGFILE, CHDIR and LOCKFILE.
func (c *checker) paths() {
	cfg := c.cfg
	cfg.PidFile = typed(c, "PIDFILE", paths.PidFile(cfg.Name, c.opts.UID, c.v.getenv), absPath)
	defLog := paths.LogFile(cfg.Name, cfg.PidFile, c.opts.UID)
	cfg.LogFile = typed(c, "LOGFILE", defLog, func(s string) (string, error) {
		if s == "none" {
			return s, nil
		}
		return absPath(s)
	})
	cfg.Chdir = typed(c, "CHDIR", spec.DefaultDir, existingDir)
	cfg.LockFile = typed(c, "LOCKFILE", "", absPath)
}

// process checks the keys about how the daemon runs and is stopped.
func (c *checker) process() {
	cfg := c.cfg
	cfg.User = typed(c, "USER", "", parseUser)
	cfg.Group = typed(c, "GROUP", "", parseGroup)
	cfg.Umask = typed(c, "UMASK", spec.DefaultUmask, parseUmask)
	cfg.Nice = typed(c, "NICE", 0, parseNice)
	cfg.StopSchedule = typed(c, "STOP_SCHEDULE", schedule.Default(), parseSchedule)
	cfg.ReloadSignal = typed(c, "RELOAD_SIGNAL", unix.SIGHUP, parseReloadSignal)
	cfg.Respawn = typed(c, "RESPAWN", spec.RespawnNo, parseRespawn)
	cfg.PidFileByDaemon = typed(c, "PIDFILE_BY_DAEMON", false, parseBool)
	cfg.Listen = typed(c, "LISTEN", nil, func(s string) ([]spec.Socket, error) {
		return spec.ParseListen(cfg.Name, strings.Fields(s))
	})
	cfg.Restart = typed(c, "RESTART", spec.RestartStopStart, spec.ParseRestart)
	cfg.FDStoreMax = typed(c, "FDSTORE_MAX", 0, parseFDStoreMax)
}

// readiness checks READY and START_TIMEOUT, and that a READY delay ends
// before the start timeout does.
func (c *checker) readiness() {
	cfg := c.cfg
	cfg.Ready = typed(c, "READY", ready.Spec{Kind: ready.Exec}, parseReady)
	cfg.StartTimeout = typed(c, "START_TIMEOUT", spec.DefaultStartTimeout, parseTimeout)
	if cfg.Ready.Kind == ready.Delay && cfg.Ready.Delay >= cfg.StartTimeout {
		a, _ := c.final("READY")
		c.fail(a, "READY", fmt.Errorf("delay %v is not shorter than START_TIMEOUT (%v):"+
			" start would always time out", cfg.Ready.Delay, cfg.StartTimeout))
	}
}

// header fills the LSB header fields. An explicitly empty dependency or
// runlevel list stays empty; PROVIDES and the descriptions fall back to
// their defaults when empty.
func (c *checker) header() {
	h := &c.cfg.Header
	h.Provides = typed(c, "PROVIDES", c.cfg.Name, list)
	h.RequiredStart = c.list("REQUIRED_START", spec.DefaultRequiredStart, list)
	h.RequiredStop = c.list("REQUIRED_STOP", h.RequiredStart, list)
	h.ShouldStart = c.list("SHOULD_START", "", list)
	h.ShouldStop = c.list("SHOULD_STOP", "", list)
	h.DefaultStart = c.list("DEFAULT_START", spec.DefaultDefaultStart, parseRunlevels)
	h.DefaultStop = c.list("DEFAULT_STOP", spec.DefaultDefaultStop, parseRunlevels)
	h.ShortDescription = typed(c, "SHORT_DESCRIPTION", c.cfg.Desc, oneLine)
	h.Description = typed(c, "DESCRIPTION", c.cfg.Desc, func(s string) (string, error) {
		return s, nil
	})
}

// list parses the final value of key even when empty, or returns def
// when the key is not set.
func (c *checker) list(key, def string, parse func(string) (string, error)) string {
	a, ok := c.final(key)
	if !ok {
		return def
	}
	s, err := parse(a.val)
	if err != nil {
		c.fail(a, key, err)
		return def
	}
	return s
}

// list normalises a space-separated list.
func list(s string) (string, error) { return strings.Join(strings.Fields(s), " "), nil }

// exports fills Exports and Warnings.
func (c *checker) exports() {
	cfg := c.cfg
	for _, key := range c.v.exports {
		if a, ok := c.final(key); ok {
			cfg.Exports = append(cfg.Exports, key+"="+a.val)
		} else if s := c.v.getenv(key); s != "" {
			cfg.Exports = append(cfg.Exports, key+"="+s)
		} else if _, refused := c.v.set[key]; !refused {
			at := c.v.exported[key]
			cfg.warn(&Error{File: at.file, Line: at.line, Key: key, Msg: "exported but never assigned (ignored)"})
		}
	}
	var unknown []assigned
	keys := map[int]string{}
	for key, a := range c.v.set {
		if _, exported := c.v.exported[key]; !isKey(key) && !exported && !a.failed {
			unknown = append(unknown, a)
			keys[a.seq] = key
		}
	}
	slices.SortFunc(unknown, func(a, b assigned) int { return a.seq - b.seq })
	for _, a := range unknown {
		cfg.warn(&Error{File: a.file, Line: a.line, Key: keys[a.seq], Msg: "unknown key (ignored)"})
	}
}
