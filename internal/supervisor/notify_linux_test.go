package supervisor

import (
	"net"
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/lsbinit/lsbinit/internal/spec"
	"golang.org/x/sys/unix"
)

// A READY=1 from a descendant of the excluded daemon (a child it forked)
// does not count either.
func TestNotifyReadyFromExcludedDescendant(t *testing.T) {
	cmd := exec.Command("sleep", "60")
	if err := cmd.Start(); err != nil {
		t.Skip("no sleep to start:", err)
	}
	defer func() { cmd.Process.Kill(); cmd.Wait() }()
	n := &notifySocket{ready: make(chan struct{})}
	c := n.arm(os.Getpid())
	n.readyFrom(cmd.Process.Pid)
	if isDone(c) {
		t.Fatal("READY=1 from a child of the excluded daemon counted")
	}
	c = n.arm(cmd.Process.Pid) // excluding the child does not exclude its parent
	n.readyFrom(os.Getpid())
	if !isDone(c) {
		t.Error("READY=1 from the excluded daemon's parent did not count")
	}
}

// startNotify opens a notify socket armed for a first daemon and serves
// it with accept, which is given the armed channel; and a client
// connected to it. Both close when the test ends.
func startNotify(t *testing.T, accept func(pid int, ready <-chan struct{}) bool) (<-chan struct{}, *net.UnixConn) {
	t.Helper()
	n, err := listenNotify(&spec.Spec{Name: "notifytest"})
	if err != nil {
		t.Fatal(err)
	}
	ready, done := n.arm(0), make(chan struct{})
	go func() { n.serve(&Supervisor{}, func(pid int) bool { return accept(pid, ready) }); close(done) }()
	client, err := net.DialUnix("unixgram", nil, &net.UnixAddr{Name: n.addr, Net: "unixgram"})
	if err != nil {
		n.Close()
		t.Fatal(err)
	}
	t.Cleanup(func() {
		client.Close()
		n.Close()
		select { // Close ends serve
		case <-done:
		case <-time.After(testTimeout):
			t.Error("serve did not return after Close")
		}
	})
	return ready, client
}

// sendRights sends msg with the descriptors of files on a connected
// socket (WriteMsgUnix refuses a connected datagram socket).
func sendRights(t *testing.T, conn *net.UnixConn, msg string, files ...*os.File) {
	t.Helper()
	var fds []int
	for _, f := range files {
		withFD(t, f, func(fd int) { fds = append(fds, fd) })
	}
	rc, err := conn.SyscallConn()
	if err != nil {
		t.Fatal(err)
	}
	var serr error
	err = rc.Write(func(fd uintptr) bool {
		serr = unix.Sendmsg(int(fd), []byte(msg), unix.UnixRights(fds...), nil, 0)
		return serr != unix.EAGAIN
	})
	if err != nil || serr != nil {
		t.Fatalf("sendmsg: %v, %v", err, serr)
	}
}

// serve hands accept the sender's PID as the kernel names it, and READY=1
// makes the daemon ready; a datagram without it does not.
func TestNotifyServeReady(t *testing.T) {
	pids, readyEarly := make(chan int, 2), make(chan bool, 1)
	ready, client := startNotify(t, func(pid int, ready <-chan struct{}) bool {
		if len(pids) == 1 { // the first datagram has been acted on
			readyEarly <- isDone(ready)
		}
		pids <- pid
		return true
	})
	for _, msg := range []string{"STATUS=starting\nMAINPID=1", "READY=1\nSTATUS=up"} {
		if _, err := client.Write([]byte(msg)); err != nil {
			t.Fatal(err)
		}
	}
	select {
	case <-ready:
	case <-time.After(testTimeout):
		t.Fatal("READY=1 did not make the daemon ready")
	}
	if <-readyEarly {
		t.Error("a datagram without READY=1 made the daemon ready")
	}
	for i := 0; i < 2; i++ {
		if pid := <-pids; pid != os.Getpid() {
			t.Errorf("accept was given PID %d, want the sender's, %d", pid, os.Getpid())
		}
	}
}

// A sender accept refuses is not heard: its READY=1 does not count and the
// descriptors it passed are closed.
func TestNotifyServeRefusedSender(t *testing.T) {
	calls, readyEarly := 0, make(chan bool, 1)
	ready, client := startNotify(t, func(_ int, ready <-chan struct{}) bool {
		calls++ // serve's goroutine only
		if calls == 2 {
			readyEarly <- isDone(ready)
		}
		return calls > 1
	})
	r, w := rawPipe(t, unix.O_NONBLOCK) // pollable: the read below has a deadline
	defer r.Close()
	sendRights(t, client, "READY=1\nFDSTORE=1", w)
	w.Close() // the supervisor holds the only write end now
	if _, err := client.Write([]byte("READY=1")); err != nil {
		t.Fatal(err)
	}
	select {
	case <-ready:
	case <-time.After(testTimeout):
		t.Fatal("READY=1 from an accepted sender did not make the daemon ready")
	}
	if <-readyEarly {
		t.Error("READY=1 from a refused sender made the daemon ready")
	}
	r.SetReadDeadline(time.Now().Add(testTimeout))
	if n, err := r.Read(make([]byte, 1)); n != 0 || err == nil || os.IsTimeout(err) {
		t.Errorf("read from the passed pipe: %d, %v; want end-of-file: the refused descriptor is still open", n, err)
	}
}
