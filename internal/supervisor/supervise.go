package supervisor

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/lsbinit/lsbinit/internal/dirwatch"
	"github.com/lsbinit/lsbinit/internal/exitcode"
	"github.com/lsbinit/lsbinit/internal/paths"
	"github.com/lsbinit/lsbinit/internal/proc"
	"github.com/lsbinit/lsbinit/internal/runstate"
	"github.com/lsbinit/lsbinit/internal/spec"
	"github.com/lsbinit/lsbinit/logfile"
	"github.com/lsbinit/lsbinit/pidfile"
	"golang.org/x/sys/unix"
)

// ErrBusy is Start's answer when another instance holds the pidfile.
var ErrBusy = errors.New("another instance holds the pidfile")

// Supervisor owns one daemon as its child: it holds the pidfile's lock,
// carries the daemon's output into the log, restarts it when asked to and
// runs the stop schedule.
type Supervisor struct {
	c       *spec.Spec
	name    string // c.Name, for the goroutines (c is replaced by a restart)
	pf      *pidfile.File
	log     *logfile.Writer
	msgs    io.Writer // where a start's or restart's messages go
	notify  *notifySocket
	d       daemonRun // the current daemon
	state   runstate.State
	sigs    chan os.Signal
	backoff backoff // the wait before each respawn
	health  health  // the daemon's health check (health.go)
	reaper  *reaper // Linux: reaps every child, adopted ones too

	gate    *os.File // the start gate's write end, while a Go daemon starts
	reloads *reloads // the reloads passed on, not yet seen through
	guard   *guard   // the service's files, watched while running

	readiness readiness // how READY is proven, with its state
	sockets   listeners // LISTEN, open while the supervisor runs

	control  *controlSocket       // restart's way in, when restart keeps us
	restarts chan *restartRequest // requests from the control socket
	exe      string               // the program a Go daemon runs, if not ours
	swap     swap                 // how far a restart in place has gone
	store    fdStore              // FDSTORE: descriptors the daemon handed us
	echo     io.Writer            // also gets the daemon's output (Echo), or nil
}

// New makes the supervisor of c in this process, which it prepares for
// the job: it catches the signals it acts on, becomes a subreaper where it
// can, and runs Go code on one thread at a time.
func New(c *spec.Spec) *Supervisor {
	sv := &Supervisor{c: c, name: c.Name, sigs: make(chan os.Signal, 8)}
	sv.reloads = newReloads(sv.reloaded)
	sv.d.tail, sv.msgs = newTail(), os.Stderr
	sv.restarts = make(chan *restartRequest)
	// Stop signals, the reload signal and the usual daemon signals are
	// caught here and acted on or forwarded.
	signal.Notify(sv.sigs, unix.SIGTERM, unix.SIGINT, unix.SIGHUP, unix.SIGUSR1,
		unix.SIGUSR2, unix.SIGQUIT, unix.SIGWINCH, c.ReloadSignal)
	// SIGPIPE is ignored, here and (SIG_IGN is inherited across exec) in
	// the daemon, as systemd does by default (IgnoreSIGPIPE=yes): a start
	// that went away must not kill us when we write our verdict to its
	// closed pipe, and a daemon whose supervisor was killed must not die
	// of its next log line. It gets EPIPE instead.
	signal.Ignore(unix.SIGPIPE)
	sv.becomeSubreaper()
	// Our own files (pidfile, its directory, the log) get their documented
	// modes whatever umask the caller had; the daemon gets UMASK.
	unix.Umask(0o022)
	// One thread runs Go code at a time: a supervisor waits, and copies a
	// log, and more threads are more memory (README, "Performance").
	runtime.GOMAXPROCS(1)
	return sv
}

// Start takes the pidfile, starts the daemon and waits until it is ready.
// It returns ErrBusy when another instance holds the pidfile; any other
// failure has been reported on stderr and carries the exit code start
// must return. On failure nothing is left behind.
func (sv *Supervisor) Start() error {
	// The log's watch and the files' may share another supervisor's
	// inotify instance, through a socket beside the default pidfiles
	// (README, "Performance").
	dirwatch.Share(filepath.Dir(paths.PidFile("x", os.Geteuid(), os.Getenv)))
	if err := sv.acquire(); err != nil {
		if errors.Is(err, pidfile.ErrLocked) {
			return ErrBusy
		}
		return sv.failed(exitcode.Privilege(err, exitcode.Failed), err)
	}
	sv.readiness = newReadiness(sv.c.Ready)
	if err := sv.readiness.prepare(sv, true); err != nil {
		sv.cleanup()
		return sv.failed(exitcode.Failed, err)
	}
	if err := sv.openSockets(); err != nil {
		sv.cleanup()
		return sv.failed(exitcode.Of(err), err)
	}
	if err := sv.launch(); err != nil {
		sv.cleanup()
		return sv.failed(exitcode.Of(err), err)
	}
	return sv.awaitReady()
}

// failed reports why a start failed, and returns its exit code.
func (sv *Supervisor) failed(code exitcode.Code, err error) error {
	fmt.Fprintf(sv.msgs, "%s: %v\n", sv.c.Name, err)
	return exitcode.Reported(code)
}

// DaemonPID is the PID of the daemon the supervisor runs.
func (sv *Supervisor) DaemonPID() int { return sv.state.Daemon }

func (sv *Supervisor) acquire() error {
	c := sv.c
	pf, err := pidfile.Acquire(c.LockPath(), pidfile.ReaderWait)
	if err != nil {
		return err
	}
	sv.pf = pf
	sv.state = runstate.State{Supervisor: os.Getpid(), Phase: runstate.Starting}
	sv.state.SupervisorStart, _ = proc.StartTime(os.Getpid())
	if err := runstate.Write(c.StateFile(), &sv.state); err != nil {
		pf.Remove()
		sv.pf = nil
		return fmt.Errorf("writing %s: %w", c.StateFile(), err)
	}
	if sv.log, err = logfile.NewWriter(c.LogFile); err != nil {
		sv.cleanup()
		return fmt.Errorf("LOGFILE %s: %w", c.LogFile, paths.Cause(err))
	}
	sv.store.setBound(c.FDStoreMax)
	if c.KeepsSupervisor() {
		if err := sv.listenControl(); err != nil {
			sv.cleanup()
			return fmt.Errorf("the control socket: %w", err)
		}
		runstate.Write(c.StateFile(), &sv.state)
	}
	if c.Ready.Notifies() || c.FDStoreMax > 0 {
		if sv.notify, err = listenNotify(c); err != nil {
			sv.cleanup()
			return fmt.Errorf("the notify socket: %w", err)
		}
		// The daemon is our only child: any descendant of ours may speak
		// for it, even before we have learnt its PID. Where the kernel
		// names senders, an unnamed one (another PID namespace) may not.
		self := os.Getpid()
		go sv.notify.serve(sv, func(pid int) bool {
			if pid == 0 {
				return !abstractSockets
			}
			return proc.DescendsFrom(pid, self)
		})
	}
	return nil
}

// Loop owns the running daemon until it is stopped or ends for good. It
// returns 0 after a requested stop, and the daemon's own exit code when it
// ended by itself and is not to be restarted.
func (sv *Supervisor) Loop() int {
	sv.watchFiles()
	defer sv.unwatchFiles()
	sv.repairFiles() // what changed before the watch began
	trimMemory()     // the long watch needs little of what start-up did
	for ; ; tidy() { // after each wakeup
		sv.health.arm() // the daemon is ready here
		select {
		case <-sv.guard.changed():
			sv.repairFiles()
		case <-sv.guard.again():
			sv.repairFiles()
		case <-sv.health.due():
			sv.checkHealth()
		case res := <-sv.health.result():
			if !sv.healthChecked(res) {
				return 0
			}
		case line := <-sv.reloads.reports:
			sv.reloads.reported(line)
		case <-sv.d.heldBack():
			sv.d.sendHeld(sv.c.ReloadSignal)
		case <-sv.reloads.graceOver():
			sv.reloads.through()
		case req := <-sv.restarts:
			sv.health.cancel()
			if !sv.restart(req) {
				return 0
			}
		case err := <-sv.d.exited:
			sv.health.cancel()
			sv.reaped(err)
			if !sv.shouldRespawn() {
				return sv.crashed()
			}
			if !sv.respawn(proc.DescribeExit(sv.d.status)) {
				return 0
			}
		case sig := <-sv.sigs:
			if isStopSignal(sig) {
				sv.health.cancel()
				sv.stopDaemon()
				sv.cleanup()
				return 0
			}
			sv.forward(sig)
		}
	}
}

// crashed records a daemon that ended on its own: the pidfile stays (so
// status says "dead, pidfile exists") and the sidecar says how it ended.
func (sv *Supervisor) crashed() int {
	how := proc.DescribeExit(sv.d.status)
	sv.state.Phase, sv.state.Exit = runstate.Exited, how
	sv.lastExit(how)
	runstate.Write(sv.c.StateFile(), &sv.state)
	sv.stopLeftovers()
	sv.drain(200 * time.Millisecond)
	sv.logf("lsbinit: %s (pid %d) %s\n", sv.c.Name, sv.state.Daemon, how)
	sv.log.Close()
	sv.closeChannels()
	sv.pf.Release()
	return max(proc.ShellStatus(sv.d.status), 1)
}

func (sv *Supervisor) reaped(err error) {
	sv.d.dead, sv.d.status = true, err
	sv.d.held = 0
	sv.d.health.close()
	sv.reloads.ended(sv.state.Daemon, err, sv.superseded())
}

// superseded reports whether a stop or restart ended the daemon.
func (sv *Supervisor) superseded() bool {
	return sv.swap.retiring || sv.state.Phase == runstate.Stopping || sv.state.Phase == runstate.Restarting
}

// drain waits a little for the log pipe to reach end-of-file, so the
// daemon's last words are in the log (a leftover child holding the pipe
// open must not hold us).
func (sv *Supervisor) drain(d time.Duration) {
	select {
	case <-sv.d.copied:
	case <-time.After(d):
	}
}

// forward reopens the log (logrotate's create mode) and passes sig on.
// A reload is through once forwarded, or once a Go daemon reports it; one
// for a Go daemon that does not catch the signal yet is held back.
func (sv *Supervisor) forward(sig os.Signal) {
	if sig == sv.c.ReloadSignal {
		sv.reopenLog()
	}
	s, ok := sig.(unix.Signal)
	switch {
	case !ok || sv.d.dead:
	case sig == sv.c.ReloadSignal && !sv.d.catchesReload():
		sv.d.held++ // sent by sendHeld
	default:
		proc.Signal(sv.d.pid, s)
	}
	switch {
	case sig != sv.c.ReloadSignal:
	case sv.d.dead:
		sv.reloaded("")
	default:
		sv.reloads.passed(sv.reportsReloads())
	}
}

// reloadAside sees through a reload that no daemon can take: between two
// (a respawn's back-off) or while one stops. The log is reopened, and the
// next daemon starts with the config as it is by then. Other signals are
// dropped: there is no daemon to pass them to.
func (sv *Supervisor) reloadAside(sig os.Signal) {
	if sig == sv.c.ReloadSignal {
		sv.reopenLog()
		sv.reloaded("")
	}
}

func (sv *Supervisor) reopenLog() {
	if err := sv.log.Reopen(); err != nil {
		sv.logf("lsbinit: reopening %s: %v\n", sv.c.LogFile, err)
	}
}

// killGroup sends KILL to the daemon's process group and the daemon.
func (sv *Supervisor) killGroup() {
	proc.KillGroup(sv.d.pid, func(sig unix.Signal) error { return proc.Signal(sv.d.pid, sig) })
}

// kill ends a daemon at once, and reaps it.
func (sv *Supervisor) kill() {
	if !sv.d.dead {
		sv.killGroup()
		sv.reaped(<-sv.d.exited)
	}
}

// cleanup removes what a start created, in an order that never deletes a
// successor's files: the lock file and the sidecar while the pidfile's lock
// is still held, then the pidfile, which releases the lock.
func (sv *Supervisor) cleanup() {
	c := sv.c
	sv.closeChannels()
	sv.sockets.close()
	if sv.log != nil {
		sv.log.Close()
	}
	if sv.pf == nil {
		return
	}
	if c.LockFile != "" {
		os.Remove(c.LockFile)
	}
	os.Remove(c.StateFile())
	if c.PidFileByDaemon {
		sv.removeDaemonPidFile()
	}
	sv.pf.Remove()
	sv.pf = nil
}

// lastExit records how the daemon ended by itself, and when.
func (sv *Supervisor) lastExit(how string) {
	sv.state.LastExit, sv.state.LastExitAt = how, time.Now().UnixMilli()
}

// closeChannels closes the notify and control sockets and the store.
func (sv *Supervisor) closeChannels() {
	if sv.notify != nil {
		sv.notify.Close()
	}
	if sv.control != nil {
		sv.control.Close()
	}
	sv.store.closeAll()
}

// newTail remembers a starting daemon's last lines, for a failed start.
func newTail() *logfile.Tail { return &logfile.Tail{Lines: 10, Sticky: goCrash} }

// goCrash picks the line that starts a Go program's crash report.
func goCrash(line string) bool {
	return strings.HasPrefix(line, "panic: ") || strings.HasPrefix(line, "fatal error: ")
}

func isStopSignal(sig os.Signal) bool { return sig == unix.SIGTERM || sig == unix.SIGINT }

func createLockFile(path string) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|unix.O_NOFOLLOW, 0o644)
	if err != nil {
		return err
	}
	return f.Close()
}
