// Package testdaemon is the daemon the process-level tests start: a small
// program whose output, signal handling, readiness and exit are chosen by
// flags, so that each test script asks for exactly the (mis)behaviour it
// checks.
//
// The same behaviour is reachable two ways: cmd/testdaemon is a plain
// program, run as DAEMON by the generic runtime (lsbinit with a config
// file); cmd/lsbdaemon runs it through the lsb library, so the program is
// its own init script.
//
// At start, Run prints what the tests check about the daemon's
// surroundings: "testdaemon: started pid N", then (on Linux) lines
// "testdaemon: cwd DIR", "umask 0022", "stdin PATH", "sid N" (its session),
// "uid N gid N groups [...]", "nice N", "args N [ARGS...]"; and one line
// "env NAME=VALUE set=BOOL" per -env flag. Periodic lines read
// "testdaemon: line N", numbered from 1 without gaps, so a test can tell
// whether log rotation lost any.
//
// While Run is executing, the process holds a marker (on Linux a memfd
// named by [Marker]), so tests can tell a process that is running the daemon
// body from a supervisor that merely shares its executable and command line.
package testdaemon

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"time"
)

// Marker names the memfd a process holds while it runs [Run]. In
// /proc/PID/fd it shows as a link to "/memfd:" + Marker + " (deleted)".
const Marker = "testdaemon-running"

// Options say how the daemon behaves. The zero value prints the start
// lines, then waits quietly for the stop request and returns nil; Exit must
// be set to -1 for "do not exit on purpose" ([Options.Flags] does that).
type Options struct {
	// Tag is ignored. Tests pass a unique string (their $WORK) so that they
	// can find their own processes by command line.
	Tag string
	// Lines is how many numbered lines to print at start.
	Lines int
	// Every, if positive, prints a numbered line this often.
	Every time.Duration
	// AlsoStderr prints the periodic lines to stderr as well.
	AlsoStderr bool
	// TermDelay is how long Run takes to return once ctx is cancelled.
	TermDelay time.Duration
	// IgnoreTerm makes Run ignore ctx: only SIGKILL ends the process.
	IgnoreTerm bool
	// Exit, if >= 0, makes Run print Msg to stderr and return an
	// *ExitError with this code at once, as a daemon that cannot start.
	Exit int
	// Busy keeps the CPU busy for this long at start, before anything
	// else: a daemon still loading, as interpreters and large programs are.
	Busy time.Duration
	// Panic, when set, makes the daemon panic with this message at start,
	// a dozen calls deep, so its trace is longer than a ten-line tail.
	Panic string
	// Msg is what Exit prints.
	Msg string
	// HupFile, if set, receives a line "HUP" on each call of Hup.
	// Without it, Hup only logs that it was called.
	HupFile string
	// WritePid, if set, receives this process's PID (written atomically)
	// at start: for a process that lsbinit did not start, or a daemon that
	// writes its own pidfile.
	WritePid string
	// Env lists environment variables whose values are printed at start.
	Env []string
	// Workers is how many worker processes to start: this executable again,
	// with the same Tag, ignoring SIGTERM. Only cmd/testdaemon supports it.
	Workers int
	// CloseFDs closes every inherited file descriptor above 2 at start, as
	// some daemons do.
	CloseFDs bool

	// ReadyAfter delays the readiness steps below (and the periodic lines).
	ReadyAfter time.Duration
	// ReadyWhen, if set, delays them further until the file exists (a
	// test decides when a daemon becomes ready).
	ReadyWhen string
	// Touch, if set, is created when ready (for READY=file:PATH, and to let
	// a test see that readiness came before start returned).
	Touch string
	// Listen, if set, is a TCP address listened on when ready.
	Listen string
	// Notify sends sd_notify "READY=1" to $NOTIFY_SOCKET when ready.
	Notify bool
	// ExitStamp, if set, receives the wall-clock time in microseconds
	// since the epoch as the daemon returns after a stop request: how a
	// benchmark tells when the daemon exited.
	ExitStamp string
	// ServeInherited serves on the sockets handed down with LISTEN_FDS
	// (sd_listen_fds(3)), answering "NAME fd N".
	ServeInherited bool
	// ReadyStamp, if set, receives the wall-clock time in microseconds
	// just before the daemon says READY=1 (with Notify).
	ReadyStamp string
	// FDStore, if set, stores a file through sd_notify FDSTORE=1 (named
	// "state", holding "stored by pid P"), unless one was handed down:
	// then it logs what that one holds.
	FDStore string
	stamp   *os.File // ExitStamp, opened at start

	// Stdout and Stderr default to os.Stdout and os.Stderr.
	Stdout, Stderr io.Writer
}

// Flags registers the options as flags on fs, with their defaults.
func (o *Options) Flags(fs *flag.FlagSet) {
	fs.StringVar(&o.Tag, "tag", "", "ignored; a unique string tests find their processes by")
	fs.IntVar(&o.Lines, "lines", 0, "print `N` numbered lines at start")
	fs.DurationVar(&o.Every, "every", 0, "print a numbered line every `DUR`")
	fs.BoolVar(&o.AlsoStderr, "stderr", false, "print the -every lines to stderr too")
	fs.DurationVar(&o.TermDelay, "term-delay", 0, "exit `DUR` after the stop request (SIGTERM)")
	fs.BoolVar(&o.IgnoreTerm, "ignore-term", false, "ignore SIGTERM; only SIGKILL ends the daemon")
	fs.IntVar(&o.Exit, "exit", -1, "print -msg to stderr and exit at once with `CODE`")
	fs.DurationVar(&o.Busy, "busy", 0, "keep the CPU busy for `DUR` at start (a daemon still loading)")
	fs.StringVar(&o.Panic, "panic", "", "panic at start with `MESSAGE`, a dozen calls deep")
	fs.StringVar(&o.Msg, "msg", "failing on purpose", "the message -exit prints")
	fs.StringVar(&o.HupFile, "hup-file", "", "append a line HUP to `PATH` on each SIGHUP (reload)")
	fs.StringVar(&o.WritePid, "write-pid", "", "write this process's PID to `PATH` at start")
	fs.Func("env", "print the environment variable `NAME` at start (repeatable)", func(name string) error {
		o.Env = append(o.Env, name)
		return nil
	})
	fs.IntVar(&o.Workers, "workers", 0, "start `N` worker processes that ignore SIGTERM")
	fs.BoolVar(&o.CloseFDs, "close-fds", false, "close inherited file descriptors above 2 at start")
	fs.DurationVar(&o.ReadyAfter, "ready-after", 0, "become ready `DUR` after start")
	fs.StringVar(&o.ReadyWhen, "ready-when", "", "become ready once `PATH` exists")
	fs.StringVar(&o.Touch, "touch", "", "create `PATH` when ready")
	fs.StringVar(&o.Listen, "listen", "", "listen on TCP `ADDR` when ready")
	fs.BoolVar(&o.Notify, "notify", false, "send READY=1 to $NOTIFY_SOCKET when ready")
	fs.BoolVar(&o.ServeInherited, "serve-inherited", false, "serve on the sockets handed down with LISTEN_FDS, answering \"NAME fd N\"")
	fs.StringVar(&o.FDStore, "fdstore", "", "store a file created at `PATH` (then removed) with sd_notify FDSTORE=1 unless one named state was handed down")
	fs.StringVar(&o.ReadyStamp, "ready-stamp", "", "write the time (µs since the epoch) to `PATH` just before READY=1")
	fs.StringVar(&o.ExitStamp, "exit-stamp", "", "write the time (µs since the epoch) to `PATH` when exiting after a stop")
}

// ExitError is Run's result when Options.Exit is set.
type ExitError struct {
	Code int
	Msg  string
}

func (e *ExitError) Error() string { return e.Msg }

// ExitCode maps Run's result to a process exit code: 0 for nil, the code
// of an *ExitError, else 1.
func ExitCode(err error) int {
	var ee *ExitError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &ee):
		return ee.Code
	default:
		return 1
	}
}

// Run is the daemon body. It returns when ctx is cancelled (after
// TermDelay), never if IgnoreTerm is set, or at once if Exit is set.
func Run(ctx context.Context, o Options) error {
	stdout, stderr := o.writers()
	if o.CloseFDs {
		if err := closeInherited(); err != nil {
			return fmt.Errorf("testdaemon: closing inherited fds: %w", err)
		}
	}
	release, err := hold(Marker)
	if err != nil {
		return fmt.Errorf("testdaemon: marker: %w", err)
	}
	defer release()

	if err := o.announce(stdout, stderr); err != nil {
		return err
	}
	if o.ExitStamp != "" {
		if o.stamp, err = os.OpenFile(o.ExitStamp, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644); err != nil {
			return err
		}
		defer o.stamp.Close()
	}
	done := ctx.Done()
	if o.IgnoreTerm {
		done = nil
	}
	if o.ReadyAfter > 0 {
		select {
		case <-time.After(o.ReadyAfter):
		case <-done:
			return stop(stdout, o)
		}
	}
	for o.ReadyWhen != "" {
		if _, err := os.Lstat(o.ReadyWhen); err == nil {
			break
		}
		select {
		case <-time.After(5 * time.Millisecond):
		case <-done:
			return stop(stdout, o)
		}
	}
	closeListener, err := o.ready(stdout)
	if err != nil {
		return err
	}
	defer closeListener()

	return o.serve(done, stdout, stderr)
}

// announce prints what the tests look for at start, and does what is to
// happen at once: write the PID, panic, exit, start the workers.
func (o Options) announce(stdout, stderr io.Writer) error {
	for end := time.Now().Add(o.Busy); time.Now().Before(end); {
	}
	pid := os.Getpid()
	fmt.Fprintf(stdout, "testdaemon: started pid %d\n", pid)
	for _, f := range facts() {
		fmt.Fprintf(stdout, "testdaemon: %s\n", f)
	}
	for _, name := range o.Env {
		v, ok := os.LookupEnv(name)
		fmt.Fprintf(stdout, "testdaemon: env %s=%q set=%v\n", name, v, ok)
	}
	if o.WritePid != "" {
		if err := writeAtomic(o.WritePid, strconv.Itoa(pid)+"\n"); err != nil {
			return err
		}
	}
	if o.Panic != "" {
		panicDeep(12, o.Panic)
	}
	if o.Exit >= 0 {
		fmt.Fprintln(stderr, o.Msg)
		return &ExitError{Code: o.Exit, Msg: o.Msg}
	}
	for range o.Workers {
		if err := startWorker(o); err != nil {
			return err
		}
	}
	return nil
}

// serve prints o.Lines lines, then a line every o.Every, until done.
func (o Options) serve(done <-chan struct{}, stdout, stderr io.Writer) error {
	n := 0
	line := func(w io.Writer) {
		n++
		fmt.Fprintf(w, "testdaemon: line %d\n", n)
	}
	for range o.Lines {
		line(stdout)
	}
	var tick <-chan time.Time
	if o.Every > 0 {
		t := time.NewTicker(o.Every)
		defer t.Stop()
		tick = t.C
	}
	for {
		select {
		case <-tick:
			line(stdout)
			if o.AlsoStderr {
				fmt.Fprintf(stderr, "testdaemon: line %d (stderr)\n", n)
			}
		case <-done:
			return stop(stdout, o)
		}
	}
}

func stop(stdout io.Writer, o Options) error {
	fmt.Fprintf(stdout, "testdaemon: stopping in %v\n", o.TermDelay)
	time.Sleep(o.TermDelay)
	fmt.Fprintln(stdout, "testdaemon: stopped")
	if o.stamp != nil {
		// The file was opened at start: exiting costs one write.
		_, err := o.stamp.WriteString(strconv.FormatInt(time.Now().UnixMicro(), 10) + "\n")
		return err
	}
	return nil
}

// startWorker starts this executable again as a worker that ignores
// SIGTERM, sharing stdout and stderr, and reaps it if it exits first.
func startWorker(o Options) error {
	exe, err := os.Executable()
	if err != nil {
		return err
	}
	cmd := exec.Command(exe, "-tag", o.Tag, "-ignore-term")
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	if err := cmd.Start(); err != nil {
		return err
	}
	go cmd.Wait()
	return nil
}

// Hup is the reload handler: it appends "HUP" to HupFile, or only logs
// that it was called.
func (o Options) Hup() error {
	stdout, _ := o.writers()
	if o.HupFile == "" {
		fmt.Fprintln(stdout, "testdaemon: got HUP, ignored")
		return nil
	}
	fmt.Fprintln(stdout, "testdaemon: reloading into", o.HupFile)
	f, err := os.OpenFile(o.HupFile, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return err
	}
	_, err = f.WriteString("HUP\n")
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	fmt.Fprintln(stdout, "testdaemon: got HUP")
	return err
}

func (o Options) writers() (stdout, stderr io.Writer) {
	stdout, stderr = o.Stdout, o.Stderr
	if stdout == nil {
		stdout = os.Stdout
	}
	if stderr == nil {
		stderr = os.Stderr
	}
	return stdout, stderr
}

// writeAtomic writes content to a temporary file beside name and renames
// it into place, so a reader never sees a partial file.
func writeAtomic(name, content string) error {
	tmp, err := os.CreateTemp(filepath.Dir(name), ".testdaemon-*")
	if err != nil {
		return err
	}
	_, err = tmp.WriteString(content)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(tmp.Name(), 0o644)
	}
	if err == nil {
		err = os.Rename(tmp.Name(), name)
	}
	if err != nil {
		os.Remove(tmp.Name())
	}
	return err
}

// panicDeep panics with msg depth calls down.
func panicDeep(depth int, msg string) {
	if depth == 0 {
		panic(msg)
	}
	panicDeep(depth-1, msg)
}
