package spec

import (
	"encoding/json"
	"errors"
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

// Locator is what finds, stops and reloads the running instance of s,
// and nothing else: its name, the pidfile (and whether the daemon writes
// it), the lock file, the program, the stop schedule and the reload
// signal. It is what the instance record keeps, so that stop and status
// still serve a service whose config was broken or removed after start.
func (s *Spec) Locator() *Spec {
	return &Spec{Name: s.Name, Desc: s.Desc, Source: s.Source,
		PidFile: s.PidFile, PidFileByDaemon: s.PidFileByDaemon, LockFile: s.LockFile,
		Path: s.Path, Schedule: s.Schedule, ReloadSignal: s.ReloadSignal, NoReload: s.NoReload}
}
