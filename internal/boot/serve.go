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
// same name and the same pidfile.
func (b *boot) answer(call *bootctl.Call) {
	u := b.byName[call.Name]
	if u == nil || b.pidFile(u) != call.PidFile {
		call.Decline()
		return
	}
	if b.isStopping() {
		fmt.Fprintf(call.Stderr, "%s: lsbinit boot is stopping every service\n", u.name)
		call.Answer(int(exitcode.Failed))
		return
	}
	call.Answer(int(b.act(u, call.Args, call.Stdout, call.Stderr, true)))
}

// pidFile is u's pidfile as its config says now, or as boot began.
func (b *boot) pidFile(u *unit) string {
	res, err := b.loadConfig(u.file)
	if err != nil {
		return u.spec.PidFile
	}
	return res.PidFile
}
