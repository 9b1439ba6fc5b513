package testdaemon

import (
	"fmt"
	"os"
	"strings"

	"github.com/lsbinit/lsbinit/internal/proc"
	"golang.org/x/sys/unix"
)

// hold creates a close-on-exec memfd called name and keeps it open until
// release is called: /proc/PID/fd then shows that the process is running
// the daemon body.
func hold(name string) (release func(), err error) {
	fd, err := unix.MemfdCreate(name, unix.MFD_CLOEXEC)
	if err != nil {
		return nil, err
	}
	return func() { unix.Close(fd) }, nil
}

// facts describes the process's surroundings, one line each.
func facts() []string {
	cwd, _ := os.Getwd()
	mask := unix.Umask(0)
	unix.Umask(mask)
	stdin := proc.FDs(os.Getpid())[0]
	sid, _ := unix.Getsid(0)
	groups, _ := unix.Getgroups()
	prio, _ := unix.Getpriority(unix.PRIO_PROCESS, 0)
	return []string{
		"cwd " + cwd,
		fmt.Sprintf("umask %04o", mask),
		"stdin " + stdin,
		fmt.Sprintf("sid %d", sid),
		fmt.Sprintf("uid %d gid %d groups %v", unix.Getuid(), unix.Getgid(), groups),
		fmt.Sprintf("nice %d", 20-prio), // the raw syscall returns 20-nice
		fmt.Sprintf("args %d %q", len(os.Args)-1, os.Args[1:]),
	}
}

// closeInherited closes the file descriptors above 2 that this process
// inherited, as a traditional daemon does. Descriptors that the Go runtime
// opened itself (anonymous inodes: epoll, eventfd) are left alone.
func closeInherited() error {
	for fd, target := range proc.FDs(os.Getpid()) {
		if fd <= 2 || strings.HasPrefix(target, "anon_inode:") {
			continue // the runtime's own (epoll, eventfd)
		}
		unix.Close(fd)
	}
	return nil
}
