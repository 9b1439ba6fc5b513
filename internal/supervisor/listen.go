package supervisor

import (
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/lsbinit/lsbinit/internal/exitcode"
	"github.com/lsbinit/lsbinit/internal/spec"
	"golang.org/x/sys/unix"
)

// LISTEN: the supervisor creates the service's sockets itself, before the
// daemon runs and with the supervisor's privileges (a daemon running as
// USER=www-data may serve port 80), and hands them to every daemon it
// starts as descriptors 3, 4, ... with LISTEN_FDS, LISTEN_FDNAMES and
// LISTEN_PID, the protocol of sd_listen_fds(3). It keeps them open while it
// runs, so a daemon it restarts (RESPAWN) finds connections waiting in the
// accept queue.

// listeners are the LISTEN sockets the supervisor holds, in LISTEN's
// order, and the files of the unix sockets it created.
type listeners struct {
	files []*os.File
	paths []string
}

// open creates the sockets. A failure closes what was opened and names
// the socket.
func (l *listeners) open(socks []spec.Socket) error {
	for _, s := range socks {
		f, err := openSocket(s)
		if err != nil {
			l.close()
			code := exitcode.Privilege(err, exitcode.Failed)
			return exitcode.With(code, fmt.Errorf("LISTEN %s:%s: %w", s.Net, s.Addr, err))
		}
		l.files = append(l.files, f)
		if s.Net == "unix" {
			l.paths = append(l.paths, s.Addr)
		}
	}
	return nil
}

// close closes the sockets and removes the files of the unix sockets it
// created, if they are still sockets.
func (l *listeners) close() {
	for _, f := range l.files {
		f.Close()
	}
	for _, path := range l.paths {
		if info, err := os.Lstat(path); err == nil && info.Mode()&fs.ModeSocket != 0 {
			os.Remove(path)
		}
	}
	l.files, l.paths = nil, nil
}

// openSockets creates the LISTEN sockets, or adopts those the service
// manager passed.
func (sv *Supervisor) openSockets() error {
	if len(sv.c.Listen) == 0 {
		return nil
	}
	if adopted, err := sv.adoptActivated(); adopted {
		return err
	}
	return sv.sockets.open(sv.c.Listen)
}

// openSocket binds one socket and returns its descriptor.
func openSocket(s spec.Socket) (*os.File, error) {
	switch s.Net {
	case "udp", "udp6":
		c, err := net.ListenPacket(s.Net, s.Addr)
		if err != nil {
			return nil, cause(err)
		}
		defer c.Close()
		return nonblocking(c.(*net.UDPConn).File())
	case "unix":
		if err := clearStaleSocket(s.Addr); err != nil {
			return nil, err
		}
		l, err := net.Listen("unix", s.Addr)
		if err != nil {
			return nil, cause(err)
		}
		ul := l.(*net.UnixListener)
		ul.SetUnlinkOnClose(false)
		defer ul.Close()
		os.Chmod(s.Addr, 0o666) // as systemd's SocketMode: the daemon decides whom to serve
		return nonblocking(ul.File())
	}
	l, err := net.Listen(s.Net, s.Addr)
	if err != nil {
		return nil, cause(err)
	}
	defer l.Close()
	return nonblocking(l.(*net.TCPListener).File())
}

// nonblocking returns a socket for handing down in non-blocking mode, as
// systemd hands its sockets: a daemon blocked in accept(2) on a socket
// another daemon (an overlapping restart's) took the connection from
// could not stop. The *os.File is made while the socket blocks, so that
// passing it to a child (which calls Fd) leaves the mode alone.
func nonblocking(f *os.File, err error) (*os.File, error) {
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fd, err := unix.Dup(int(f.Fd())) // Fd: the socket blocks now
	if err != nil {
		return nil, err
	}
	unix.CloseOnExec(fd)
	g := os.NewFile(uintptr(fd), f.Name())
	if err := unix.SetNonblock(fd, true); err != nil {
		g.Close()
		return nil, err
	}
	return g, nil
}

// clearStaleSocket removes a unix socket left at path by an earlier run,
// when nobody answers on it; it refuses anything but a socket.
func clearStaleSocket(path string) error {
	info, err := os.Lstat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil
	case err != nil:
		return err
	case info.Mode()&fs.ModeSocket == 0:
		return fmt.Errorf("%s exists and is not a socket; refusing to replace it", path)
	}
	if c, err := net.DialTimeout("unix", path, 100*time.Millisecond); err == nil {
		c.Close()
		return fmt.Errorf("another process already accepts connections on %s", path)
	}
	return os.Remove(path)
}

// cause is the system's reason inside a net error ("address already in
// use", "permission denied"), the socket being named by the caller.
func cause(err error) error {
	var sys *os.SyscallError
	if errors.As(err, &sys) {
		return sys.Err
	}
	return err
}

// passSockets gives cmd the sockets, then the stored descriptors, as its
// descriptors 3, 4, ... and the variables that name them. LISTEN_PID must
// be the daemon's own PID, which is known only once it runs: a shell
// started in its place sets it and execs the daemon, which so keeps that
// PID.
// It returns what to call once cmd has started.
func (sv *Supervisor) passSockets(cmd *exec.Cmd) (started func()) {
	stored, storedNames, nonblock := sv.store.snapshot()
	started = func() { restore(stored, nonblock) }
	if len(sv.sockets.files)+len(stored) == 0 {
		return started
	}
	files := append(slices.Clip(sv.sockets.files), stored...)
	cmd.ExtraFiles = append(files, cmd.ExtraFiles...)
	names := make([]string, 0, len(files))
	for _, s := range sv.c.Listen {
		names = append(names, s.Name)
	}
	names = append(names, storedNames...)
	cmd.Env = append(cmd.Env, "LISTEN_FDS="+strconv.Itoa(len(files)), "LISTEN_FDNAMES="+strings.Join(names, ":"))
	if sv.c.Path == "" {
		return started // a Go daemon sets LISTEN_PID itself, and keeps its argv[0]
	}
	cmd.Args = append([]string{"sh", "-c", `LISTEN_PID=$$; export LISTEN_PID; exec "$0" "$@"`, cmd.Path}, cmd.Args[1:]...)
	cmd.Path = "/bin/sh"
	return started
}
