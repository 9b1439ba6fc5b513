//go:build unix

package proc

import "golang.org/x/sys/unix"

// PassedFDs are the descriptors passed in a unix socket message's
// control data oob (SCM_RIGHTS), each marked close-on-exec.
func PassedFDs(oob []byte) []int {
	msgs, err := unix.ParseSocketControlMessage(oob)
	if err != nil {
		return nil
	}
	var all []int
	for _, m := range msgs {
		if fds, err := unix.ParseUnixRights(&m); err == nil {
			for _, fd := range fds {
				unix.CloseOnExec(fd)
			}
			all = append(all, fds...)
		}
	}
	return all
}
