package supervisor

import "time"

// delayReady is READY=delay:D: alive D after exec.
type delayReady struct{ d time.Duration }

func (delayReady) prepare(*Supervisor, bool) error { return nil }

func (r delayReady) watch(_ *Supervisor, w *readyWatch) { w.settle = time.After(r.d) }

func (delayReady) ready(*Supervisor) bool { return false }
