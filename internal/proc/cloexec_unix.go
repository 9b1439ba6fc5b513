//go:build unix

package proc

import (
	"os"
	"strconv"

	"golang.org/x/sys/unix"
)

// closeOnExecScan lists the open descriptors in dir (/proc/self/fd or
// /dev/fd) and sets FD_CLOEXEC on those numbered from first up.
func closeOnExecScan(first int, dir string) error {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	for _, e := range ents {
		n, err := strconv.Atoi(e.Name())
		if err != nil || n < first {
			continue
		}
		unix.CloseOnExec(n)
	}
	return nil
}
