// Package dirwatch tells a resident process that files it owns in one
// directory may have been removed, replaced or changed by someone else, so
// that it can look at them and put them right. On Linux it is driven by
// inotify; elsewhere it ticks every Interval.
package dirwatch

import "time"

// Interval is how often a watcher without inotify ticks; an inotify
// watcher also ticks this often when it can no longer watch the directory
// (the directory itself was removed).
const Interval = time.Second

// Watcher delivers a value on C, coalesced, whenever a watched name may
// have changed. Close stops it.
type Watcher struct {
	// C receives after a change; a receiver that is busy misses none,
	// as changes that arrive meanwhile are folded into one.
	C <-chan struct{}

	c    chan struct{}
	stop chan struct{}
	impl closer
}

type closer interface {
	close()
	mechanism() string
}

func newWatcher() *Watcher {
	c := make(chan struct{}, 1)
	return &Watcher{C: c, c: c, stop: make(chan struct{})}
}

// notify posts a change without blocking.
func (w *Watcher) notify() {
	select {
	case w.c <- struct{}{}:
	default:
	}
}

// tick posts a change every Interval until Close.
func (w *Watcher) tick() {
	t := time.NewTicker(Interval)
	defer t.Stop()
	for {
		select {
		case <-t.C:
			w.notify()
		case <-w.stop:
			return
		}
	}
}

// Close stops the watcher. C receives nothing after Close returns, except
// a change posted before it.
func (w *Watcher) Close() {
	if w == nil {
		return
	}
	close(w.stop)
	if w.impl != nil {
		w.impl.close()
	}
}

// How the watcher learns of changes, as Mechanism says.
const (
	ByInotify = "inotify" // the process's inotify instance
	ByShared  = "shared"  // another process's: the user had none left (Share)
	ByDnotify = "dnotify" // fcntl F_NOTIFY: the user had no inotify instance left
	ByTicks   = "ticks"   // a look every Interval
)

// Mechanism says how w learns of changes: ByInotify, ByShared, ByDnotify
// or ByTicks.
func (w *Watcher) Mechanism() string {
	if w.impl == nil {
		return ByTicks
	}
	return w.impl.mechanism()
}
