package testdaemon

import (
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// storeState logs the descriptor named "state" handed down with
// LISTEN_FDS, or, when there is none, creates path holding "stored by pid
// P", hands it to the supervisor with FDSTORE=1 and removes path: from
// then on only the stored descriptor holds the file.
func storeState(path string, stdout io.Writer) error {
	if fd := inheritedNamed("state"); fd > 0 {
		data, err := readFD(fd)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "testdaemon: stored state: %s\n", data)
		return nil
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	defer f.Close()
	fmt.Fprintf(f, "stored by pid %d", os.Getpid())
	os.Remove(path)
	if err := notify("FDSTORE=1\nFDNAME=state", []*os.File{f}); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "testdaemon: stored state of pid %d\n", os.Getpid())
	return nil
}

// inheritedNamed is the descriptor handed down under name, or 0.
func inheritedNamed(name string) int {
	if pid, _ := strconv.Atoi(os.Getenv("LISTEN_PID")); pid != os.Getpid() {
		return 0
	}
	n, _ := strconv.Atoi(os.Getenv("LISTEN_FDS"))
	for i, got := range strings.Split(os.Getenv("LISTEN_FDNAMES"), ":") {
		if i < n && got == name {
			return 3 + i
		}
	}
	return 0
}

// readFD reads a regular file's first 4 KiB, leaving its offset alone.
func readFD(fd int) (string, error) {
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil || st.Mode&unix.S_IFMT != unix.S_IFREG {
		return "", fmt.Errorf("fd %d is not a regular file", fd)
	}
	b := make([]byte, 4096)
	n, err := unix.Pread(fd, b, 0)
	if err != nil {
		return "", err
	}
	return string(b[:n]), nil
}
