package daemon

import (
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

// TestListenFiles passes a re-executed test two descriptors by the
// protocol of sd_listen_fds(3), and checks what it takes.
func TestListenFiles(t *testing.T) {
	if os.Getenv("LISTENFDS_CHILD") != "" {
		listenChild()
		return
	}
	r1, w1, _ := os.Pipe()
	r2, w2, _ := os.Pipe()
	defer w1.Close()
	defer w2.Close()
	for _, tc := range []struct{ pid, fds, names, want string }{
		{"self", "2", "web:", "web LISTEN_FD_4 cloexec cloexec env-cleared"},
		{"self", "2", "", "LISTEN_FD_3 LISTEN_FD_4 cloexec cloexec env-cleared"},
		{"1", "2", "web:ctl", "none env-cleared"},    // for another process
		{"self", "x", "web", "none env-cleared"},     // not a count
		{"self", "99999999", "", "none env-cleared"}, // not from a service manager
	} {
		cmd := exec.Command(os.Args[0], "-test.run=^TestListenFiles$")
		cmd.ExtraFiles = []*os.File{r1, r2}
		cmd.Env = append(os.Environ(), "LISTENFDS_CHILD=1", "WANT_PID="+tc.pid,
			"LISTEN_FDS="+tc.fds, "LISTEN_FDNAMES="+tc.names)
		out, err := cmd.CombinedOutput()
		if got := strings.TrimSpace(string(out)); err != nil || !strings.HasPrefix(got, tc.want) {
			t.Errorf("LISTEN_PID=%s LISTEN_FDS=%s LISTEN_FDNAMES=%q: got %q (%v), want %q",
				tc.pid, tc.fds, tc.names, got, err, tc.want)
		}
	}
}

// listenChild sets LISTEN_PID as asked, takes the descriptors and prints
// their names, whether each is close-on-exec, and whether the variables
// are gone.
func listenChild() {
	pid := os.Getenv("WANT_PID")
	if pid == "self" {
		pid = fmt.Sprint(os.Getpid())
	}
	os.Setenv("LISTEN_PID", pid)
	files := ListenFiles()
	var words []string
	for _, f := range files {
		words = append(words, f.Name())
	}
	for _, f := range files {
		flags, _ := unix.FcntlInt(f.Fd(), unix.F_GETFD, 0)
		if flags&unix.FD_CLOEXEC != 0 {
			words = append(words, "cloexec")
		}
	}
	if len(files) == 0 {
		words = append(words, "none")
	}
	if os.Getenv("LISTEN_PID")+os.Getenv("LISTEN_FDS")+os.Getenv("LISTEN_FDNAMES") == "" {
		words = append(words, "env-cleared")
	}
	fmt.Println(strings.Join(words, " "))
	os.Exit(0)
}
