package initd

import (
	"io"
	"os"

	"github.com/lsbinit/lsbinit/internal/bootctl"
	"github.com/lsbinit/lsbinit/internal/exitcode"
)

// bootTakes reports whether an action changes which supervisor runs the
// service, and so is carried out by the `lsbinit boot` that runs it
// (README, "Containers"): reload and status act on the service directly.
func bootTakes(action string, noReload bool) bool {
	switch action {
	case "start", "stop", "restart", "try-restart", "condrestart":
		return true
	case "force-reload":
		return noReload
	}
	return false
}

// byBoot asks the boot listening for this user to carry out the action,
// with this process's stdout and stderr. handled is false when no boot
// runs the service.
func (r *runner) byBoot(args []string) (code exitcode.Code, handled bool) {
	c := r.c
	addr := bootctl.Address(os.Geteuid(), os.Getenv)
	if _, err := os.Lstat(addr); err != nil {
		return 0, false // the usual case: no boot here
	}
	stdout, doneOut := asFile(c.Stdout)
	defer doneOut()
	stderr, doneErr := asFile(c.Stderr)
	defer doneErr()
	n, handled := bootctl.Ask(addr, bootctl.Request{Name: c.Name, PidFile: c.PidFile, Args: args}, stdout, stderr)
	return exitcode.Code(n), handled
}

// asFile returns w as a file to hand over: w itself when it is one, else
// a pipe whose output is copied to w until done.
func asFile(w io.Writer) (f *os.File, done func()) {
	if f, ok := w.(*os.File); ok {
		return f, func() {}
	}
	r, pw, err := os.Pipe()
	if err != nil {
		return os.Stderr, func() {}
	}
	copied := make(chan struct{})
	go func() {
		io.Copy(w, r)
		r.Close()
		close(copied)
	}()
	return pw, func() {
		pw.Close()
		<-copied
	}
}
