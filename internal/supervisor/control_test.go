package supervisor

import (
	"io"
	"net"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/lsbinit/lsbinit/internal/spec"
	"golang.org/x/sys/unix"
)

// testTimeout bounds a wait that should end at once, so that a broken
// supervisor fails the test instead of hanging it.
const testTimeout = 10 * time.Second

// encoded is a service as restart sends it.
func encoded(t *testing.T, c *spec.Spec) string {
	t.Helper()
	text, ok := c.Encode()
	if !ok {
		t.Fatal("Encode refused the service")
	}
	return text
}

// parseRequest takes "restart EXE\n" and the encoded service, the EXE
// being all of the line after the first space.
func TestParseRequest(t *testing.T) {
	want := &spec.Spec{Name: "web", Path: "/usr/sbin/webd", Args: []string{"-f"},
		Listen: []spec.Socket{{Name: "http", Net: "tcp", Addr: "127.0.0.1:8080"}}}
	text := encoded(t, want)
	for line, exe := range map[string]string{
		"restart /usr/bin/lsbinit": "/usr/bin/lsbinit",
		"restart /opt/my app/run":  "/opt/my app/run",
		"restart":                  "",
	} {
		req, err := parseRequest([]byte(line + "\n" + text))
		if err != nil {
			t.Errorf("parseRequest(%q + service): %v", line, err)
			continue
		}
		if req.exe != exe {
			t.Errorf("parseRequest(%q): exe %q, want %q", line, req.exe, exe)
		}
		if req.c.Name != want.Name || req.c.Path != want.Path || !reflect.DeepEqual(req.c.Args, want.Args) ||
			!reflect.DeepEqual(req.c.Listen, want.Listen) {
			t.Errorf("parseRequest(%q): service %+v, want %+v", line, req.c, want)
		}
		if req.conn != nil || req.lock != nil {
			t.Errorf("parseRequest(%q) set the connection or the lock", line)
		}
	}
}

// parseRequest refuses anything but a restart line and a readable service.
func TestParseRequestRefuses(t *testing.T) {
	text := encoded(t, &spec.Spec{Name: "web"})
	for _, in := range []string{
		"",
		"restart /usr/bin/lsbinit",               // no newline, no service
		"restart /usr/bin/lsbinit" + text,        // no newline
		"stop /usr/bin/lsbinit\n" + text,         // another verb
		"restarts /usr/bin/lsbinit\n" + text,     // not the verb
		"RESTART /usr/bin/lsbinit\n" + text,      // verbs are lower case
		" restart /usr/bin/lsbinit\n" + text,     // nothing before the verb
		"restart /usr/bin/lsbinit\n",             // no service
		"restart /usr/bin/lsbinit\nnot json",     // an unreadable service
		"restart /usr/bin/lsbinit\n" + text[:10], // a cut-off service
	} {
		if req, err := parseRequest([]byte(in)); err == nil {
			t.Errorf("parseRequest(%q) = %+v, want an error", in, req)
		}
	}
}

// receivedFiles wraps each passed descriptor as an *os.File named "passed"
// that reads what was written to the pipe it is the end of.
func TestReceivedFiles(t *testing.T) {
	if files := receivedFiles(nil); files != nil {
		t.Errorf("receivedFiles(nil) = %v", files)
	}
	r, w := rawPipe(t, unix.O_NONBLOCK)
	defer w.Close()
	var fds []int
	for _, f := range []*os.File{r, r} { // two descriptors of one pipe, as the kernel installs them
		withFD(t, f, func(fd int) {
			d, err := unix.Dup(fd)
			if err != nil {
				t.Fatal(err)
			}
			fds = append(fds, d)
		})
	}
	r.Close()
	files := receivedFiles(unix.UnixRights(fds...))
	defer closeFiles(files)
	if len(files) != 2 {
		t.Fatalf("receivedFiles gave %d files, want 2", len(files))
	}
	for i, f := range files {
		if f.Name() != "passed" {
			t.Errorf("file %d is named %q, want %q", i, f.Name(), "passed")
		}
		readsWhatIsWritten(t, w, f)
	}
}

// socketPair returns the two ends of a connected unix stream socket pair;
// they close when the test ends.
func socketPair(t *testing.T) (a, b *net.UnixConn) {
	t.Helper()
	fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	var conns [2]*net.UnixConn
	for i, fd := range fds {
		f := os.NewFile(uintptr(fd), "socketpair")
		c, err := net.FileConn(f)
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		conns[i] = c.(*net.UnixConn)
		t.Cleanup(func() { c.Close() })
	}
	return conns[0], conns[1]
}

// closedSoon reports whether every write end of the pipe r reads from has
// been closed: r reads end-of-file instead of timing out.
func closedSoon(t *testing.T, r *os.File) bool {
	t.Helper()
	r.SetReadDeadline(time.Now().Add(testTimeout))
	n, err := r.Read(make([]byte, 1))
	return n == 0 && err == io.EOF
}

// readRequest reads the request to end-of-file, adopts the first passed
// descriptor as the caller's action lock and closes any other.
func TestReadRequest(t *testing.T) {
	conn, peer := socketPair(t)
	lockR, lockW := rawPipe(t, unix.O_NONBLOCK)
	extraR, extraW := rawPipe(t, unix.O_NONBLOCK)
	defer lockR.Close()
	defer extraR.Close()
	text := encoded(t, &spec.Spec{Name: "web", Path: "/usr/sbin/webd"})
	sendRights(t, peer, "r", lockW, extraW) // as restart: the lock rides on the first byte
	lockW.Close()
	extraW.Close()
	if _, err := peer.Write([]byte("estart /usr/bin/lsbinit\n" + text)); err != nil {
		t.Fatal(err)
	}
	peer.CloseWrite()
	req := readRequest(conn)
	if req == nil {
		t.Fatal("readRequest refused a well-formed request")
	}
	if req.c.Name != "web" || req.c.Path != "/usr/sbin/webd" || req.exe != "/usr/bin/lsbinit" {
		t.Errorf("request: service %q %q, exe %q", req.c.Name, req.c.Path, req.exe)
	}
	if req.conn != conn {
		t.Error("the request does not answer on the connection it came on")
	}
	if !closedSoon(t, extraR) {
		t.Error("a second passed descriptor was kept open")
	}
	if req.lock == nil {
		t.Fatal("the passed action lock was not adopted")
	}
	req.lock.Close()
	if !closedSoon(t, lockR) {
		t.Error("closing the adopted lock did not close the passed descriptor")
	}
}

// A request without a descriptor is taken, with no lock.
func TestReadRequestWithoutLock(t *testing.T) {
	conn, peer := socketPair(t)
	if _, err := peer.Write([]byte("restart /x\n" + encoded(t, &spec.Spec{Name: "db"}))); err != nil {
		t.Fatal(err)
	}
	peer.CloseWrite()
	req := readRequest(conn)
	if req == nil || req.c.Name != "db" || req.lock != nil {
		t.Fatalf("readRequest = %+v, want service db and no lock", req)
	}
}

// A malformed request is refused, and the lock it passed closed.
func TestReadRequestMalformed(t *testing.T) {
	conn, peer := socketPair(t)
	lockR, lockW := rawPipe(t, unix.O_NONBLOCK)
	defer lockR.Close()
	sendRights(t, peer, "stop /usr/bin/lsbinit\n{}", lockW)
	lockW.Close()
	peer.CloseWrite()
	if req := readRequest(conn); req != nil {
		t.Fatalf("readRequest took a stop request: %+v", req)
	}
	if !closedSoon(t, lockR) {
		t.Error("the lock of a refused request was kept open")
	}
}

// A request well beyond maxRequest is refused, even a well-formed one
// (readRequest stops reading once past the bound; the read that crosses
// it may still complete a request somewhat longer).
func TestReadRequestTooLong(t *testing.T) {
	defer func(max int) { maxRequest = max }(maxRequest)
	maxRequest = 256 << 10 // sixteen MiB would be slow to send, and the same
	conn, peer := socketPair(t)
	// Past what Encode makes: a peer that is not restart.
	text := `{"Name":"big","Desc":"` + strings.Repeat("d", maxRequest+64<<10) + `"}`
	wrote := make(chan struct{})
	go func() { // the socket buffer takes less than the request
		peer.Write([]byte("restart /x\n" + text))
		peer.CloseWrite()
		close(wrote)
	}()
	req := readRequest(conn)
	conn.Close() // as serve does; it ends the write
	<-wrote
	if req != nil {
		t.Errorf("readRequest took a request of %d bytes, beyond maxRequest (%d)", len(text), maxRequest)
	}
}

// A connection whose peer the kernel cannot name is refused where peers
// are named (abstract sockets), and taken where the socket file is the
// owner's alone.
func TestReadRequestUnnamedPeer(t *testing.T) {
	conn, _ := socketPair(t)
	conn.Close() // SO_PEERCRED fails on it
	if got := peerAllowed(conn); got != !abstractSockets {
		t.Errorf("peerAllowed(closed) = %v, want %v", got, !abstractSockets)
	}
	if abstractSockets && readRequest(conn) != nil {
		t.Error("readRequest took a request from a peer the kernel did not name")
	}
}

// peerAllowed admits our own user (and root) as the kernel names them.
func TestPeerAllowedSelf(t *testing.T) {
	conn, _ := socketPair(t)
	if !peerAllowed(conn) {
		t.Errorf("peerAllowed refused a peer of our own user (euid %d)", os.Geteuid())
	}
}

// serve hands on each well-formed request with its connection, closes a
// connection that sent none, and ends when the socket is closed, whose
// file Close removes.
func TestControlSocketServe(t *testing.T) {
	path := filepath.Join(t.TempDir(), "control.sock")
	ln, err := net.ListenUnix("unix", &net.UnixAddr{Name: path, Net: "unix"})
	if err != nil {
		t.Fatal(err)
	}
	ln.SetUnlinkOnClose(false)
	cs := &controlSocket{ln: ln, addr: path, path: path}
	out, served := make(chan *restartRequest, 1), make(chan struct{})
	go func() { cs.serve(out); close(served) }()

	bad := dialControl(t, path, "hello\n")
	bad.SetReadDeadline(time.Now().Add(testTimeout))
	if n, err := bad.Read(make([]byte, 1)); n != 0 || err != io.EOF {
		t.Errorf("after a malformed request: read %d, %v; want the connection closed", n, err)
	}
	good := dialControl(t, path, "restart /x\n"+encoded(t, &spec.Spec{Name: "web"}))
	select {
	case req := <-out:
		if req.c.Name != "web" || req.exe != "/x" {
			t.Errorf("request: service %q, exe %q", req.c.Name, req.exe)
		}
		req.conn.Write([]byte("verdict"))
		req.conn.Close()
		if b, _ := io.ReadAll(good); string(b) != "verdict" {
			t.Errorf("the caller read %q on its connection, want %q", b, "verdict")
		}
	case <-time.After(testTimeout):
		t.Fatal("serve did not hand on a well-formed request")
	}
	cs.Close()
	select {
	case <-served:
	case <-time.After(testTimeout):
		t.Fatal("serve did not return once the socket was closed")
	}
	if _, err := os.Lstat(path); !os.IsNotExist(err) {
		t.Errorf("the socket file is still there after Close: %v", err)
	}
}

// dialControl connects to the control socket at path and sends msg; the
// connection closes when the test ends.
func dialControl(t *testing.T, path, msg string) *net.UnixConn {
	t.Helper()
	c, err := net.DialUnix("unix", nil, &net.UnixAddr{Name: path, Net: "unix"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	if _, err := c.Write([]byte(msg)); err != nil {
		t.Fatal(err)
	}
	c.CloseWrite()
	return c
}

// A large service (a config of hundreds of KiB) is still restarted in
// place: the supervisor takes any request restart sends, whatever
// spec.Encode accepts.
func TestReadRequestLargeService(t *testing.T) {
	conn, peer := socketPair(t)
	text := encoded(t, &spec.Spec{Name: "big", Desc: strings.Repeat("d", 512<<10)})
	go func() {
		peer.Write([]byte("restart /x\n" + text))
		peer.CloseWrite()
	}()
	req := readRequest(conn)
	if req == nil || req.c == nil || len(req.c.Desc) != 512<<10 {
		t.Fatalf("readRequest refused a %d-byte service", len(text))
	}
	req.lock.Close()
}

// A peer that sends part of a request and then nothing is given up on
// at the deadline, its lock closed, without taking the supervisor down.
func TestReadRequestStalled(t *testing.T) {
	defer func(d time.Duration) { requestDeadline = d }(requestDeadline)
	requestDeadline = 200 * time.Millisecond
	conn, peer := socketPair(t)
	peer.Write([]byte("restart /x\n{\"Name\":"))
	if req := readRequest(conn); req != nil {
		t.Fatalf("readRequest took a request that never ended: %+v", req)
	}
}
