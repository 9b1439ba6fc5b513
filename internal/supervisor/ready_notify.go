package supervisor

// notifyReady is READY=notify: the daemon sends READY=1 to the notify
// socket the supervisor made for it (notify.go).
type notifyReady struct{}

func (notifyReady) prepare(*Supervisor, bool) error { return nil }

func (notifyReady) watch(sv *Supervisor, w *readyWatch) { w.notified = sv.d.notified }

func (notifyReady) ready(*Supervisor) bool { return false }
