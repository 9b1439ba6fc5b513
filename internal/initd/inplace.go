package initd

import (
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strings"
	"time"

	"github.com/lsbinit/lsbinit/internal/daemon"
	"github.com/lsbinit/lsbinit/internal/exitcode"
	"github.com/lsbinit/lsbinit/internal/proc"
	"golang.org/x/sys/unix"
)

// restartInPlace asks the supervisor of a service that keeps its sockets
// across restart (LISTEN, FDSTORE_MAX) to replace only the daemon: the
// request carries the newly resolved service and the action lock, and the
// supervisor answers as the one start spawns does. done is false when the
// restart is to be a stop and a start instead: no supervisor to ask, one
// that cannot take requests, or a service changed beyond what it can carry.
func (r *runner) restartInPlace() (done bool, err error) {
	c := r.c
	if !c.KeepsSupervisor() {
		return false, nil
	}
	in := c.probe()
	if !in.supervised() || in.state.Control == "" || in.stopping() {
		return false, nil
	}
	text, ok := c.Encode()
	if !ok {
		return false, nil
	}
	conn, err := net.DialUnix("unix", nil, &net.UnixAddr{Name: in.state.Control, Net: "unix"})
	if err != nil {
		return false, nil
	}
	defer conn.Close()
	if pid, _, known := proc.Peer(conn); known && pid != in.state.Supervisor {
		return false, nil // not the supervisor the sidecar names
	}
	c.writeRecord()
	if err := r.sendRestart(conn, text); err != nil {
		return false, nil
	}
	// The longest a restart takes: the old daemon's stop, the new one's
	// start, and its stop when it fails.
	if d, forever := c.StopBudget(); !forever {
		conn.SetReadDeadline(time.Now().Add(2*d + c.StartBudget()))
	}
	rd := &lastError{r: conn}
	var msgs strings.Builder
	code, ok := daemon.ReadVerdict(rd, &msgs)
	if ok && code == 0 {
		io.WriteString(c.Stderr, msgs.String())
	}
	var ne net.Error
	switch {
	case !ok && errors.As(rd.err, &ne) && ne.Timeout():
		return true, relayed(exitcode.Failed, msgs.String()+fmt.Sprintf("%s: the supervisor (pid %d) did not finish the restart in time", c.Name, in.state.Supervisor))
	case !ok, code == daemon.Incompatible:
		return false, nil // gone meanwhile, or a new supervisor is needed
	case code != 0:
		return true, relayed(code, msgs.String())
	}
	return true, nil
}

// sendRestart writes the request: the action lock rides on its first
// byte, as SCM_RIGHTS.
func (r *runner) sendRestart(conn *net.UnixConn, text string) error {
	exe, _ := os.Executable()
	msg := []byte("restart " + exe + "\n" + text)
	var oob []byte
	if r.lock != nil {
		fd, done := r.lock.Inherit()
		defer done()
		oob = unix.UnixRights(fd)
	}
	if _, _, err := conn.WriteMsgUnix(msg[:1], oob, nil); err != nil {
		return err
	}
	if _, err := conn.Write(msg[1:]); err != nil {
		return err
	}
	return conn.CloseWrite()
}

// lastError is a reader that remembers its last error.
type lastError struct {
	r   io.Reader
	err error
}

func (l *lastError) Read(p []byte) (int, error) {
	n, err := l.r.Read(p)
	if err != nil {
		l.err = err
	}
	return n, err
}
