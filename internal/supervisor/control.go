package supervisor

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"io"
	"net"
	"os"
	"time"

	"github.com/lsbinit/lsbinit/internal/actionlock"
	"github.com/lsbinit/lsbinit/internal/proc"
	"github.com/lsbinit/lsbinit/internal/spec"
	"golang.org/x/sys/unix"
)

// The control socket: a supervisor that keeps something across restart
// (LISTEN sockets, stored descriptors) listens on a unix stream socket
// named in the sidecar. restart connects, passes its action lock as an
// SCM_RIGHTS message, sends "restart EXE" and the newly resolved service,
// and reads the supervisor's messages and verdict as start reads them from
// the supervisor it spawned. Only root and the supervisor's own user are
// heard (the kernel names the peer); elsewhere the socket file is the
// owner's alone.

// restartRequest is one restart asked for on the control socket.
type restartRequest struct {
	c    *spec.Spec          // the service as restart resolved it
	exe  string              // the asking program, which a Go daemon is run from
	conn net.Conn            // where messages and the verdict go
	lock *actionlock.Adopted // the caller's action lock, held until the verdict
}

// peerAllowed admits root and the supervisor's own user, as the kernel
// names the connecting process. Where it does not, the socket is a file
// only its owner can open (abstract sockets, which have no file, exist
// only where the kernel names peers).
func peerAllowed(conn *net.UnixConn) bool {
	_, uid, ok := proc.Peer(conn)
	if !ok {
		return !abstractSockets
	}
	return uid == 0 || uid == os.Geteuid()
}

// maxRequest bounds a request: the encoded service, which restart sends
// whenever it is encodable at all (spec.MaxEncoded), and a line.
var maxRequest = spec.MaxEncoded + 4<<10 // a variable for the tests

// requestDeadline bounds how long a peer may take to send its request.
var requestDeadline = 5 * time.Second

type controlSocket struct {
	ln   *net.UnixListener
	addr string // the value recorded in the sidecar
	path string // a socket file to remove, or ""
}

// listenControl opens the control socket and starts taking requests,
// which arrive on sv.restarts.
func (sv *Supervisor) listenControl() error {
	var b [8]byte
	rand.Read(b[:])
	cs := &controlSocket{}
	if abstractSockets {
		cs.addr = "@lsbinit-control/" + sv.c.Name + "/" + hex.EncodeToString(b[:])
	} else {
		cs.path = sv.c.ControlPath()
		os.Remove(cs.path)
		cs.addr = cs.path
	}
	old := unix.Umask(0o077) // a socket file: the owner's alone
	ln, err := net.ListenUnix("unix", &net.UnixAddr{Name: cs.addr, Net: "unix"})
	unix.Umask(old)
	if err != nil {
		return err
	}
	ln.SetUnlinkOnClose(false)
	cs.ln = ln
	sv.control = cs
	sv.state.Control = cs.addr
	go cs.serve(sv.restarts)
	return nil
}

func (cs *controlSocket) serve(out chan<- *restartRequest) {
	for {
		conn, err := cs.ln.AcceptUnix()
		if err != nil {
			return
		}
		go func() {
			if req := readRequest(conn); req != nil {
				out <- req
				return
			}
			conn.Close()
		}()
	}
}

// readRequest reads one request from an allowed peer, or returns nil.
func readRequest(conn *net.UnixConn) *restartRequest {
	if !peerAllowed(conn) {
		return nil
	}
	conn.SetReadDeadline(time.Now().Add(requestDeadline))
	var body bytes.Buffer
	var lock *os.File
	buf, oob := make([]byte, 32<<10), make([]byte, unix.CmsgSpace(4*4))
	for body.Len() <= maxRequest {
		n, noob, err := recvmsg(conn, buf, oob)
		body.Write(buf[:n])
		for _, f := range receivedFiles(oob[:noob]) {
			if lock == nil {
				lock = f
			} else {
				f.Close()
			}
		}
		if errors.Is(err, io.EOF) || (err == nil && n == 0) {
			break
		}
		if err != nil {
			lock.Close()
			return nil
		}
	}
	conn.SetReadDeadline(time.Time{})
	req, err := parseRequest(body.Bytes())
	if err != nil {
		lock.Close()
		return nil
	}
	req.conn, req.lock = conn, actionlock.Adopt(lock)
	return req
}

// parseRequest reads "restart EXE\n" followed by the encoded service.
func parseRequest(b []byte) (*restartRequest, error) {
	line, rest, ok := bytes.Cut(b, []byte("\n"))
	verb, exe, _ := bytes.Cut(line, []byte(" "))
	if !ok || string(verb) != "restart" {
		return nil, errors.New("not a restart request")
	}
	c, err := spec.Decode(string(rest))
	if err != nil {
		return nil, err
	}
	return &restartRequest{c: c, exe: string(exe)}, nil
}

// receivedFiles are the descriptors passed in the control messages oob.
func receivedFiles(oob []byte) []*os.File {
	var files []*os.File
	for _, fd := range proc.PassedFDs(oob) {
		files = append(files, os.NewFile(uintptr(fd), "passed"))
	}
	return files
}

// Close stops taking requests and removes the socket's file.
func (cs *controlSocket) Close() {
	cs.ln.Close()
	if cs.path != "" {
		os.Remove(cs.path)
	}
}
