// Command lsbdaemon is the test daemon built on the lsb library: it is its
// own init script. It takes the flags of [testdaemon.Options] plus those
// below, then the LSB action:
//
//	lsbdaemon -name svc -pidfile $WORK/svc.pid -logfile $WORK/svc.log -every 100ms start
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/lsbinit/lsbinit/internal/daemon"
	"github.com/lsbinit/lsbinit/internal/testdaemon"
	"github.com/lsbinit/lsbinit/lsb"
)

// parseTimes sets the stop schedule and readiness from their flags, or
// exits 6 naming the bad one.
func parseTimes(svc *lsb.Service, stopSchedule, ready string) {
	var err error
	if stopSchedule != "" {
		if svc.StopSchedule, err = lsb.ParseSchedule(stopSchedule); err != nil {
			fmt.Fprintf(os.Stderr, "%s: -stop-schedule: %v\n", svc.Name, err)
			os.Exit(int(lsb.ExitNotConfigured))
		}
	}
	if svc.Ready, err = lsb.ParseReadiness(ready); err != nil {
		fmt.Fprintf(os.Stderr, "%s: -ready: %v\n", svc.Name, err)
		os.Exit(int(lsb.ExitNotConfigured))
	}
}

func main() {
	o := testdaemon.Options{}
	var hc healthFlags
	o.Flags(flag.CommandLine)
	name := flag.String("name", "lsbdaemon", "service `NAME`")
	pidFile := flag.String("pidfile", "", "pidfile `PATH`")
	logFile := flag.String("logfile", "", "log file `PATH`")
	lockFile := flag.String("lockfile", "", "lock file `PATH`, created on start, removed on stop")
	stopSchedule := flag.String("stop-schedule", "", "stop `SCHEDULE` (start-stop-daemon --retry syntax)")
	noReload := flag.Bool("no-reload", false, "reload is unsupported (Reload is nil)")
	ready := flag.String("ready", "", "when start may succeed (`READY` syntax); with notify, lsb.Ready is called after -ready-after")
	startTimeout := flag.Duration("start-timeout", 0, "how long start waits for readiness")
	listen := flag.String("sockets", "", "LISTEN `WORDS` (Service.Listen); the daemon serves the first name with lsb.Listener")
	overlap := flag.Bool("overlap", false, "restart with RestartOverlap")
	storeMax := flag.Int("fdstore-max", 0, "Service.FDStoreMax; with it the daemon stores a file with lsb.Store")
	whenListening := flag.String("when-listening", "", "Ready: lsb.WhenListening(`ADDR`), a bad ADDR included (the error is the action's)")
	hc.flags(flag.CommandLine)
	respawn := flag.Bool("respawn", false, "Respawn: RespawnOnFailure")
	roleDelay := flag.Duration("role-delay", 0, "in the daemon role, sleep `DUR` before lsb.Invoke, as a loaded machine may delay a daemon that has not yet caught its signals")
	flag.Parse()
	if *roleDelay > 0 && os.Getenv(daemon.RoleEnv) == "daemon" {
		time.Sleep(*roleDelay)
	}

	svc := lsb.Service{
		Name:         *name,
		Version:      "test",
		PidFile:      *pidFile,
		LogFile:      *logFile,
		LockFile:     *lockFile,
		StartTimeout: *startTimeout,
		Run:          func(ctx context.Context) error { return testdaemon.Run(ctx, o) },
	}
	parseTimes(&svc, *stopSchedule, *ready)
	if *whenListening != "" {
		svc.Ready = lsb.WhenListening(*whenListening)
	}
	if *ready == "notify" {
		svc.Run = func(ctx context.Context) error {
			go func() {
				time.Sleep(o.ReadyAfter)
				lsb.Ready()
			}()
			return testdaemon.Run(ctx, o)
		}
	}
	if !*noReload {
		svc.Reload = o.Hup
	}
	hc.set(&svc)
	if *respawn {
		svc.Respawn = lsb.RespawnOnFailure
	}
	if *listen != "" || *storeMax > 0 {
		withSockets(&svc, strings.Fields(*listen), *overlap, *storeMax)
	}
	os.Exit(int(lsb.Invoke(svc, flag.Args())))
}

// healthFlags are the health check's flags.
type healthFlags struct {
	file              string
	interval, timeout time.Duration
	retries           int
}

// flags registers them on fs.
func (h *healthFlags) flags(fs *flag.FlagSet) {
	fs.StringVar(&h.file, "health-file", "", "Health: fails, naming this process, while `PATH` does not exist")
	fs.DurationVar(&h.interval, "health-interval", 0, "Service.HealthInterval")
	fs.DurationVar(&h.timeout, "health-timeout", 0, "Service.HealthTimeout")
	fs.IntVar(&h.retries, "health-retries", 0, "Service.HealthRetries")
}

// set gives svc, with -health-file, a Health that fails while the file is
// missing, saying which process ran it: the daemon.
func (h healthFlags) set(svc *lsb.Service) {
	if h.file == "" {
		return
	}
	svc.HealthInterval, svc.HealthTimeout, svc.HealthRetries = h.interval, h.timeout, h.retries
	svc.Health = func(ctx context.Context) error {
		if _, err := os.Stat(h.file); err != nil {
			return fmt.Errorf("pid %d: %s is missing", os.Getpid(), h.file)
		}
		return nil
	}
}
