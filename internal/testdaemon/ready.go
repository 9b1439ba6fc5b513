package testdaemon

import (
	"fmt"
	"io"
	"net"
	"os"
	"strconv"
	"strings"
	"time"
)

// ready carries out the readiness steps, in order: create Touch, listen on
// Listen, notify $NOTIFY_SOCKET. It returns a function closing the
// listener.
func (o Options) ready(stdout io.Writer) (closeListener func(), err error) {
	closeListener = func() {}
	if o.ServeInherited {
		serveInherited(stdout)
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
func notifyReady() error {
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
	_, err = c.Write([]byte("READY=1"))
	return err
}

// serveInherited serves on the sockets handed down by sd_listen_fds(3)'s
// protocol (LISTEN_PID, LISTEN_FDS, LISTEN_FDNAMES): it logs each, and
// answers every connection or datagram with "NAME fd N\n". It reports how
// many it found.
func serveInherited(stdout io.Writer) int {
	pid, _ := strconv.Atoi(os.Getenv("LISTEN_PID"))
	n, _ := strconv.Atoi(os.Getenv("LISTEN_FDS"))
	if pid != os.Getpid() || n <= 0 {
		fmt.Fprintf(stdout, "testdaemon: no inherited sockets (LISTEN_PID=%q, pid %d)\n", os.Getenv("LISTEN_PID"), os.Getpid())
		return 0
	}
	names := strings.Split(os.Getenv("LISTEN_FDNAMES"), ":")
	for i := range n {
		fd := 3 + i
		name := "unknown"
		if i < len(names) {
			name = names[i]
		}
		f := os.NewFile(uintptr(fd), name)
		answer := fmt.Sprintf("%s fd %d\n", name, fd)
		if l, err := net.FileListener(f); err == nil {
			fmt.Fprintf(stdout, "testdaemon: inherited fd %d %s %s %s\n", fd, name, l.Addr().Network(), l.Addr())
			go acceptAnswer(l, answer)
		} else if c, err := net.FilePacketConn(f); err == nil {
			fmt.Fprintf(stdout, "testdaemon: inherited fd %d %s %s %s\n", fd, name, c.LocalAddr().Network(), c.LocalAddr())
			go packetAnswer(c, answer)
		} else {
			fmt.Fprintf(stdout, "testdaemon: inherited fd %d %s: not a socket: %v\n", fd, name, err)
		}
		f.Close()
	}
	return n
}

func acceptAnswer(l net.Listener, answer string) {
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
