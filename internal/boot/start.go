package boot

import (
	"os"
	"sync"

	"golang.org/x/sys/unix"

	"github.com/lsbinit/lsbinit/internal/exitcode"
)

// startAll starts every unit once the units it starts after are ready,
// those with nothing between them at once. It returns the exit code of
// the first start that failed (or of a service that ended meanwhile), and
// whether a stop signal came; either way the starts not begun are not,
// and those under way are stopped.
func (b *boot) startAll(sigs chan os.Signal) (first exitcode.Code, stopped bool) {
	cancel := make(chan struct{})
	var once sync.Once
	abort := func() {
		once.Do(func() {
			close(cancel)
			b.kids.halt()
		})
	}
	ready := map[*unit]chan struct{}{}
	for _, u := range b.units {
		ready[u] = make(chan struct{})
	}
	results := make(chan exitcode.Code, len(b.units))
	for _, u := range b.units {
		go func(u *unit) {
			if !awaitAll(u.after, ready, cancel) {
				results <- exitcode.OK // not begun
				return
			}
			code := b.actLogged(u, "start")
			if code == exitcode.OK {
				close(ready[u])
			}
			results <- code
		}(u)
	}
	for n := 0; n < len(b.units); {
		select {
		case code := <-results:
			n++
			if code != exitcode.OK && first == exitcode.OK && !stopped {
				first = code
				b.errs.printf("a start failed (exit %d); stopping what has started", code)
				abort()
			}
		case sig := <-sigs:
			if sig != unix.SIGHUP && !stopped {
				stopped = true
				b.out.printf("%v while starting: stopping every service", sig)
				abort()
			}
		case d := <-b.kids.deaths:
			if code, ends := b.ended(d); ends && first == exitcode.OK {
				first = code
				abort()
			}
		}
	}
	return first, stopped
}

// awaitAll waits until each of units is ready; false when cancelled.
func awaitAll(units []*unit, ready map[*unit]chan struct{}, cancel chan struct{}) bool {
	for _, p := range units {
		select {
		case <-ready[p]:
		case <-cancel:
			return false
		}
	}
	select {
	case <-cancel:
		return false
	default:
		return true
	}
}

// actLogged carries out action for u as boot began with it, its messages
// on boot's stdout and stderr.
func (b *boot) actLogged(u *unit, action string) exitcode.Code {
	out, errs := &lines{o: b.out}, &lines{o: b.errs}
	defer out.Flush()
	defer errs.Flush()
	return b.act(u, []string{action}, out, errs, action != "start")
}
