package testdaemon

import (
	"fmt"
	"io"
	"net"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/sys/unix"
)

// ready carries out the readiness steps, in order: create Touch, listen on
// Listen, notify $NOTIFY_SOCKET. It returns a function closing the
// listener.
func (o Options) ready(stdout io.Writer) (closeListener func(), err error) {
	closeListener = func() {}
	if o.FDStore != "" { // first: serveInherited closes what it was given
		if err := storeState(o.FDStore, stdout); err != nil {
			fmt.Fprintf(stdout, "testdaemon: fdstore: %v\n", err)
		}
	}
	if o.ServeInherited {
		closeInherited := serveInherited(stdout)
		defer func() {
			inner := closeListener
			closeListener = func() { closeInherited(); inner() }
		}()
	}
	if o.Touch != "" {
		if err := writeAtomic(o.Touch, "ready\n"); err != nil {
			return nil, err
		}
	}
	if o.Listen != "" {
		l, err := net.Listen("tcp", o.Listen)
		if err != nil {
			return nil, err
		}
		go func() {
			for {
				c, err := l.Accept()
				if err != nil {
					return
				}
				c.Close()
			}
		}()
		closeListener = func() { l.Close() }
	}
	if o.Notify {
		if o.ReadyStamp != "" {
			os.WriteFile(o.ReadyStamp, []byte(strconv.FormatInt(time.Now().UnixMicro(), 10)+"\n"), 0o644)
		}
		if err := notifyReady(); err != nil {
			fmt.Fprintf(stdout, "testdaemon: notify: %v\n", err)
		}
	}
	fmt.Fprintln(stdout, "testdaemon: ready")
	return closeListener, nil
}

// notifyReady sends "READY=1" to the datagram socket $NOTIFY_SOCKET, the
// sd_notify protocol; "@" at its start names an abstract socket.
func notifyReady() error { return notify("READY=1", nil) }

// notify sends msg, with files as SCM_RIGHTS, to $NOTIFY_SOCKET.
func notify(msg string, files []*os.File) error {
	path := os.Getenv("NOTIFY_SOCKET")
	if path == "" {
		return fmt.Errorf("NOTIFY_SOCKET is not set")
	}
	if strings.HasPrefix(path, "@") {
		path = "\x00" + path[1:]
	}
	c, err := net.DialUnix("unixgram", nil, &net.UnixAddr{Name: path, Net: "unixgram"})
	if err != nil {
		return err
	}
	defer c.Close()
	var oob []byte
	if len(files) > 0 {
		fds := make([]int, len(files))
		for i, f := range files {
			fds[i] = int(f.Fd())
		}
		oob = unix.UnixRights(fds...)
	}
	// A connected datagram socket takes no WriteMsgUnix: send it raw.
	raw, err := c.SyscallConn()
	if err != nil {
		return err
	}
	var serr error
	if err := raw.Write(func(fd uintptr) bool {
		serr = unix.Sendmsg(int(fd), []byte(msg), oob, nil, 0)
		return serr != unix.EAGAIN
	}); err != nil {
		return err
	}
	return serr
}

// serveInherited serves on the sockets handed down by sd_listen_fds(3)'s
// protocol (LISTEN_PID, LISTEN_FDS, LISTEN_FDNAMES): it logs each, and
// answers every connection or datagram with "NAME fd N pid P\n". It reports how
// many it found.
// The returned function stops accepting and waits for the answers under
// way, as a daemon that stops gracefully does: connections not yet
// accepted stay queued for the next daemon.
func serveInherited(stdout io.Writer) (closeAll func()) {
	pid, _ := strconv.Atoi(os.Getenv("LISTEN_PID"))
	n, _ := strconv.Atoi(os.Getenv("LISTEN_FDS"))
	if pid != os.Getpid() || n <= 0 {
		fmt.Fprintf(stdout, "testdaemon: no inherited sockets (LISTEN_PID=%q, pid %d)\n", os.Getenv("LISTEN_PID"), os.Getpid())
		return func() {}
	}
	var closers []io.Closer
	var busy sync.WaitGroup
	names := strings.Split(os.Getenv("LISTEN_FDNAMES"), ":")
	for i := range n {
		fd := 3 + i
		name := "unknown"
		if i < len(names) {
			name = names[i]
		}
		if data, err := readFD(fd); err == nil {
			fmt.Fprintf(stdout, "testdaemon: inherited fd %d %s file: %s\n", fd, name, data)
			continue
		}
		if flags, err := unix.FcntlInt(uintptr(fd), unix.F_GETFL, 0); err == nil {
			fmt.Fprintf(stdout, "testdaemon: fd %d non-blocking %v\n", fd, flags&unix.O_NONBLOCK != 0)
		}
		f := os.NewFile(uintptr(fd), name)
		answer := fmt.Sprintf("%s fd %d pid %d\n", name, fd, os.Getpid())
		if l, err := net.FileListener(f); err == nil {
			fmt.Fprintf(stdout, "testdaemon: inherited fd %d %s %s %s\n", fd, name, l.Addr().Network(), l.Addr())
			closers = append(closers, l)
			busy.Add(1)
			go acceptAnswer(l, answer, &busy)
		} else if c, err := net.FilePacketConn(f); err == nil {
			fmt.Fprintf(stdout, "testdaemon: inherited fd %d %s %s %s\n", fd, name, c.LocalAddr().Network(), c.LocalAddr())
			closers = append(closers, c)
			go packetAnswer(c, answer)
		} else {
			fmt.Fprintf(stdout, "testdaemon: inherited fd %d %s: not a socket: %v\n", fd, name, err)
		}
		f.Close()
	}
	return func() {
		for _, c := range closers {
			c.Close()
		}
		busy.Wait()
	}
}

// acceptAnswer answers each connection until l is closed; the answer to
// a connection accepted is always finished.
func acceptAnswer(l net.Listener, answer string, busy *sync.WaitGroup) {
	defer busy.Done()
	for {
		c, err := l.Accept()
		if err != nil {
			return
		}
		io.WriteString(c, answer)
		c.Close()
	}
}

func packetAnswer(c net.PacketConn, answer string) {
	buf := make([]byte, 2048)
	for {
		_, from, err := c.ReadFrom(buf)
		if err != nil {
			return
		}
		c.WriteTo([]byte(answer), from)
	}
}
