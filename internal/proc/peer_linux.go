package proc

import (
	"net"

	"golang.org/x/sys/unix"
)

// Peer names the process at the other end of a unix socket connection,
// as the kernel tells it (SO_PEERCRED). ok is false when it cannot.
func Peer(conn *net.UnixConn) (pid, uid int, ok bool) {
	raw, err := conn.SyscallConn()
	if err != nil {
		return 0, 0, false
	}
	var cred *unix.Ucred
	raw.Control(func(fd uintptr) {
		cred, err = unix.GetsockoptUcred(int(fd), unix.SOL_SOCKET, unix.SO_PEERCRED)
	})
	if err != nil || cred == nil {
		return 0, 0, false
	}
	return int(cred.Pid), int(cred.Uid), true
}
