package supervisor

import (
	"fmt"
	"net"
	"time"

	"github.com/lsbinit/lsbinit/internal/ready"
)

// dialReady is READY=tcp:HOST:PORT and READY=unix:PATH: the daemon
// accepts a connection there, looked at every readyPoll.
type dialReady struct{ spec ready.Spec }

// readyPoll is how often a dial: and file: readiness are looked at.
const readyPoll = 10 * time.Millisecond

// prepare refuses a first start where something already answers: it
// would make a daemon that cannot listen there look ready.
func (r dialReady) prepare(_ *Supervisor, first bool) error {
	if !first {
		return nil // the old daemon answers there: overlap refuses this kind
	}
	network, addr := r.spec.Dials()
	if conn, err := net.DialTimeout(network, addr, 100*time.Millisecond); err == nil {
		conn.Close()
		return fmt.Errorf("READY=%s: another process already accepts connections there", r.spec)
	}
	return nil
}

func (dialReady) watch(_ *Supervisor, w *readyWatch) { w.every(readyPoll) }

func (r dialReady) ready(*Supervisor) bool {
	network, addr := r.spec.Dials()
	conn, err := net.DialTimeout(network, addr, 100*time.Millisecond)
	if err != nil {
		return false
	}
	conn.Close()
	return true
}
