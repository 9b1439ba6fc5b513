package supervisor

import (
	"net"

	"golang.org/x/sys/unix"
)

// recvmsg reads one message and its control data from conn; descriptors
// passed with it are close-on-exec before any daemon started meanwhile
// could inherit them (see recvOnce). n is 0 at end-of-file.
func recvmsg(conn *net.UnixConn, p, oob []byte) (n, oobn int, err error) {
	raw, err := conn.SyscallConn()
	if err != nil {
		return 0, 0, err
	}
	var rerr error
	err = raw.Read(func(fd uintptr) bool {
		n, oobn, rerr = recvOnce(int(fd), p, oob)
		return !wouldBlock(rerr)
	})
	if err == nil {
		err = rerr
	}
	if err != nil {
		// A failed receive (the deadline passed, say) reports -1:
		// nothing was read.
		return 0, 0, err
	}
	return n, oobn, nil
}

// wouldBlock says the socket has nothing to read yet.
func wouldBlock(err error) bool { return err == unix.EAGAIN }
