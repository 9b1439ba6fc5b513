package boot

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"golang.org/x/sys/unix"

	"github.com/lsbinit/lsbinit/internal/bootctl"
	"github.com/lsbinit/lsbinit/internal/config"
	"github.com/lsbinit/lsbinit/internal/exitcode"
	"github.com/lsbinit/lsbinit/internal/initd"
	"github.com/lsbinit/lsbinit/internal/runstate"
	"github.com/lsbinit/lsbinit/internal/spec"
	"github.com/lsbinit/lsbinit/pidfile"
)

// DefaultStopTimeout is the budget of the stop on SIGTERM: inside
// Docker's 10 s between SIGTERM and SIGKILL, with a second to exit.
const DefaultStopTimeout = 9 * time.Second

// options are boot's command line.
type options struct {
	dir         string        // --config-dir: where the *.conf files are
	stopTimeout time.Duration // --stop-timeout: the budget of the stop
	keepGoing   bool          // --keep-going: a service's end ends nothing else
}

// boot is one run of `lsbinit boot`.
type boot struct {
	options
	getenv func(string) string
	units  []*unit
	byName map[string]*unit
	kids   *kids
	out    *output
	errs   *output
	host   *initd.Host

	mu       sync.Mutex
	stopping bool            // the stop of every service has begun
	copies   []chan struct{} // each closed once a supervisor's output is all on stdout

	// stderrMu keeps config.Load, whose defaults read os.Stderr, from
	// running while daemon.Spawn swaps it for a supervisor's pipe.
	stderrMu sync.Mutex
}

// Main runs `lsbinit boot [--config-dir DIR] [--stop-timeout D]
// [--keep-going]` and returns its exit code (README, "Containers").
func Main(args []string, getenv func(string) string, stdout, stderr io.Writer) exitcode.Code {
	opts, err := parseOptions(args)
	if errors.Is(err, errHelp) {
		fmt.Fprint(stdout, usage)
		return exitcode.OK
	}
	if err != nil {
		fmt.Fprintf(stderr, "lsbinit boot: %v\n%s", err, usage)
		return exitcode.Usage
	}
	b := &boot{options: opts, getenv: getenv, kids: newKids(),
		out: &output{w: stdout}, errs: &output{w: stderr}}
	return b.run()
}

func (b *boot) run() exitcode.Code {
	// Signals first: a SIGTERM while the configs are read must stop us
	// in order, not kill us (PID 1 has no default actions).
	sigs := make(chan os.Signal, 4)
	signal.Notify(sigs, unix.SIGTERM, unix.SIGINT, unix.SIGHUP)
	signal.Ignore(unix.SIGPIPE)
	units, err := load(b.dir, b.getenv, func(w string) { b.errs.line("", []byte(w)) })
	if err != nil {
		for _, line := range strings.Split(err.Error(), "\n") {
			b.errs.printf("%s", line)
		}
		b.errs.printf("refusing to start anything")
		return exitcode.NotConfigured
	}
	b.units, b.byName = units, map[string]*unit{}
	for _, u := range units {
		b.byName[u.name] = u
	}
	becomeReaper()
	b.kids.reapOnSignal()
	b.host = &initd.Host{Args: b.supervisorArgs, Spawn: b.spawn, Started: b.started, Run: b.runCommand}
	addr := bootctl.Address(os.Geteuid(), b.getenv)
	// A user's default directory, /tmp/lsbinit-UID, is not there yet in
	// a new container: make it as a supervisor makes a pidfile's.
	if _, err := os.Stat(filepath.Dir(addr)); errors.Is(err, fs.ErrNotExist) {
		pidfile.EnsureDir(filepath.Dir(addr))
	}
	l, err := bootctl.Listen(addr)
	switch {
	case errors.Is(err, bootctl.ErrRunning):
		b.errs.printf("%v", err)
		return exitcode.Failed
	case err != nil:
		// A read-only /run, say: the services still run, but actions
		// run inside the container will carry themselves out.
		b.errs.printf("no control socket (%v): set %s to a writable place", err, bootctl.SocketEnv)
	default:
		defer l.Close()
		go b.serve(l)
	}
	if code, stopped := b.startAll(sigs); code != exitcode.OK || stopped {
		return b.shutdown(code, sigs)
	}
	b.out.printf("%d services running", len(b.units))
	return b.watch(sigs)
}

// watch waits for a signal or the end of a service.
func (b *boot) watch(sigs chan os.Signal) exitcode.Code {
	for {
		select {
		case sig := <-sigs:
			if sig == unix.SIGHUP {
				go b.reloadAll()
				continue
			}
			b.out.printf("%v: stopping every service", sig)
			return b.shutdown(exitcode.OK, sigs)
		case d := <-b.kids.deaths:
			if code, ends := b.ended(d); ends {
				return b.shutdown(code, sigs)
			}
		}
	}
}

// ended reports a service whose supervisor has exited; ends is true when
// that ends the container, with code.
func (b *boot) ended(d death) (code exitcode.Code, ends bool) {
	if b.isStopping() {
		return 0, false
	}
	ws := d.status
	if ws.Exited() && ws.ExitStatus() == 0 {
		b.out.printf("%s stopped (by request)", d.u.name)
		return 0, false
	}
	how, code := describe(d)
	if b.keepGoing {
		b.out.printf("%s %s; the others keep running (--keep-going)", d.u.name, how)
		return 0, false
	}
	b.out.printf("%s %s; stopping the others, then exiting %d", d.u.name, how, code)
	return code, true
}

// describe says how a service ended: as its supervisor recorded it in
// the sidecar, and by its supervisor's exit status (the daemon's own, or
// 1 for a daemon that exited 0 by itself; signals as 128+N).
func describe(d death) (string, exitcode.Code) {
	ws := d.status
	if ws.Signaled() {
		return fmt.Sprintf("lost its supervisor (pid %d, killed by signal %v)", d.pid, ws.Signal()), exitcode.Code(128 + int(ws.Signal()))
	}
	how := fmt.Sprintf("exit status %d", ws.ExitStatus())
	if st, err := runstate.Read(d.u.spec.StateFile()); err == nil && st.Exit != "" {
		how = st.Exit
	}
	return "ended by itself: its daemon " + how, exitcode.Code(ws.ExitStatus())
}

func (b *boot) isStopping() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.stopping
}

// act carries out an action (args: [-q] ACTION) for u in this process,
// with u's config read again when fresh (an action asked from inside the
// container sees the config as it is now).
func (b *boot) act(u *unit, args []string, stdout, stderr io.Writer, fresh bool) exitcode.Code {
	if !fresh {
		return b.actWith(u, *u.spec, nil, args, stdout, stderr)
	}
	c, err := b.current(u)
	return b.actWith(u, c, err, args, stdout, stderr)
}

// actWith carries out an action with c, u's config as current read it:
// one that no longer reads (readErr) is refused, but for a stop.
func (b *boot) actWith(u *unit, c spec.Spec, readErr error, args []string, stdout, stderr io.Writer) exitcode.Code {
	if readErr != nil && !slices.Contains(args, "stop") {
		for _, line := range strings.Split(readErr.Error(), "\n") {
			fmt.Fprintf(stderr, "%s: %s\n", u.name, line)
		}
		return exitcode.NotConfigured
	}
	c.Stdout, c.Stderr = stdout, stderr
	return initd.InvokeHosted(&c, c.Complete(), args, b.host)
}

// current is u's config as it reads now; a config that no longer reads
// gives the one boot began with, and why (a stop goes on with it).
func (b *boot) current(u *unit) (spec.Spec, error) {
	b.stderrMu.Lock()
	defer b.stderrMu.Unlock()
	res, err := config.Load(config.Options{File: u.file, Getenv: b.getenv, UID: os.Geteuid()})
	if err != nil {
		return *u.spec, err
	}
	return *res.Spec, nil
}

// supervisorArgs is the command line of a supervisor of c: as if
// `lsbinit -c FILE start` had spawned it.
func (b *boot) supervisorArgs(c *spec.Spec) []string {
	file := ""
	if u := b.byName[c.Name]; u != nil {
		file = u.file
	}
	return []string{os.Args[0], "-c", file, "start"}
}
