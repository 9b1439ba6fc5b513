package lsb

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"strconv"
	"strings"

	"github.com/lsbinit/lsbinit/internal/daemon"
	"golang.org/x/sys/unix"
)

// runDaemonRole runs Service.Run in the re-executed Go program: SIGTERM
// and SIGINT cancel its context, the reload signal calls Reload.
func runDaemonRole(s Service) ExitCode {
	os.Unsetenv(daemon.RoleEnv)
	if os.Getenv("LISTEN_FDS") != "" && os.Getenv("LISTEN_PID") == "" {
		// Sockets from the supervisor, which leaves LISTEN_PID to us.
		os.Setenv("LISTEN_PID", strconv.Itoa(os.Getpid()))
	}
	if !passGate() {
		return ExitFailed
	}
	if f, _ := daemon.InheritedFile(daemon.HealthEnv, "health"); f != nil {
		go daemon.ServeHealth(f, s.Health) // README, "Health checks"
	}
	// As for any daemon lsbinit starts, a write to a log pipe nobody
	// reads (its supervisor was killed) fails with EPIPE rather than
	// killing the program; Go would otherwise die of SIGPIPE on fd 1 and 2.
	signal.Ignore(unix.SIGPIPE)
	ctx, stop := signal.NotifyContext(context.Background(), unix.SIGTERM, unix.SIGINT)
	defer stop()
	sig := s.ReloadSignal
	if sig == 0 {
		sig = unix.SIGHUP
	}
	reload := make(chan os.Signal, 1)
	signal.Notify(reload, sig) // caught even without Reload: never die of it
	report := openReport()
	go func() {
		for range reload {
			if s.Reload == nil {
				continue
			}
			err := s.Reload()
			if err != nil {
				fmt.Fprintf(os.Stderr, "%s: reload: %v\n", s.Name, err)
			}
			reportReload(report, err)
		}
	}()
	if report != nil {
		// From now on a reload signal is caught: the supervisor may send
		// the ones it held back.
		report.WriteString(daemon.ReportCatching + "\n")
	}
	if s.Run == nil {
		fmt.Fprintf(os.Stderr, "%s: no Run function\n", s.Name)
		return ExitNotConfigured
	}
	if err := s.Run(ctx); err != nil {
		fmt.Fprintf(os.Stderr, "%s: %v\n", s.Name, err)
		return ExitFailed
	}
	return ExitOK
}

// passGate waits, in the daemon role, until the supervisor has recorded
// this process. It reports false when the supervisor is gone.
func passGate() bool {
	f, set := daemon.InheritedFile(daemon.GateEnv, "gate")
	if !set {
		return true
	}
	if f == nil {
		return false
	}
	defer f.Close()
	b := make([]byte, 1)
	n, err := f.Read(b)
	if n != 1 || err != nil {
		fmt.Fprintln(os.Stderr, "lsbinit: the supervisor died before it recorded this process; exiting")
		return false
	}
	return true
}

// reportReload, in the Go daemon, sends a reload's result to the
// supervisor; report is nil when there is none to send it to.
func reportReload(report *os.File, err error) {
	if report == nil {
		return
	}
	line := "ok\n"
	if err != nil {
		line = "error: " + strings.Join(strings.Fields(err.Error()), " ") + "\n"
	}
	report.WriteString(line)
}

// openReport opens, in the Go daemon, the report pipe its supervisor gave it.
func openReport() *os.File {
	f, _ := daemon.InheritedFile(daemon.ReportEnv, "reload report")
	return f
}
