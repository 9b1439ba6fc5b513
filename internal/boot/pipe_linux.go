package boot

import (
	"os"

	"golang.org/x/sys/unix"
)

// growPipe gives a service's echo pipe room for bursts (1 MiB, or what
// the system allows), so a busy boot holds no supervisor back.
func growPipe(f *os.File) { unix.FcntlInt(f.Fd(), unix.F_SETPIPE_SZ, 1<<20) }
