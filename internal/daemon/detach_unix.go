//go:build unix

package daemon

import (
	"os"

	"golang.org/x/sys/unix"
)

// detach points stdout and stderr at /dev/null.
func detach() error {
	null, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	if err != nil {
		return err
	}
	defer null.Close()
	for _, fd := range []int{1, 2} {
		if err := unix.Dup2(int(null.Fd()), fd); err != nil {
			return err
		}
	}
	return nil
}
