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
