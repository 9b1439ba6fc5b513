//go:build !linux

package supervisor

import (
	"syscall"

	"golang.org/x/sys/unix"

	"github.com/lsbinit/lsbinit/internal/proc"
)

// recvOnce receives under syscall.ForkLock, and marks the passed
// descriptors close-on-exec before letting go of it (there is no
// MSG_CMSG_CLOEXEC here).
func recvOnce(fd int, p, oob []byte) (n, oobn int, err error) {
	syscall.ForkLock.RLock()
	defer syscall.ForkLock.RUnlock()
	n, oobn, _, _, err = unix.Recvmsg(fd, p, oob, 0)
	if err == nil {
		proc.PassedFDs(oob[:oobn]) // marks them close-on-exec
	}
	return n, oobn, err
}
