// Package bootctl is the control socket of `lsbinit boot`: where it is,
// and its one exchange. An action run inside the container (`docker exec
// … lsbinit NAME restart`) asks the boot that runs the service to carry it
// out, handing over its stdout and stderr, so that the service's
// supervisor stays a child of boot and the two never fight over it
// (README, "Containers").
package bootctl

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"golang.org/x/sys/unix"

	"github.com/lsbinit/lsbinit/internal/paths"
	"github.com/lsbinit/lsbinit/internal/proc"
)

// SocketEnv, when set to an absolute path, is where boot listens and
// where actions look for it, instead of the default.
const SocketEnv = "LSBINIT_BOOT_SOCKET"

// Address is where the boot of a process with effective uid listens:
// $LSBINIT_BOOT_SOCKET, else lsbinit-boot.sock in the directory that holds
// the default pidfiles (/run as root).
func Address(uid int, getenv func(string) string) string {
	if getenv != nil {
		if p := getenv(SocketEnv); filepath.IsAbs(p) {
			return p
		}
	}
	return filepath.Join(filepath.Dir(paths.PidFile("x", uid, getenv)), "lsbinit-boot.sock")
}

// Request is an action asked of boot: the service's name and pidfile
// (boot runs it only if it is its own: same name, same pidfile) and the
// action's arguments ([-q] ACTION).
type Request struct {
	Name    string   `json:"name"`
	PidFile string   `json:"pidfile"`
	Args    []string `json:"args"`
}

// declined is boot's answer for a service that is not its own.
const declined = "-"

// maxRequest bounds a request: names, a path and a few words.
const maxRequest = 64 << 10

// Ask asks the boot listening at addr to carry out req, writing its
// messages to stdout and stderr, and returns the action's exit code.
// handled is false when no boot listens there, it is not to be trusted,
// or the service is not its own: the caller then acts itself.
func Ask(addr string, req Request, stdout, stderr *os.File) (code int, handled bool) {
	if !trusted(addr) {
		return 0, false
	}
	conn, err := net.DialUnix("unix", nil, &net.UnixAddr{Name: addr, Net: "unix"})
	if err != nil {
		return 0, false
	}
	defer conn.Close()
	if _, uid, ok := proc.Peer(conn); !ok || (uid != os.Geteuid() && uid != 0) {
		return 0, false
	}
	body, err := json.Marshal(req)
	if err != nil {
		return 0, false
	}
	rights := unix.UnixRights(int(stdout.Fd()), int(stderr.Fd()))
	if _, _, err := conn.WriteMsgUnix(body, rights, nil); err != nil {
		return 0, false
	}
	conn.CloseWrite()
	line, err := bufio.NewReader(conn).ReadString('\n')
	line = strings.TrimSpace(line)
	if line == declined || (err != nil && line == "") {
		return 0, false
	}
	n, err := strconv.Atoi(line)
	if err != nil {
		fmt.Fprintf(stderr, "%s: lsbinit boot at %s answered %q\n", req.Name, addr, line)
		return 1, true
	}
	return n, true
}

// trusted reports whether addr is a socket that this user or root owns.
func trusted(addr string) bool {
	info, err := os.Lstat(addr)
	if err != nil || info.Mode().Type() != os.ModeSocket {
		return false
	}
	st, ok := info.Sys().(*syscall.Stat_t)
	return ok && (int(st.Uid) == os.Geteuid() || st.Uid == 0)
}

// Listener is boot's control socket.
type Listener struct {
	l    *net.UnixListener
	path string
}

// ErrRunning is Listen's answer when another boot answers at the address.
var ErrRunning = errors.New("another lsbinit boot is running")

// Listen makes the control socket at path, mode 0600, replacing one that
// nobody answers at (left by a boot that was killed).
func Listen(path string) (*Listener, error) {
	if conn, err := net.DialTimeout("unix", path, time.Second); err == nil {
		conn.Close()
		return nil, fmt.Errorf("%s: %w", path, ErrRunning)
	}
	if info, err := os.Lstat(path); err == nil && info.Mode().Type() == os.ModeSocket {
		os.Remove(path)
	}
	old := unix.Umask(0o177)
	l, err := net.ListenUnix("unix", &net.UnixAddr{Name: path, Net: "unix"})
	unix.Umask(old)
	if err != nil {
		return nil, err
	}
	l.SetUnlinkOnClose(true)
	return &Listener{l: l, path: path}, nil
}

// Close stops listening and removes the socket.
func (l *Listener) Close() error { return l.l.Close() }

// Call is one request received, with the asker's stdout and stderr.
type Call struct {
	Request
	Stdout, Stderr *os.File
	conn           *net.UnixConn
}

// Serve carries out each request from this user or root with handle, in
// a goroutine of its own, until the listener is closed. A request from
// anyone else, or one that is not well formed, is declined here.
func (l *Listener) Serve(handle func(*Call)) {
	for {
		conn, err := l.l.AcceptUnix()
		if err != nil {
			return
		}
		go func() {
			if call := read(conn); call != nil {
				handle(call)
				return
			}
			conn.Write([]byte(declined + "\n"))
			conn.Close()
		}()
	}
}

// read reads a request and its two descriptors; nil when it is not one.
func read(conn *net.UnixConn) *Call {
	if _, uid, ok := proc.Peer(conn); !ok || (uid != os.Geteuid() && uid != 0) {
		return nil
	}
	conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	body, oob := make([]byte, maxRequest), make([]byte, unix.CmsgSpace(2*4))
	n, oobn, _, _, err := conn.ReadMsgUnix(body, oob)
	if err != nil {
		return nil
	}
	fds := proc.PassedFDs(oob[:oobn])
	call := &Call{conn: conn}
	if json.Unmarshal(body[:n], &call.Request) != nil || len(fds) != 2 {
		for _, fd := range fds {
			unix.Close(fd)
		}
		return nil
	}
	conn.SetReadDeadline(time.Time{})
	call.Stdout, call.Stderr = os.NewFile(uintptr(fds[0]), "stdout"), os.NewFile(uintptr(fds[1]), "stderr")
	return call
}

// Decline tells the asker that the service is not boot's own.
func (c *Call) Decline() { c.finish(declined) }

// Answer gives the asker the action's exit code.
func (c *Call) Answer(code int) { c.finish(strconv.Itoa(code)) }

func (c *Call) finish(line string) {
	c.Stdout.Close()
	c.Stderr.Close()
	c.conn.Write([]byte(line + "\n"))
	c.conn.Close()
}
