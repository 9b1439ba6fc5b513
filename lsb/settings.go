package lsb

import (
	"fmt"
	"io/fs"
	"strconv"
	"time"

	"github.com/lsbinit/lsbinit/internal/ready"
	"github.com/lsbinit/lsbinit/internal/schedule"
	"github.com/lsbinit/lsbinit/internal/spec"
)

// Mask is the daemon's umask. The zero Mask is the default, 022.
type Mask struct {
	mask fs.FileMode
	set  bool
}

// Umask is the Mask m: Umask(0o027), or Umask(0) to clear no bits.
func Umask(m fs.FileMode) Mask { return Mask{mask: m & 0o777, set: true} }

func (m Mask) value() int {
	if !m.set {
		return spec.DefaultUmask
	}
	return int(m.mask)
}

// Schedule is how stop ends a daemon: a start-stop-daemon --retry
// schedule. The zero Schedule is the default, TERM/30/KILL/5.
type Schedule struct{ s schedule.Schedule }

// ParseSchedule reads a schedule as start-stop-daemon --retry does:
// SIGNAL/TIMEOUT/... ("TERM/30/KILL/5"), "forever" to repeat the rest,
// or a bare TIMEOUT for TERM/TIMEOUT/KILL/TIMEOUT.
func ParseSchedule(text string) (Schedule, error) {
	s, err := schedule.Parse(text)
	return Schedule{s: s}, err
}

// MustParseSchedule is ParseSchedule for a schedule the program spells
// out as a constant; it panics when text is not a schedule.
func MustParseSchedule(text string) Schedule {
	s, err := ParseSchedule(text)
	if err != nil {
		panic("lsb.MustParseSchedule(" + strconv.Quote(text) + "): " + err.Error())
	}
	return s
}

// String is the schedule as ParseSchedule reads it.
func (s Schedule) String() string {
	if s.s == nil {
		return schedule.Default().String()
	}
	return s.s.String()
}

// Readiness says when start may report success. The zero Readiness waits
// until the daemon has settled, or is still alive Service.ReadyDelay after
// exec: a daemon that exits sooner makes start fail with its last lines.
type Readiness struct {
	r   ready.Spec
	err error
}

// WhenNotified is ready when the daemon says so with sd_notify READY=1:
// see the Ready function.
func WhenNotified() Readiness { return Readiness{r: ready.Spec{Kind: ready.Notify}} }

// The constructors below keep a bad argument's error in the Readiness:
// every action then fails with exit code 6 and the reason.

// WhenListening is ready when the daemon accepts TCP connections at addr,
// HOST:PORT ("127.0.0.1:8080", "[::1]:8080").
func WhenListening(addr string) Readiness {
	r, err := ready.NewTCP(addr)
	return readiness(r, goError(err, "WhenListening(%q): want HOST:PORT, such as \"127.0.0.1:8080\"", addr))
}

// WhenFileChanges is ready when the daemon creates or changes the file at
// path, which must be absolute.
func WhenFileChanges(path string) Readiness {
	r, err := ready.NewFile(path)
	return readiness(r, goError(err, "WhenFileChanges(%q): want an absolute path", path))
}

// AfterDelay is ready when the daemon is still alive d after exec.
func AfterDelay(d time.Duration) Readiness {
	r, err := ready.NewDelay(d)
	return readiness(r, goError(err, "AfterDelay(%v): want a positive duration", d))
}

// goError says, in Go's words rather than the config file's, what is
// wrong with a constructor's argument, when err says something is.
func goError(err error, format string, args ...any) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf(format, args...)
}

// ParseReadiness reads the lsbinit binary's READY words: exec, notify,
// tcp:HOST:PORT, file:PATH or delay:DURATION ("" is exec).
func ParseReadiness(text string) (Readiness, error) {
	r, err := ready.Parse(text)
	return Readiness{r: r}, err
}

// readiness keeps a constructor's error for resolve to report.
func readiness(r ready.Spec, err error) Readiness { return Readiness{r: r, err: err} }

// String is the readiness in ParseReadiness's words.
func (r Readiness) String() string { return r.r.String() }

// Respawn says when the supervisor restarts a daemon that ended on its own.
type Respawn int

// The respawn policies.
const (
	RespawnNo        Respawn = iota // never: the daemon's end is reported (the default)
	RespawnOnFailure                // after a non-zero exit or a signal
	RespawnAlways                   // after any end
)

// spec is the policy as the supervisor knows it, or -1 when r is none.
func (r Respawn) spec() spec.Respawn {
	switch r {
	case RespawnNo:
		return spec.RespawnNo
	case RespawnOnFailure:
		return spec.RespawnOnFailure
	case RespawnAlways:
		return spec.RespawnAlways
	}
	return -1
}

// String is the policy in the lsbinit binary's words: no, on-failure,
// always.
func (r Respawn) String() string { return r.spec().String() }

// RestartMode is how restart replaces the daemon of a service whose
// supervisor keeps its sockets (Listen) or stored descriptors.
type RestartMode int

// The restart modes.
const (
	// RestartStopStart stops the old daemon by the stop schedule, then
	// starts the new one on the same sockets (the default).
	RestartStopStart RestartMode = iota
	// RestartOverlap starts the new daemon on the same sockets, waits
	// until it is ready, and only then stops the old one.
	RestartOverlap
)

func (m RestartMode) spec() spec.RestartMode {
	switch m {
	case RestartStopStart:
		return spec.RestartStopStart
	case RestartOverlap:
		return spec.RestartOverlap
	}
	return "" // refused by Service.check
}

// String is the mode as RESTART spells it.
func (m RestartMode) String() string { return string(m.spec()) }
