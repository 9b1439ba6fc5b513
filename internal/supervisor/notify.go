package supervisor

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"net"
	"os"
	"sync"

	"github.com/lsbinit/lsbinit/internal/proc"
	"github.com/lsbinit/lsbinit/internal/spec"
	"golang.org/x/sys/unix"
)

// notifySocket receives sd_notify(3) datagrams from the daemon: READY=1
// makes a starting daemon ready; FDSTORE=1 hands descriptors to the store;
// other messages are ignored. Only the daemon and its descendants are
// listened to where the kernel tells the sender.
type notifySocket struct {
	conn *net.UnixConn
	addr string // the value of $NOTIFY_SOCKET
	path string // a socket file to remove, or "" for an abstract socket

	mu      sync.Mutex
	ready   chan struct{} // closed by the READY=1 that counts
	exclude int           // a daemon whose READY=1 does not count, or 0
}

// listenNotify opens the socket: abstract on Linux (nothing to clean up),
// a file beside the pidfile elsewhere.
func listenNotify(c *spec.Spec) (*notifySocket, error) {
	var b [8]byte
	rand.Read(b[:])
	n := &notifySocket{ready: make(chan struct{})}
	if abstractSockets {
		n.addr = "@lsbinit/" + c.Name + "/" + hex.EncodeToString(b[:])
	} else {
		n.path = c.NotifyPath()
		os.Remove(n.path)
		n.addr = n.path
	}
	conn, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: n.addr, Net: "unixgram"})
	if err != nil {
		return nil, err
	}
	if n.path != "" {
		os.Chmod(n.path, 0o666) // the daemon may run as another user
	}
	if err := passCredentials(conn); err != nil {
		conn.Close()
		return nil, err
	}
	n.conn = conn
	return n, nil
}

// arm waits for a new daemon's READY=1, and returns the channel closed
// when it comes. A READY=1 from exclude or its descendants (the daemon
// the new one replaces) does not count.
func (n *notifySocket) arm(exclude int) <-chan struct{} {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.ready, n.exclude = make(chan struct{}), exclude
	return n.ready
}

// serve reads datagrams until the socket is closed; accept says whether a
// sender PID (0 when unknown) may speak for the daemon.
func (n *notifySocket) serve(sv *Supervisor, accept func(pid int) bool) {
	buf := make([]byte, 4096)
	oob := make([]byte, 128+unix.CmsgSpace(4*maxPassed)) // credentials, descriptors
	for {
		nb, noob, err := recvmsg(n.conn, buf, oob)
		if err != nil {
			return
		}
		files := receivedFiles(oob[:noob])
		pid := senderPID(oob[:noob])
		if !accept(pid) {
			closeFiles(files)
			continue
		}
		msg := parseNotify(buf[:nb])
		if msg["READY"] == "1" {
			n.readyFrom(pid)
		}
		sv.stored(msg, files, pid)
	}
}

// maxPassed is how many descriptors one datagram may carry (SCM_MAX_FD).
const maxPassed = 253

// parseNotify reads a datagram's KEY=VALUE lines.
func parseNotify(b []byte) map[string]string {
	msg := map[string]string{}
	for _, line := range bytes.Split(b, []byte("\n")) {
		if k, v, ok := bytes.Cut(line, []byte("=")); ok {
			msg[string(k)] = string(v)
		}
	}
	return msg
}

// readyFrom takes a READY=1 from pid (0 when unknown).
func (n *notifySocket) readyFrom(pid int) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.exclude > 0 && pid > 0 && proc.DescendsFrom(pid, n.exclude) {
		return
	}
	select {
	case <-n.ready:
	default:
		close(n.ready)
	}
}

func (n *notifySocket) Close() {
	n.conn.Close()
	if n.path != "" {
		os.Remove(n.path)
	}
}
