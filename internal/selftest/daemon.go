package selftest

import (
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"time"

	"github.com/lsbinit/lsbinit/internal/exitcode"
	"golang.org/x/sys/unix"
)

// registryName is the file, in a row's directory, to which every built-in
// test daemon appends its PID when it starts: the selftest counts and
// cleans up its daemons from it.
const registryName = "daemons"

// daemonOptions say how the built-in test daemon behaves.
type daemonOptions struct {
	dir        string        // row directory: the PID is appended to dir/daemons
	hupFile    string        // receives a line "HUP" per SIGHUP
	pidFile    string        // receives this process's PID, written atomically
	ignoreTerm bool          // only SIGKILL ends the process
	exit       int           // >= 0: fail at once with this code
	every      time.Duration // how often to print a numbered line
	maxLife    time.Duration // exit on its own after this long (a leak guard)
}

// daemonMain is `lsbinit selftest daemon [flags]`: the hidden mode in which
// the binary is the test daemon that the selftest's configs name as DAEMON.
// Its error carries the process's exit code.
func daemonMain(args []string, stdout, stderr io.Writer) error {
	var o daemonOptions
	fs := flag.NewFlagSet("lsbinit selftest daemon", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.dir, "dir", "", "append the PID to `DIR`/"+registryName)
	fs.StringVar(&o.hupFile, "hup", "", "append a line HUP to `FILE` on each SIGHUP")
	fs.StringVar(&o.pidFile, "pid", "", "write the PID to `FILE` at start")
	fs.BoolVar(&o.ignoreTerm, "ignore-term", false, "ignore SIGTERM")
	fs.IntVar(&o.exit, "exit", -1, "exit at once with this `CODE`")
	fs.DurationVar(&o.every, "every", 50*time.Millisecond, "print a line this often")
	fs.DurationVar(&o.maxLife, "max", 5*time.Minute, "exit on its own after this long")
	if err := fs.Parse(args); err != nil {
		return exitcode.Reported(exitcode.Usage) // the flag package said why
	}
	return o.run(stdout)
}

// run is the daemon's body: nil when it exits as a daemon does, on a
// signal or its time limit. With -exit it fails at once with that code,
// an error whose code is -exit's even when that is 0.
func (o daemonOptions) run(stdout io.Writer) error {
	if o.exit >= 0 {
		return exitcode.Fail(exitcode.Code(o.exit), "selftest daemon: failing on purpose with exit code %d", o.exit)
	}
	sigs := make(chan os.Signal, 4)
	signal.Notify(sigs, unix.SIGTERM, unix.SIGHUP, unix.SIGINT)
	if o.ignoreTerm {
		signal.Ignore(unix.SIGTERM)
	}
	pid := os.Getpid()
	if err := o.announce(pid); err != nil {
		return exitcode.Fail(exitcode.Failed, "selftest daemon: %w", err)
	}
	fmt.Fprintf(stdout, "selftest daemon: started pid %d\n", pid)
	tick := time.NewTicker(o.every)
	defer tick.Stop()
	limit := time.NewTimer(o.maxLife)
	for n := 1; ; {
		select {
		case <-tick.C:
			fmt.Fprintf(stdout, "selftest daemon: line %d\n", n)
			n++
		case <-limit.C:
			fmt.Fprintln(stdout, "selftest daemon: lived too long, exiting")
			return nil
		case s := <-sigs:
			if s != unix.SIGHUP {
				fmt.Fprintf(stdout, "selftest daemon: %v, exiting\n", s)
				return nil
			}
			fmt.Fprintln(stdout, "selftest daemon: HUP")
			if o.hupFile != "" {
				appendLine(o.hupFile, "HUP")
			}
		}
	}
}

// announce records pid in the row's registry and in the -pid file.
func (o daemonOptions) announce(pid int) error {
	if o.dir != "" {
		if err := appendLine(filepath.Join(o.dir, registryName), strconv.Itoa(pid)); err != nil {
			return err
		}
	}
	if o.pidFile != "" {
		tmp := o.pidFile + ".tmp"
		if err := os.WriteFile(tmp, []byte(strconv.Itoa(pid)+"\n"), 0o600); err != nil {
			return err
		}
		return os.Rename(tmp, o.pidFile)
	}
	return nil
}

// appendLine appends line and a newline to file in one write.
func appendLine(file, line string) error {
	f, err := os.OpenFile(file, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return err
	}
	_, err = f.WriteString(line + "\n")
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}
