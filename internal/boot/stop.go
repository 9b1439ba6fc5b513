package boot

import (
	"os"

	"golang.org/x/sys/unix"
	"sync"
	"sync/atomic"
	"time"

	"github.com/lsbinit/lsbinit/internal/exitcode"
	"github.com/lsbinit/lsbinit/internal/initd"
	"github.com/lsbinit/lsbinit/internal/proc"
	"github.com/lsbinit/lsbinit/internal/runstate"
	"github.com/lsbinit/lsbinit/internal/spec"
)

// shutdown stops every service and returns boot's exit code: code when a
// service's end or a failed start caused it, else 0 when every service
// stopped within the stop timeout, 1 when not.
func (b *boot) shutdown(code exitcode.Code, sigs <-chan os.Signal) exitcode.Code {
	b.mu.Lock()
	b.stopping = true
	b.mu.Unlock()
	// No supervisor may start from now on: not even for an action asked
	// from inside just before, which would outlive the stop of its service.
	b.kids.halt()
	if !b.stopAll(sigs) && code == exitcode.OK {
		code = exitcode.Failed
	}
	b.drain(500 * time.Millisecond)
	b.out.printf("exiting with status %d", code)
	return code
}

// stopAll stops each unit once the units that start after it have
// stopped, by its own stop schedule. When the stop timeout runs out, the
// order is dropped and what still runs is killed; so it is at a second
// SIGTERM or SIGINT. It reports whether every stop succeeded in time.
func (b *boot) stopAll(sigs <-chan os.Signal) bool {
	hurry := make(chan struct{})
	var once sync.Once
	t := time.AfterFunc(b.stopTimeout, func() { once.Do(func() { close(hurry) }) })
	defer t.Stop()
	finished := make(chan struct{})
	defer close(finished)
	go func() {
		for {
			select {
			case sig := <-sigs:
				if sig != unix.SIGHUP {
					b.out.printf("%v again: killing what still runs", sig)
					once.Do(func() { close(hurry) })
				}
			case <-finished:
				return
			}
		}
	}()
	done := map[*unit]chan struct{}{}
	for _, u := range b.units {
		done[u] = make(chan struct{})
	}
	var failed atomic.Bool
	var wg sync.WaitGroup
	for _, u := range b.units {
		wg.Add(1)
		go func(u *unit) {
			defer wg.Done()
			defer close(done[u])
			for _, d := range dependants(b.units, u) {
				select {
				case <-done[d]:
				case <-hurry:
				}
			}
			if !b.stopOne(u, hurry) {
				failed.Store(true)
			}
		}(u)
	}
	wg.Wait()
	return !failed.Load()
}

// stopOne stops u, and kills its daemon if hurry comes first.
func (b *boot) stopOne(u *unit, hurry chan struct{}) bool {
	stopped := make(chan exitcode.Code, 1)
	go func() { stopped <- b.actLogged(u, "stop") }()
	select {
	case code := <-stopped:
		return code == exitcode.OK
	case <-hurry:
	}
	b.out.printf("%s did not stop within the stop timeout (%v): killing it", u.name, b.stopTimeout)
	kill(u.spec)
	select {
	case <-stopped:
	case <-time.After(2 * time.Second):
	}
	return false
}

// kill sends KILL to the daemon of c and its process group, proven by
// the start time its supervisor recorded: its supervisor sees it die and
// finishes the stop.
func kill(c *spec.Spec) {
	st, err := runstate.Read(c.StateFile())
	if err != nil {
		return
	}
	for _, d := range []struct {
		pid   int
		start uint64
	}{{st.Daemon, st.DaemonStart}, {st.Next, st.NextStart}} {
		if d.pid <= 1 {
			continue
		}
		if h, err := proc.OpenProven(d.pid, d.start, false); err == nil {
			proc.KillGroup(d.pid, h.Signal)
			h.Close()
		}
	}
}

// reloadAll reloads every running service that has a reload (SIGHUP to
// boot); one stopped from inside the container is left alone.
func (b *boot) reloadAll() {
	for _, u := range b.units {
		if u.spec.NoReload || b.isStopping() {
			continue
		}
		if running, _, _ := initd.Health(u.spec); running {
			b.actLogged(u, "reload")
		}
	}
}
