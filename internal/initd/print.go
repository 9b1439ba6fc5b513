package initd

import (
	"fmt"
	"io"
	"os"

	"github.com/lsbinit/lsbinit/internal/exitcode"
	"golang.org/x/term"
)

// printer writes progress lines the way Debian's init-functions do:
// "Starting DESC: NAME." on a pipe, with an "[ ok ]" / "[FAIL]" mark on
// a terminal. Errors always go to stderr, even with -q.
type printer struct {
	out, err io.Writer
	quiet    bool
	tty      bool
}

func newPrinter(out, err io.Writer, quiet bool) *printer {
	p := &printer{out: out, err: err, quiet: quiet}
	if f, ok := out.(*os.File); ok {
		p.tty = term.IsTerminal(int(f.Fd()))
	}
	return p
}

// done prints the final line of an action.
func (p *printer) done(msg string, ok bool) {
	if p.quiet {
		return
	}
	end := "."
	if !ok {
		end = " failed!"
	}
	switch {
	case p.tty && ok:
		fmt.Fprintf(p.out, "[\x1b[32m ok \x1b[39;49m] %s%s\n", msg, end)
	case p.tty:
		fmt.Fprintf(p.out, "[\x1b[31mFAIL\x1b[39;49m] %s%s\n", msg, end)
	default:
		fmt.Fprintf(p.out, "%s%s\n", msg, end)
	}
}

// errorLine prints err on stderr unless it carries no message (its
// details were printed already).
func (p *printer) errorLine(err error) {
	if e, ok := err.(*exitcode.Error); ok && e.Err == nil {
		return
	}
	fmt.Fprintln(p.err, err)
}
