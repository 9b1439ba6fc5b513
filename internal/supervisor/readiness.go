package supervisor

import (
	"time"

	"github.com/lsbinit/lsbinit/internal/ready"
)

// readiness is one kind of READY, as the supervisor proves it: each kind
// is a file of its own (ready_KIND.go), holding its own state. A new kind
// is its entry in internal/ready, and, when none of these proves it, its
// file and its line in readinesses.
type readiness interface {
	// prepare runs before a daemon starts: what must hold for the proof
	// to mean anything, and what must be remembered to tell a change.
	// first is false for the next daemon of a restart in place, when the
	// old one is still there.
	prepare(sv *Supervisor, first bool) error
	// watch begins the wait for the daemon just started: it sets what
	// waitReady selects on.
	watch(sv *Supervisor, w *readyWatch)
	// ready looks once, when w.poll ticks.
	ready(sv *Supervisor) bool
}

// readinesses make the readiness of each kind that is not proven by a
// connection (tcp:, unix:, any that ready.Spec.Dials names a network for:
// dialReady proves them all).
var readinesses = map[string]func(ready.Spec) readiness{
	ready.Exec:   func(ready.Spec) readiness { return &execReady{} },
	ready.Notify: func(ready.Spec) readiness { return notifyReady{} },
	ready.File:   func(r ready.Spec) readiness { return &fileReady{spec: r} },
	ready.Delay:  func(r ready.Spec) readiness { return delayReady{r.Delay} },
}

// newReadiness is the readiness r asks for (exec when unknown).
func newReadiness(r ready.Spec) readiness {
	if network, _ := r.Dials(); network != "" {
		return dialReady{r}
	}
	if mk := readinesses[r.Kind]; mk != nil {
		return mk(r)
	}
	return &execReady{}
}

// readyWatch is what waitReady waits on.
type readyWatch struct {
	settle, poll    <-chan time.Time // a fixed proof's end; a look's turn
	notified, begun <-chan struct{}  // the daemon says it is ready; a Go daemon's body began
	stops           []func()
}

func (w *readyWatch) stop() {
	for _, f := range w.stops {
		f()
	}
}

// every makes poll tick every d.
func (w *readyWatch) every(d time.Duration) {
	t := time.NewTicker(d)
	w.poll, w.stops = t.C, append(w.stops, t.Stop)
}
