package initd

import (
	"fmt"

	"github.com/lsbinit/lsbinit/internal/exitcode"
)

// status prints one line and returns the LSB status code. Ansible's
// service module reads the line before the code, so the running line never
// contains words like "stop" or "dead".
func (r *runner) status() exitcode.Code {
	switch {
	case r.inv.json:
		return r.statusJSON()
	case r.inv.verbose:
		return r.statusVerbose()
	}
	line, code := r.c.statusLine(r.c.probe())
	if !r.p.quiet {
		fmt.Fprintln(r.c.Stdout, line)
	}
	return code
}

// statusLine is status's line for what probe found, and its code.
func (c *service) statusLine(in instance) (line string, code exitcode.Code) {
	code = exitcode.StatusNotRunning
	switch in.kind {
	case kRunning:
		line, code = fmt.Sprintf("%s is running (pid %d)", c.Name, in.pid), exitcode.StatusRunning
		switch {
		case in.state != nil && in.state.Supervisor == 0:
			line += ", without its supervisor"
		case in.stopping():
			line = fmt.Sprintf("%s is stopping (pid %d)", c.Name, in.pid)
		case in.unhealthy():
			line += ", unhealthy" // still 0: README, "Health checks"
		}
	case kStarting:
		line, code = fmt.Sprintf("%s is starting", c.Name), exitcode.StatusRunning
		if in.pid > 0 {
			line = fmt.Sprintf("%s is starting (pid %d)", c.Name, in.pid)
		}
		if in.restarting() {
			line = fmt.Sprintf("%s is restarting (pid %d)", c.Name, in.pid)
		}
	case kStale:
		line, code = fmt.Sprintf("%s is not running, but pidfile %s exists", c.Name, c.PidFile), exitcode.StatusDeadPidfile
		switch {
		case in.pid == 0:
			line += " (it holds no valid PID)"
		case in.state != nil && in.state.Exit != "" && in.state.Daemon == in.pid:
			line += fmt.Sprintf(" (pid %d %s)", in.state.Daemon, in.state.Exit)
		}
	case kStopped:
		line = fmt.Sprintf("%s is not running", c.Name)
		if c.lockFileExists() {
			line, code = fmt.Sprintf("%s is not running, but lock file %s exists", c.Name, c.LockFile), exitcode.StatusDeadLockfile
		}
	default:
		line, code = fmt.Sprintf("%s status is unknown: %v", c.Name, in.err), exitcode.StatusUnknown
	}
	return line, code
}
