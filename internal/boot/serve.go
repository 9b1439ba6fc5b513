package boot

import (
	"fmt"

	"github.com/lsbinit/lsbinit/internal/bootctl"
	"github.com/lsbinit/lsbinit/internal/exitcode"
)

// serve carries out the actions asked on the control socket, each in its
// own goroutine: those on one service are serialised by its action lock,
// as anywhere else.
func (b *boot) serve(l *bootctl.Listener) { l.Serve(b.answer) }

// answer carries out one asked action, if the service is boot's own: the
// same name and the same pidfile, as its config reads now.
func (b *boot) answer(call *bootctl.Call) {
	u := b.byName[call.Name]
	if u == nil {
		call.Decline()
		return
	}
	c, err := b.current(u)
	if c.PidFile != call.PidFile {
		call.Decline()
		return
	}
	if b.isStopping() {
		fmt.Fprintf(call.Stderr, "%s: lsbinit boot is stopping every service\n", u.name)
		call.Answer(int(exitcode.Failed))
		return
	}
	call.Answer(int(b.actWith(u, c, err, call.Args, call.Stdout, call.Stderr)))
}
