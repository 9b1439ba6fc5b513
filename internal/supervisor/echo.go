package supervisor

import (
	"fmt"
	"io"
)

// Echo makes the supervisor copy the daemon's output, and its own lines
// about the daemon, to w as well as to LOGFILE: `run` under systemd
// passes the journal, so that `journalctl -u NAME` shows what the daemon
// wrote (README, "Logs under systemd"). Echo is called before Start.
func (sv *Supervisor) Echo(w io.Writer) { sv.echo = w }

// logf writes one of the supervisor's own lines to the log, and to the
// echo.
func (sv *Supervisor) logf(format string, args ...any) {
	fmt.Fprintf(sv.output(), format, args...)
}

// output is where the daemon's output goes: the log, and the echo.
func (sv *Supervisor) output() io.Writer {
	if sv.echo == nil {
		return sv.log
	}
	return tee{sv.log, sv.echo}
}

// tee writes to the log and then to the echo, whose failures (a journal
// that went away) never keep a byte from the log.
type tee struct{ log, echo io.Writer }

func (t tee) Write(p []byte) (int, error) {
	n, err := t.log.Write(p)
	t.echo.Write(p)
	return n, err
}
