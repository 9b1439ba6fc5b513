package spec

import "fmt"

// RestartMode is how a supervisor that keeps its sockets across restart
// replaces the daemon (RESTART).
type RestartMode string

// The restart modes.
const (
	// RestartStopStart stops the old daemon by the stop schedule, then
	// starts the new one on the same sockets.
	RestartStopStart RestartMode = "stop-start"
	// RestartOverlap starts the new daemon on the same sockets, waits
	// until it is ready, and only then stops the old one.
	RestartOverlap RestartMode = "overlap"
)

// MaxFDStore bounds FDSTORE_MAX, as systemd bounds FileDescriptorStoreMax.
const MaxFDStore = 4096

// ParseRestart reads RESTART; "" is the default.
func ParseRestart(s string) (RestartMode, error) {
	switch m := RestartMode(s); m {
	case "", RestartStopStart, RestartOverlap:
		return m, nil
	}
	return "", fmt.Errorf("%q is not stop-start or overlap", s)
}

// CheckFDStoreMax refuses a store bound outside 0..MaxFDStore.
func CheckFDStoreMax(n int) error {
	if n < 0 || n > MaxFDStore {
		return fmt.Errorf("%d is out of range 0..%d", n, MaxFDStore)
	}
	return nil
}

// KeepsSupervisor reports whether restart keeps the supervisor resident
// and replaces only the daemon: it does when there are sockets or stored
// descriptors to keep.
func (s *Spec) KeepsSupervisor() bool { return len(s.Listen) > 0 || s.FDStoreMax > 0 }
