package lsb

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"time"

	"github.com/coreos/go-systemd/v22/daemon"
	"github.com/lsbinit/lsbinit/internal/actionlock"
	spawn "github.com/lsbinit/lsbinit/internal/daemon"
)

// runner carries out one action for a resolved service.
type runner struct {
	c       *config
	p       *printer
	checked bool             // the configuration check has passed
	lock    *actionlock.Lock // the action lock, when held
}

func (r *runner) do(action string) int {
	c := r.c
	if changesState(action) {
		l, err := r.lockActions(action)
		if err != nil {
			verb, what := verbOf(action, c.Desc)
			return r.report(verb, what, err)
		}
		if l != nil {
			r.lock = l
			defer l.Release()
		}
		defer r.followRecord()
	}
	switch action {
	case "status":
		return r.status()
	case "start":
		return r.report("Starting", c.Desc, r.start())
	case "stop":
		return r.report("Stopping", c.Desc, r.stop())
	case "restart":
		return r.report("Restarting", c.Desc, r.restart())
	case "try-restart", "condrestart":
		return r.tryRestart()
	case "reload":
		return r.report("Reloading", c.Desc+" configuration", r.reload())
	case "force-reload":
		if c.NoReload {
			in := c.probe()
			if in.kind != kRunning && in.kind != kStarting {
				return r.report("Restarting", c.Desc, fail(ExitNotRunning, "%s is not running", c.Name))
			}
			return r.report("Restarting", c.Desc, r.restart())
		}
		return r.report("Reloading", c.Desc+" configuration", r.reload())
	case "run":
		return r.run()
	case "check":
		return r.check()
	case "header":
		fmt.Fprint(c.Stdout, header(c))
		return ExitOK
	}
	return ExitUsage // parseArgs admits nothing else
}

// verbOf says how the messages of a state-changing action begin.
func verbOf(action, desc string) (verb, what string) {
	switch action {
	case "start":
		return "Starting", desc
	case "stop":
		return "Stopping", desc
	case "reload", "force-reload":
		return "Reloading", desc + " configuration"
	}
	return "Restarting", desc
}

// note is a successful outcome worth a word in the message.
type note string

func (n note) Error() string { return string(n) }

func isNote(err error) bool {
	var n note
	return errors.As(err, &n)
}

// start starts the daemon unless it already runs. Concurrent starts
// converge: the one whose supervisor takes the pidfile starts the daemon;
// the others wait for it to be ready and succeed with it.
func (r *runner) start() error {
	c := r.c
	if err := c.preflight(); err != nil {
		return err
	}
	deadline := time.Now().Add(c.StartTimeout + StartGrace)
	for {
		in := c.probe()
		switch in.kind {
		case kUnknown:
			return r.unknown(in)
		case kRunning:
			if !in.stopping() {
				return note("already running")
			}
			// An earlier stop whose caller was killed is under way.
			total, _ := c.sched.Total()
			if !r.awaitSupervisor(in, time.Now().Add(total+StopGrace)) {
				return fail(ExitFailed, "%s: gave up waiting for a stop under way (pid %d) to finish", c.Name, in.state.Supervisor)
			}
			continue
		case kStopped, kStale:
			if err := r.checkConfig(); err != nil {
				return err
			}
			c.writeRecord()
			code, err := r.spawn()
			if code != verdictBusy {
				return err
			}
		}
		if time.Now().After(deadline) {
			return fail(ExitFailed, "%s: gave up waiting for another start to finish", c.Name)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// awaitSupervisor waits until the supervisor recorded in in has exited,
// or until deadline; it reports whether it is gone.
func (r *runner) awaitSupervisor(in instance, deadline time.Time) bool {
	h, err := openProven(in.state.Supervisor, in.state.SupervisorStart, true)
	if err != nil {
		return true
	}
	defer h.Close()
	gone, _ := h.WaitExit(max(0, time.Until(deadline)))
	return gone
}

// prefixed puts the service's name before an error's message.
func prefixed(name string, err error) error {
	if err == nil {
		return nil
	}
	return withCode(ExitCodeOf(err), fmt.Errorf("%s: %w", name, err))
}

// unknown is the error for a service whose state cannot be told.
func (r *runner) unknown(in instance) error {
	return withCode(privilegeCode(in.err, ExitFailed), fmt.Errorf("%s: %w", r.c.Name, in.err))
}

// spawn starts a supervisor in the background and relays its messages
// until it gives its verdict.
func (r *runner) spawn() (int, error) {
	env := os.Environ()
	if r.lock != nil {
		// The supervisor holds the action lock too until its verdict, so
		// a start whose caller is killed still finishes before any other
		// action begins.
		fd, done := r.lock.Inherit()
		defer done()
		env = append(env, lockEnv+"="+strconv.Itoa(fd))
	}
	child, err := spawn.Spawn(spawn.RoleArgs(os.Args, spawn.Supervisor), env)
	if err != nil {
		return ExitFailed, fail(ExitFailed, "%s: %v", r.c.Name, err)
	}
	code, ok := child.Wait(r.c.Stderr)
	if !ok {
		st, _ := child.Process.Wait()
		return ExitFailed, fail(ExitFailed, "%s: the supervisor died while starting (%v)", r.c.Name, st)
	}
	if code != ExitOK {
		child.Process.Wait()
		if code == verdictBusy {
			return code, nil
		}
		return code, &Error{Code: code} // the supervisor has said why
	}
	child.Process.Release()
	return ExitOK, nil
}

// stop stops the daemon; stopping a stopped service succeeds.
func (r *runner) stop() error {
	c := r.c
	deadline := time.Now().Add(2 * time.Second)
	for {
		in := c.probe()
		switch {
		case in.kind == kUnknown:
			return r.unknown(in)
		case in.kind == kStopped:
			if c.lockFileExists() {
				removeLockFile(c)
			}
			return note("not running")
		case in.kind == kStale:
			if err := r.removeStale(in); err != nil {
				return err
			}
			return note("not running; removed stale pidfile")
		case in.supervised():
			return r.stopSupervised(in)
		case in.kind == kRunning:
			return r.stopOrphan(in)
		}
		// Locked, but the owner has not recorded itself yet.
		if time.Now().After(deadline) {
			return fail(ExitFailed, "%s: %s is locked by a process that does not answer", c.Name, c.PidFile)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// restart checks the configuration, then stops and starts: a broken
// config leaves the running instance alone.
func (r *runner) restart() error {
	if err := r.checkConfig(); err != nil {
		return err
	}
	if err := r.stop(); err != nil && !isNote(err) {
		return err
	}
	if err := r.start(); !isNote(err) {
		return err
	}
	return nil
}

func (r *runner) tryRestart() int {
	in := r.c.probe()
	if in.kind != kRunning && in.kind != kStarting {
		return r.report("Restarting", r.c.Desc, note("not running; nothing to do"))
	}
	return r.report("Restarting", r.c.Desc, r.restart())
}

// reload sends the reload signal: to the supervisor, which reopens the log
// and passes it on, or straight to a daemon whose supervisor is gone.
func (r *runner) reload() error {
	c := r.c
	if c.NoReload {
		return fail(ExitUnimplemented, "%s: reload is not supported", c.Name)
	}
	in := c.probe()
	switch {
	case in.kind == kUnknown:
		return r.unknown(in)
	case in.kind != kRunning && in.kind != kStarting:
		return fail(ExitNotRunning, "%s is not running", c.Name)
	}
	if err := r.checkConfig(); err != nil {
		return err
	}
	switch {
	case in.supervised():
		if err := signalProcess(in.state.Supervisor, in.state.SupervisorStart, c.ReloadSignal); err != nil {
			return prefixed(c.Name, err)
		}
		if in.state.Reloads < 0 {
			return nil // a supervisor that does not count reloads
		}
		return r.awaitReload(in.state.Reloads, in.state.Supervisor, in.state.SupervisorStart)
	case in.kind == kRunning:
		return prefixed(c.Name, signalProcess(in.pid, in.state.DaemonStart, c.ReloadSignal))
	}
	return fail(ExitFailed, "%s is still starting; try again", c.Name)
}

func (r *runner) run() int {
	c := r.c
	if err := c.preflight(); err != nil {
		return r.report("Running", c.Desc, err)
	}
	sv := newSupervisor(c)
	switch code := sv.start(); code {
	case ExitOK:
		// Under systemd Type=notify: we are the main process, the one
		// that runs the stop schedule, so MAINPID is ours.
		daemon.SdNotify(false, fmt.Sprintf("READY=1\nMAINPID=%d\nSTATUS=%s is running (pid %d)", os.Getpid(), c.Name, sv.state.Daemon))
		readyForManager()
		code := sv.loop()
		daemon.SdNotify(false, "STOPPING=1")
		return code
	case verdictBusy:
		return r.report("Running", c.Desc, fail(ExitFailed, "%s is already running", c.Name))
	default:
		return code
	}
}

func (r *runner) check() int {
	err := r.c.preflight()
	if err == nil {
		err = r.checkConfig()
	}
	if err != nil {
		fmt.Fprintln(r.c.Stderr, err)
		return ExitNotConfigured
	}
	if !r.p.quiet {
		fmt.Fprintf(r.c.Stdout, "%s: configuration OK\n", r.c.Name)
	}
	return ExitOK
}

// report prints the outcome of an action in Debian's style and returns its
// exit code.
func (r *runner) report(verb, what string, err error) int {
	if isNote(err) {
		r.p.done(fmt.Sprintf("%s %s: %s (%s)", verb, what, r.c.Name, err), true)
		return ExitOK
	}
	if err != nil {
		r.p.errorLine(err)
		r.p.done(fmt.Sprintf("%s %s: %s", verb, what, r.c.Name), false)
		return ExitCodeOf(err)
	}
	r.p.done(fmt.Sprintf("%s %s: %s", verb, what, r.c.Name), true)
	return ExitOK
}
