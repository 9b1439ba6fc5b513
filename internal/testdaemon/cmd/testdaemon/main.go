// Command testdaemon is the plain daemon the tests run as DAEMON under
// lsbinit's generic runtime. Its flags are those of [testdaemon.Options],
// plus -fork; it ends on SIGTERM (unless -ignore-term) and calls the
// reload handler on SIGHUP.
//
// With -fork it behaves like a traditional self-daemonizing program (nginx,
// redis with "daemonize yes"): it starts itself again, without -fork, in a
// new session, and exits 0 at once; the child then writes its own pidfile
// if -write-pid says where.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"slices"

	"github.com/lsbinit/lsbinit/internal/testdaemon"
	"golang.org/x/sys/unix"
)

func main() {
	o := testdaemon.Options{}
	o.Flags(flag.CommandLine)
	fork := flag.Bool("fork", false, "daemonize: start again in the background and exit 0")
	flag.Parse()

	if *fork {
		if err := background(); err != nil {
			fmt.Fprintln(os.Stderr, "testdaemon: fork:", err)
			os.Exit(1)
		}
		os.Exit(0)
	}

	ctx := context.Background()
	if o.IgnoreTerm {
		signal.Ignore(unix.SIGTERM)
	} else {
		var stop context.CancelFunc
		ctx, stop = signal.NotifyContext(ctx, unix.SIGTERM)
		defer stop()
	}
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, unix.SIGHUP)
	go func() {
		for range hup {
			o.Hup()
		}
	}()
	os.Exit(testdaemon.ExitCode(testdaemon.Run(ctx, o)))
}

// background starts this program again without -fork, in a new session,
// sharing stdout and stderr, and does not wait for it.
func background() error {
	exe, err := os.Executable()
	if err != nil {
		return err
	}
	args := slices.DeleteFunc(slices.Clone(os.Args[1:]), func(a string) bool {
		return a == "-fork" || a == "--fork"
	})
	cmd := exec.Command(exe, args...)
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	cmd.SysProcAttr = &unix.SysProcAttr{Setsid: true}
	if err := cmd.Start(); err != nil {
		return err
	}
	return cmd.Process.Release()
}
