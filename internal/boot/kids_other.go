//go:build !linux

package boot

// reap reaps every child that has ended.
func (k *kids) reap() {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.reapAny()
}

// becomeReaper does nothing where there are no subreapers: orphans go to
// the system's init.
func becomeReaper() error { return nil }
