package supervisor

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"net"
	"os"
	"sync"

	"github.com/lsbinit/lsbinit/internal/spec"
)

// notifySocket receives sd_notify(3) datagrams from the daemon: READY=1
// makes it ready; other messages are ignored. Only the daemon and its
// descendants are listened to where the kernel tells the sender.
type notifySocket struct {
	conn  *net.UnixConn
	addr  string // the value of $NOTIFY_SOCKET
	path  string // a socket file to remove, or "" for an abstract socket
	ready chan struct{}
	once  sync.Once
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

// serve reads datagrams until the socket is closed; accept says whether a
// sender PID (0 when unknown) may speak for the daemon.
func (n *notifySocket) serve(accept func(pid int) bool) {
	buf := make([]byte, 4096)
	oob := make([]byte, 1024)
	for {
		nb, noob, _, _, err := n.conn.ReadMsgUnix(buf, oob)
		if err != nil {
			return
		}
		if pid := senderPID(oob[:noob]); !accept(pid) {
			continue
		}
		for _, line := range bytes.Split(buf[:nb], []byte("\n")) {
			n.handle(string(line))
		}
	}
}

func (n *notifySocket) handle(line string) {
	if line == "READY=1" {
		n.once.Do(func() { close(n.ready) })
	}
}

func (n *notifySocket) Close() {
	n.conn.Close()
	if n.path != "" {
		os.Remove(n.path)
	}
}
