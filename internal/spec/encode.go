package spec

import (
	"encoding/json"
	"errors"
	"syscall"

	"github.com/lsbinit/lsbinit/internal/schedule"
)

// MaxEncoded bounds an encoded Spec, to bound what a reader takes in: far
// beyond any real service (a config file is at most 1 MiB).
const MaxEncoded = 16 << 20

// Encode renders the service's data (not its Go funcs or writers) as the
// text Decode reads. It reports false when the service is too large to
// pass on.
func (s *Spec) Encode() (string, bool) {
	b, err := json.Marshal(s)
	if err != nil || len(b) > MaxEncoded {
		return "", false
	}
	return string(b), true
}

// Decode reads what Encode wrote.
func Decode(text string) (*Spec, error) {
	s := &Spec{}
	if err := json.Unmarshal([]byte(text), s); err != nil {
		return nil, errors.New("the resolved service handed on by start is not readable: " + err.Error())
	}
	return s, nil
}

// Locator is what finds, stops and reloads the running instance of a
// service, and nothing else: its name, the pidfile (and whether the daemon
// writes it), the lock file, the program, the stop schedule and the reload
// signal. It is what the instance record keeps, so that stop and status
// still serve a service whose config was broken or removed after start;
// small, so that reading it costs every action little.
type Locator struct {
	Name, Desc, Source string
	PidFile            string
	PidFileByDaemon    bool
	LockFile           string
	Path               string
	Schedule           schedule.Schedule
	ReloadSignal       syscall.Signal
	NoReload           bool
}

// Locator is s's Locator.
func (s *Spec) Locator() Locator {
	return Locator{Name: s.Name, Desc: s.Desc, Source: s.Source,
		PidFile: s.PidFile, PidFileByDaemon: s.PidFileByDaemon, LockFile: s.LockFile,
		Path: s.Path, Schedule: s.Schedule, ReloadSignal: s.ReloadSignal, NoReload: s.NoReload}
}

// Spec is the service l locates, not yet complete: its log goes nowhere.
func (l Locator) Spec() *Spec {
	return &Spec{Name: l.Name, Desc: l.Desc, Source: l.Source,
		PidFile: l.PidFile, PidFileByDaemon: l.PidFileByDaemon, LockFile: l.LockFile,
		Path: l.Path, Schedule: l.Schedule, ReloadSignal: l.ReloadSignal, NoReload: l.NoReload,
		LogFile: "none"}
}
