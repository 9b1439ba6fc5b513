package config

import (
	"strings"
	"time"

	"golang.org/x/sys/unix"

	"github.com/lsbinit/lsbinit/internal/ready"
	"github.com/lsbinit/lsbinit/internal/schedule"
	"github.com/lsbinit/lsbinit/internal/spec"
)

// A key is one config key: how its value is read and where it goes in the
// resolved service. Defaults are not here: a key left unset keeps what
// spec.New and spec.Complete give it, and def only says so in words.
type key struct {
	name  string // as written in the file
	field string // the spec.Spec field it sets (Header.X for the header)
	def   string // the default, as the README's config table words it (keys_test.go checks)
	doc   string // what it means, in one line (the README says more)
	// finds marks the keys stop and status need to find and stop the
	// daemon: a config whose errors leave them alone still serves those.
	finds bool
	// empty marks a list whose empty value declares none, where for any
	// other key an empty value means "the default".
	empty bool
	set   func(c *checker, s *spec.Spec, val string) error
}

// to makes a key's set from a parser and the assignment it feeds.
func to[T any](parse func(string) (T, error), put func(*spec.Spec, T)) func(*checker, *spec.Spec, string) error {
	return func(_ *checker, s *spec.Spec, val string) error {
		t, err := parse(val)
		if err == nil {
			put(s, t)
		}
		return err
	}
}

// keys is every config key, in the README's order. Adding one is an entry
// here, its field in spec.Spec, and the code that uses it.
var keys = []key{
	{name: "DAEMON", field: "Path", def: "—", finds: true, empty: true, doc: "absolute path of the program",
		set: to(absPath, func(s *spec.Spec, v string) { s.Path = v })},
	{name: "DAEMON_ARGS", field: "Args", def: "empty", doc: "its arguments, split into words as a shell does",
		set: to(splitWords, func(s *spec.Spec, v []string) { s.Args = v })},
	{name: "DESC", field: "Desc", def: "NAME", doc: "human name in messages",
		set: to(oneLine, func(s *spec.Spec, v string) { s.Desc = v })},
	{name: "PIDFILE", field: "PidFile", def: "/run/NAME.pid as root", finds: true, doc: "pidfile path",
		set: to(absPath, func(s *spec.Spec, v string) { s.PidFile = v })},
	{name: "LOGFILE", field: "LogFile", def: "/var/log/NAME.log as root", doc: "file receiving the daemon's output; none for /dev/null",
		set: to(parseLogFile, func(s *spec.Spec, v string) { s.LogFile = v })},
	{name: "USER", field: "User", def: "unchanged", doc: "run the daemon as this user",
		set: to(parseUser, func(s *spec.Spec, v string) { s.User = v })},
	{name: "GROUP", field: "Group", def: "unchanged", doc: "run the daemon as this group",
		set: to(parseGroup, func(s *spec.Spec, v string) { s.Group = v })},
	{name: "CHDIR", field: "Dir", def: "/", doc: "the daemon's working directory",
		set: to(existingDir, func(s *spec.Spec, v string) { s.Dir = v })},
	{name: "UMASK", field: "Umask", def: "022", doc: "the daemon's umask, in octal",
		set: to(parseUmask, func(s *spec.Spec, v int) { s.Umask = v })},
	{name: "NICE", field: "Nice", def: "0", doc: "the daemon's nice level, -20..19",
		set: to(parseNice, func(s *spec.Spec, v int) { s.Nice = v })},
	{name: "STOP_SCHEDULE", field: "Schedule", def: "TERM/30/KILL/5", finds: true, doc: "how stop ends the daemon (start-stop-daemon --retry)",
		set: to(parseSchedule, func(s *spec.Spec, v schedule.Schedule) { s.Schedule = v })},
	{name: "RELOAD_SIGNAL", field: "ReloadSignal", def: "HUP", doc: "signal for reload; none = reload unsupported",
		set: to(parseReloadSignal, func(s *spec.Spec, v unix.Signal) { s.ReloadSignal, s.NoReload = v, v == 0 })},
	{name: "READY", field: "Ready", def: "exec", doc: "when start may report success",
		set: to(parseReady, func(s *spec.Spec, v ready.Spec) { s.Ready = v })},
	{name: "START_TIMEOUT", field: "StartTimeout", def: "30s", doc: "how long start waits for readiness",
		set: to(parseTimeout, func(s *spec.Spec, v time.Duration) { s.StartTimeout = v })},
	{name: "RESPAWN", field: "Respawn", def: "no", doc: "restart a daemon that ends: no, on-failure, always",
		set: to(parseRespawn, func(s *spec.Spec, v spec.Respawn) { s.Respawn = v })},
	{name: "PIDFILE_BY_DAEMON", field: "PidFileByDaemon", def: "no", finds: true, doc: "yes for daemons that fork and write their own pidfile",
		set: to(parseBool, func(s *spec.Spec, v bool) { s.PidFileByDaemon = v })},
	{name: "LISTEN", field: "Listen", def: "none", doc: "sockets handed to the daemon (sd_listen_fds)",
		set: func(_ *checker, s *spec.Spec, v string) error {
			l, err := spec.ParseListen(s.Name, strings.Fields(v))
			if err == nil {
				s.Listen = l
			}
			return err
		}},
	{name: "RESTART", field: "Restart", def: "stop-start", doc: "how restart replaces the daemon: stop-start or overlap",
		set: to(spec.ParseRestart, func(s *spec.Spec, v spec.RestartMode) { s.Restart = v })},
	{name: "FDSTORE_MAX", field: "FDStoreMax", def: "0", doc: "how many descriptors the daemon may store with its supervisor",
		set: to(parseFDStoreMax, func(s *spec.Spec, v int) { s.FDStoreMax = v })},
	{name: "CHECK_CMD", field: "CheckCommand", def: "none", doc: "a command that validates the daemon's own config",
		set: to(splitWords, func(s *spec.Spec, v []string) { s.CheckCommand = v })},
	{name: "HEALTH_CMD", field: "HealthCommand", def: "none", doc: "a command that checks the running daemon's health",
		set: to(splitWords, func(s *spec.Spec, v []string) { s.HealthCommand = v })},
	{name: "HEALTH_INTERVAL", field: "HealthInterval", def: "30s", doc: "the wait before each health check",
		set: to(parseTimeout, func(s *spec.Spec, v time.Duration) { s.HealthInterval = v })},
	{name: "HEALTH_TIMEOUT", field: "HealthTimeout", def: "10s", doc: "how long a health check may take",
		set: to(parseTimeout, func(s *spec.Spec, v time.Duration) { s.HealthTimeout = v })},
	{name: "HEALTH_RETRIES", field: "HealthRetries", def: "3", doc: "failed health checks in a row that make the daemon unhealthy",
		set: to(parseRetries, func(s *spec.Spec, v int) { s.HealthRetries = v })},
	{name: "LOCKFILE", field: "LockFile", def: "none", finds: true, doc: "subsystem lock file created on start, removed on stop",
		set: to(absPath, func(s *spec.Spec, v string) { s.LockFile = v })},
	{name: "PROVIDES", field: "Header.Provides", def: "NAME", doc: "LSB header: Provides",
		set: to(list, func(s *spec.Spec, v string) { s.Header.Provides = v })},
	{name: "REQUIRED_START", field: "Header.RequiredStart", def: spec.DefaultRequiredStart, empty: true, doc: "LSB header: Required-Start",
		set: func(c *checker, s *spec.Spec, v string) error {
			s.Header.RequiredStart, _ = list(v)
			if _, set := c.v.set["REQUIRED_STOP"]; !set {
				s.Header.RequiredStop = s.Header.RequiredStart // its default
			}
			return nil
		}},
	{name: "REQUIRED_STOP", field: "Header.RequiredStop", def: "same", empty: true, doc: "LSB header: Required-Stop",
		set: to(list, func(s *spec.Spec, v string) { s.Header.RequiredStop = v })},
	{name: "SHOULD_START", field: "Header.ShouldStart", def: "empty", empty: true, doc: "LSB header: Should-Start",
		set: to(list, func(s *spec.Spec, v string) { s.Header.ShouldStart = v })},
	{name: "SHOULD_STOP", field: "Header.ShouldStop", def: "empty", empty: true, doc: "LSB header: Should-Stop",
		set: to(list, func(s *spec.Spec, v string) { s.Header.ShouldStop = v })},
	{name: "DEFAULT_START", field: "Header.DefaultStart", def: spec.DefaultDefaultStart, empty: true, doc: "LSB header: Default-Start",
		set: to(parseRunlevels, func(s *spec.Spec, v string) { s.Header.DefaultStart = v })},
	{name: "DEFAULT_STOP", field: "Header.DefaultStop", def: spec.DefaultDefaultStop, empty: true, doc: "LSB header: Default-Stop",
		set: to(parseRunlevels, func(s *spec.Spec, v string) { s.Header.DefaultStop = v })},
	{name: "SHORT_DESCRIPTION", field: "Header.ShortDescription", def: "DESC", doc: "LSB header: Short-Description",
		set: to(oneLine, func(s *spec.Spec, v string) { s.Header.ShortDescription = v })},
	{name: "DESCRIPTION", field: "Header.Description", def: "DESC", doc: "LSB header: Description",
		set: func(_ *checker, s *spec.Spec, v string) error { s.Header.Description = v; return nil }},
}

// lookupKey returns the entry of the key called name.
func lookupKey(name string) (key, bool) {
	for _, k := range keys {
		if k.name == name {
			return k, true
		}
	}
	return key{}, false
}

// list normalises a space-separated list.
func list(s string) (string, error) { return strings.Join(strings.Fields(s), " "), nil }
