package daemon

import (
	"os"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// listenFDsStart is where sd_listen_fds(3) descriptors begin, and
// maxListenFDs bounds how many a process takes: a LISTEN_FDS beyond it is
// not something a service manager wrote.
const (
	listenFDsStart = 3
	maxListenFDs   = 1 << 16
)

// ListenFiles takes the descriptors a service manager passed this process
// by the protocol of sd_listen_fds(3): LISTEN_PID names this process,
// LISTEN_FDS counts descriptors from 3 on, LISTEN_FDNAMES names them
// (colon-separated; "LISTEN_FD_N" for one without a name). Each is made
// close-on-exec, and the three variables are removed from the environment
// at once, so that no child takes the descriptors for its own. It returns
// nil when nothing was passed to this process.
//
// The binary reads the protocol here rather than through go-systemd's
// activation package, whose TLS helpers would link crypto/tls into every
// run of it, status included (README, "Dependencies").
func ListenFiles() []*os.File {
	pid, count, names := os.Getenv("LISTEN_PID"), os.Getenv("LISTEN_FDS"), os.Getenv("LISTEN_FDNAMES")
	for _, key := range []string{"LISTEN_PID", "LISTEN_FDS", "LISTEN_FDNAMES"} {
		os.Unsetenv(key)
	}
	if pid != strconv.Itoa(os.Getpid()) {
		return nil
	}
	n, err := strconv.Atoi(count)
	if err != nil || n <= 0 || n > maxListenFDs {
		return nil
	}
	labels := strings.Split(names, ":")
	files := make([]*os.File, n)
	for i := range files {
		fd := listenFDsStart + i
		label := "LISTEN_FD_" + strconv.Itoa(fd)
		if i < len(labels) && labels[i] != "" {
			label = labels[i]
		}
		unix.CloseOnExec(fd)
		files[i] = os.NewFile(uintptr(fd), label)
	}
	return files
}
