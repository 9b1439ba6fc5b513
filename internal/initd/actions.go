package initd

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	sdaemon "github.com/coreos/go-systemd/v22/daemon"
	"github.com/lsbinit/lsbinit/internal/actionlock"
	"github.com/lsbinit/lsbinit/internal/daemon"
	"github.com/lsbinit/lsbinit/internal/exitcode"
	"github.com/lsbinit/lsbinit/internal/proc"
	"github.com/lsbinit/lsbinit/internal/supervisor"

	"github.com/lsbinit/lsbinit/internal/names"
)

// runner carries out one action for a resolved service.
type runner struct {
	c       *service
	p       *printer
	checked bool             // the configuration check has passed
	lock    *actionlock.Lock // the action lock, when held
	inv     invocation       // the action's options
	host    *Host            // the process that hosts the action, or nil
}

func (r *runner) do(action string) exitcode.Code {
	c := r.c
	if changesState(action) {
		l, err := r.lockActions(action)
		if err != nil {
			verb, what := verbOf(action, c.Desc)
			return r.report(verb, what, "", err)
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
	case "logs":
		return r.logs(r.inv.lines, r.inv.follow)
	case "start":
		o, err := r.start()
		return r.report("Starting", c.Desc, o, err)
	case "stop":
		o, err := r.stop()
		return r.report("Stopping", c.Desc, o, err)
	case "restart":
		return r.report("Restarting", c.Desc, "", r.restart())
	case "try-restart", "condrestart":
		return r.tryRestart()
	case "reload":
		return r.report("Reloading", c.Desc+" configuration", "", r.reload())
	case "force-reload":
		if c.NoReload {
			in := c.probe()
			if in.kind != kRunning && in.kind != kStarting {
				return r.report("Restarting", c.Desc, "", exitcode.Fail(exitcode.NotRunning, "%s is not running", c.Name))
			}
			return r.report("Restarting", c.Desc, "", r.restart())
		}
		return r.report("Reloading", c.Desc+" configuration", "", r.reload())
	case "run":
		return r.run()
	case "check":
		return r.check()
	case "header":
		fmt.Fprint(c.Stdout, header(c))
		return exitcode.OK
	}
	return exitcode.Usage // parseArgs admits nothing else
}

// verbOf says how the messages of a state-changing action begin.
func verbOf(action, desc string) (verb, what string) {
	a, _ := names.Lookup(action)
	if a.Verb == "" {
		return "Restarting", desc
	}
	if a.Of != "" {
		desc += " " + a.Of
	}
	return a.Verb, desc
}

// outcome is how an action that succeeded went, when that is worth a word
// in its message ("already running"); "" otherwise.
type outcome string

// start starts the daemon unless it already runs. Concurrent starts
// converge: the one whose supervisor takes the pidfile starts the daemon;
// the others wait for it to be ready and succeed with it.
func (r *runner) start() (outcome, error) {
	c := r.c
	if err := c.preflight(); err != nil {
		return "", err
	}
	deadline := time.Now().Add(c.StartBudget())
	for {
		in := c.probe()
		switch in.kind {
		case kUnknown:
			return "", r.unknown(in)
		case kRunning:
			if !in.stopping() {
				return "already running", nil
			}
			// An earlier stop whose caller was killed is under way.
			budget, _ := c.StopBudget()
			if !r.awaitSupervisor(in, time.Now().Add(budget)) {
				return "", exitcode.Fail(exitcode.Failed, "%s: gave up waiting for a stop under way (pid %d) to finish", c.Name, in.state.Supervisor)
			}
			continue
		case kStopped, kStale:
			if err := r.checkConfig(); err != nil {
				return "", err
			}
			c.writeRecord()
			if err := r.spawn(); !errors.Is(err, supervisor.ErrBusy) {
				return "", err
			}
		}
		if time.Now().After(deadline) {
			return "", exitcode.Fail(exitcode.Failed, "%s: gave up waiting for another start to finish", c.Name)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// awaitSupervisor waits until the supervisor recorded in in has exited,
// or until deadline; it reports whether it is gone.
func (r *runner) awaitSupervisor(in instance, deadline time.Time) bool {
	h, err := proc.OpenProven(in.state.Supervisor, in.state.SupervisorStart, true)
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
	return exitcode.With(exitcode.Of(err), fmt.Errorf("%s: %w", name, err))
}

// unknown is the error for a service whose state cannot be told.
func (r *runner) unknown(in instance) error {
	return exitcode.With(exitcode.Privilege(in.err, exitcode.Failed), fmt.Errorf("%s: %w", r.c.Name, in.err))
}

// spawn starts a supervisor in the background and relays its messages
// until it gives its verdict.
func (r *runner) spawn() error {
	child, err := r.startSupervisor(daemon.SupervisorEnv(os.Environ()), r.inheritance)
	if err != nil {
		return exitcode.Fail(exitcode.Failed, "%s: %v", r.c.Name, err)
	}
	var msgs strings.Builder
	code, ok := child.Wait(&msgs)
	if !ok {
		how := "the supervisor died while starting"
		if r.host == nil {
			st, _ := child.Process.Wait()
			how += fmt.Sprintf(" (%v)", st)
		}
		return relayed(exitcode.Failed, msgs.String()+r.c.Name+": "+how)
	}
	if code == 0 || code == daemon.Busy {
		io.WriteString(r.c.Stderr, msgs.String())
	}
	switch code {
	case 0:
		if r.host != nil && r.host.Started != nil {
			r.host.Started(r.c.Name, child.Process.Pid)
		}
		child.Process.Release()
		return nil
	case daemon.Busy:
		r.reapChild(child)
		return supervisor.ErrBusy
	}
	r.reapChild(child)
	return relayed(code, msgs.String())
}

// inheritance makes what the supervisor inherits: the resolved service,
// through a pipe, and the action lock. The supervisor holds the lock too
// until its verdict, so a start whose caller is killed still finishes
// before any other action begins.
func (r *runner) inheritance() (env []string, done func(), err error) {
	var undo []func()
	done = func() {
		for _, f := range undo {
			f()
		}
	}
	if text, ok := r.c.Encode(); ok {
		entry, closeText, err := daemon.PassText(daemon.SpecEnv, text)
		if err != nil {
			return nil, nil, err
		}
		env, undo = append(env, entry), append(undo, closeText)
	}
	if r.lock != nil {
		fd, closeLock := r.lock.Inherit()
		env, undo = append(env, daemon.LockEnv+"="+strconv.Itoa(fd)), append(undo, closeLock)
	}
	return env, done, nil
}

// relayed is the failure a supervisor reported with its messages, which
// report prints after the action's line, so that output and errors
// captured together read in order.
func relayed(code exitcode.Code, msgs string) error {
	msgs = strings.TrimRight(msgs, "\n")
	if msgs == "" {
		return exitcode.Reported(code)
	}
	return exitcode.With(code, errors.New(msgs))
}

// stop stops the daemon; stopping a stopped service succeeds.
func (r *runner) stop() (outcome, error) {
	c := r.c
	deadline := time.Now().Add(2 * time.Second)
	for {
		in := c.probe()
		switch {
		case in.kind == kUnknown:
			return "", r.unknown(in)
		case in.kind == kStopped:
			if c.lockFileExists() {
				removeLockFile(c)
			}
			return "not running", nil
		case in.kind == kStale:
			if err := r.removeStale(in); err != nil {
				return "", err
			}
			return "not running; removed stale pidfile", nil
		case in.supervised():
			return r.stopSupervised(in)
		case in.kind == kRunning:
			return r.stopOrphan(in)
		}
		// Locked, but the owner has not recorded itself yet.
		if time.Now().After(deadline) {
			return "", exitcode.Fail(exitcode.Failed, "%s: %s is locked by a process that does not answer", c.Name, c.PidFile)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// restart checks the configuration, then stops and starts: a broken
// config leaves the running instance alone. A supervisor that keeps the
// service's sockets replaces the daemon in place instead.
func (r *runner) restart() error {
	// What start would refuse (DAEMON missing, USER unknown, ...) is
	// refused before the old daemon is stopped, as CHECK_CMD is.
	if err := r.c.preflight(); err != nil {
		return err
	}
	if err := r.checkConfig(); err != nil {
		return err
	}
	if done, err := r.restartInPlace(); done {
		return err
	}
	if _, err := r.stop(); err != nil {
		return err
	}
	_, err := r.start()
	return err
}

func (r *runner) tryRestart() exitcode.Code {
	in := r.c.probe()
	if in.kind != kRunning && in.kind != kStarting {
		return r.report("Restarting", r.c.Desc, "not running; nothing to do", nil)
	}
	return r.report("Restarting", r.c.Desc, "", r.restart())
}

// reload sends the reload signal: to the supervisor, which reopens the log
// and passes it on, or straight to a daemon whose supervisor is gone.
func (r *runner) reload() error {
	c := r.c
	if c.NoReload {
		return exitcode.Fail(exitcode.Unimplemented, "%s: reload is not supported", c.Name)
	}
	in := c.probe()
	switch {
	case in.kind == kUnknown:
		return r.unknown(in)
	case in.kind != kRunning && in.kind != kStarting:
		return exitcode.Fail(exitcode.NotRunning, "%s is not running", c.Name)
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
	return exitcode.Fail(exitcode.Failed, "%s is still starting; try again", c.Name)
}

func (r *runner) run() exitcode.Code {
	c := r.c
	if err := c.preflight(); err != nil {
		return r.report("Running", c.Desc, "", err)
	}
	sv := supervisor.New(c.Spec)
	if j := journalStream(); j != nil {
		sv.Echo(j) // journalctl -u NAME shows the daemon's output too
	}
	err := sv.Start()
	switch {
	case errors.Is(err, supervisor.ErrBusy):
		return r.report("Running", c.Desc, "", exitcode.Fail(exitcode.Failed, "%s is already running", c.Name))
	case err != nil:
		return exitcode.Of(err)
	}
	// Under systemd Type=notify: we are the main process, the one that
	// runs the stop schedule, so MAINPID is ours.
	sdaemon.SdNotify(false, fmt.Sprintf("READY=1\nMAINPID=%d\nSTATUS=%s is running (pid %d)", os.Getpid(), c.Name, sv.DaemonPID()))
	readyForManager()
	status := sv.Loop()
	sdaemon.SdNotify(false, "STOPPING=1")
	// run ends as the daemon did: its exit status is run's.
	return exitcode.Code(status)
}

func (r *runner) check() exitcode.Code {
	err := r.c.preflight()
	if err == nil {
		err = r.c.checkFiles()
	}
	if err == nil {
		err = r.checkConfig()
	}
	if err != nil {
		fmt.Fprintln(r.c.Stderr, err)
		return exitcode.NotConfigured
	}
	if !r.p.quiet {
		fmt.Fprintf(r.c.Stdout, "%s: configuration OK\n", r.c.Name)
	}
	return exitcode.OK
}

// report prints the result of an action in Debian's style and returns its
// exit code: a success with its outcome, if any, or the failure, its line
// first and then why (so that output and errors captured together read in
// order).
func (r *runner) report(verb, what string, o outcome, err error) exitcode.Code {
	switch {
	case err != nil:
		r.p.done(fmt.Sprintf("%s %s: %s", verb, what, r.c.Name), false)
		r.p.errorLine(err)
		return exitcode.Of(err)
	case o != "":
		r.p.done(fmt.Sprintf("%s %s: %s (%s)", verb, what, r.c.Name, o), true)
	default:
		r.p.done(fmt.Sprintf("%s %s: %s", verb, what, r.c.Name), true)
	}
	return exitcode.OK
}
