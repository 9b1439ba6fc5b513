//go:build !linux

package supervisor

import (
	"net"
	"syscall"

	"golang.org/x/sys/unix"
)

// recvmsg reads one message and its control data from conn; descriptors
// passed with it are made close-on-exec under syscall.ForkLock, so no
// daemon started meanwhile inherits them (there is no MSG_CMSG_CLOEXEC
// here). n is 0 at end-of-file.
func recvmsg(conn *net.UnixConn, p, oob []byte) (n, oobn int, err error) {
	raw, err := conn.SyscallConn()
	if err != nil {
		return 0, 0, err
	}
	var rerr error
	err = raw.Read(func(fd uintptr) bool {
		syscall.ForkLock.RLock()
		defer syscall.ForkLock.RUnlock()
		n, oobn, _, _, rerr = unix.Recvmsg(int(fd), p, oob, 0)
		if rerr == nil {
			for _, fd := range receivedFDs(oob[:oobn]) {
				unix.CloseOnExec(fd)
			}
		}
		return rerr != unix.EAGAIN
	})
	if err == nil {
		err = rerr
	}
	return n, oobn, err
}
