package supervisor

import (
	"github.com/lsbinit/lsbinit/internal/proc"
	"net"
	"os"
	"runtime"
	"testing"

	"golang.org/x/sys/unix"
)

// nobody is a user other than root and, when the tests run as root, ours.
const nobody = 65534

// socketPairAs makes a connected socket pair on a thread whose effective
// user is uid, so that the kernel names uid as the peer of either end
// (SO_PEERCRED records the creating thread's credentials). The thread is
// never given back to the runtime: it ends with its goroutine.
func socketPairAs(t *testing.T, uid int) *net.UnixConn {
	t.Helper()
	type result struct {
		fds [2]int
		err error
	}
	done := make(chan result, 1)
	go func() {
		runtime.LockOSThread() // not unlocked: the thread's user is changed
		if _, _, e := unix.RawSyscall(unix.SYS_SETRESUID, ^uintptr(0), uintptr(uid), ^uintptr(0)); e != 0 {
			done <- result{err: e}
			return
		}
		fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
		done <- result{fds, err}
	}()
	r := <-done
	if r.err != nil {
		t.Skip("cannot make a peer of another user:", r.err)
	}
	unix.Close(r.fds[1])
	f := os.NewFile(uintptr(r.fds[0]), "socketpair")
	defer f.Close()
	c, err := net.FileConn(f)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c.(*net.UnixConn)
}

// peerAllowed refuses a peer of another user than root and ours, and so
// does readRequest, before reading anything.
func TestPeerAllowedRefusesOtherUser(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("only root can make a peer of another user")
	}
	conn := socketPairAs(t, nobody)
	if peerAllowed(conn) {
		t.Fatalf("peerAllowed admitted a peer of uid %d (we are uid %d)", nobody, os.Geteuid())
	}
	if req := readRequest(conn); req != nil {
		t.Errorf("readRequest took a request from uid %d: %+v", nobody, req)
	}
	if self := socketPairAs(t, 0); !peerAllowed(self) {
		t.Error("peerAllowed refused root")
	}
}

// proc.PassedFDs skips the sender's credentials that a socket with
// SO_PASSCRED receives beside the descriptors.
func TestReceivedFDsSkipsCredentials(t *testing.T) {
	oob := append(unix.UnixCredentials(&unix.Ucred{Pid: 1, Uid: 0, Gid: 0}), unix.UnixRights(11, 12)...)
	oob = append(oob, unix.UnixCredentials(&unix.Ucred{Pid: 2})...)
	got := proc.PassedFDs(oob)
	if len(got) != 2 || got[0] != 11 || got[1] != 12 {
		t.Errorf("PassedFDs = %v, want [11 12]", got)
	}
	if pid := senderPID(oob); pid != 1 {
		t.Errorf("senderPID = %d, want the first credentials' PID, 1", pid)
	}
}
