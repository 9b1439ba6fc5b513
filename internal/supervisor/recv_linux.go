package supervisor

import (
	"net"

	"golang.org/x/sys/unix"
)

// recvmsg reads one message and its control data from conn; descriptors
// passed with it are close-on-exec from the start (MSG_CMSG_CLOEXEC), so
// no daemon started meanwhile inherits them. n is 0 at end-of-file.
func recvmsg(conn *net.UnixConn, p, oob []byte) (n, oobn int, err error) {
	raw, err := conn.SyscallConn()
	if err != nil {
		return 0, 0, err
	}
	var rerr error
	err = raw.Read(func(fd uintptr) bool {
		n, oobn, _, _, rerr = unix.Recvmsg(int(fd), p, oob, unix.MSG_CMSG_CLOEXEC)
		return rerr != unix.EAGAIN
	})
	if err == nil {
		err = rerr
	}
	return n, oobn, err
}
