package supervisor

import "golang.org/x/sys/unix"

// recvOnce receives with MSG_CMSG_CLOEXEC: passed descriptors are
// close-on-exec from the start.
func recvOnce(fd int, p, oob []byte) (n, oobn int, err error) {
	n, oobn, _, _, err = unix.Recvmsg(fd, p, oob, unix.MSG_CMSG_CLOEXEC)
	return n, oobn, err
}
