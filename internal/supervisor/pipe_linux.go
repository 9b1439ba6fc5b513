package supervisor

import (
	"os"

	"golang.org/x/sys/unix"
)

// pipeSize is the log pipe's capacity: a daemon that logs fast fills a
// default 64 KiB pipe in a moment and then waits on every write; a larger
// one lets the supervisor copy in bigger, fewer pieces.
const pipeSize = 1 << 20

// growPipe enlarges the pipe of f, as far as the system allows (an
// ordinary user may be held to less); the default serves otherwise.
func growPipe(f *os.File) {
	rc, err := f.SyscallConn()
	if err != nil {
		return
	}
	rc.Control(func(fd uintptr) { unix.FcntlInt(fd, unix.F_SETPIPE_SZ, pipeSize) })
}
