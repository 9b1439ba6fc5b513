package initd

import (
	"fmt"
	"os/user"
	"strconv"
	"strings"
	"time"

	"github.com/lsbinit/lsbinit/internal/exitcode"
	"github.com/lsbinit/lsbinit/internal/proc"
	"github.com/lsbinit/lsbinit/internal/runstate"
	"github.com/lsbinit/lsbinit/internal/spec"
)

// Report is what `status -v`, `status --json` and `lsbinit list` tell of
// a service. Its JSON field names are stable (see the README, "What an
// operator sees").
type Report struct {
	Name        string `json:"name"`
	Description string `json:"description"`
	// State is running, starting, stopping, restarting, respawning,
	// dead (not running, the pidfile left), stopped or unknown.
	State string `json:"state"`
	// Status is the exit code of the status action.
	Status int `json:"status"`
	// Detail says more about the state: how a dead daemon ended, when a
	// respawning one is started again, why the state is unknown.
	Detail string `json:"detail,omitempty"`
	// Line is the one line the status action prints.
	Line string `json:"line"`
	// Since is when the daemon started (running) or ended (dead).
	Since         *time.Time `json:"since,omitempty"`
	PID           int        `json:"pid,omitempty"`
	SupervisorPID int        `json:"supervisor_pid,omitempty"`
	User          string     `json:"user,omitempty"`
	// The daemon's process tree: resident and private memory (bytes),
	// CPU time of its live processes (seconds), and the processes.
	MemoryRSS     int64     `json:"memory_rss_bytes"`
	MemoryPrivate int64     `json:"memory_private_bytes"`
	CPUSeconds    float64   `json:"cpu_seconds"`
	Processes     []Process `json:"processes"`
	// Restarts counts the daemons RESPAWN started again; LastExit is how
	// the last one that ended by itself ended.
	Restarts int       `json:"restarts"`
	LastExit *LastExit `json:"last_exit,omitempty"`
	// Health is the health check's word: pending, healthy or unhealthy,
	// "" when the service has none or its daemon does not run under its
	// supervisor. HealthFailures counts the checks failed in a row, of
	// HealthRetries; HealthCheckedAt is when the last one ended, and
	// HealthOutput what it said (README, "Health checks").
	Health          string     `json:"health,omitempty"`
	HealthFailures  int        `json:"health_failures"`
	HealthRetries   int        `json:"health_retries,omitempty"`
	HealthCheckedAt *time.Time `json:"health_checked_at,omitempty"`
	HealthOutput    string     `json:"health_output,omitempty"`

	PidFile string `json:"pidfile"`
	LogFile string `json:"logfile"`
	Config  string `json:"config,omitempty"`
	// Log holds the log's last lines (status -v and --json only).
	Log []string `json:"log,omitempty"`
}

// Process is one process of the daemon's tree.
type Process struct {
	PID     int    `json:"pid"`
	PPID    int    `json:"ppid"`
	Command string `json:"command"`
}

// LastExit is how a daemon ended by itself, and when.
type LastExit struct {
	How string    `json:"how"`
	At  time.Time `json:"at"`
}

// Inspect reports on the service c; table is the process table to find
// its processes in (proc.Snapshot). logLines is how many of the log's
// last lines to include.
func Inspect(c *spec.Spec, table proc.Table, logLines int) Report {
	s := &service{c}
	in := s.probe()
	line, code := s.statusLine(in)
	r := Report{Name: c.Name, Description: c.Desc, Status: int(code), Line: line,
		PidFile: c.PidFile, LogFile: c.LogFile, Config: c.Source, Processes: []Process{}}
	r.State, r.Detail = stateOf(in, code)
	if st := in.state; st != nil {
		r.Restarts = st.Respawns
		if st.LastExit != "" {
			r.LastExit = &LastExit{How: st.LastExit, At: time.UnixMilli(st.LastExitAt)}
		}
		r.SupervisorPID = st.Supervisor
		if st.Started > 0 && (in.kind == kRunning || in.kind == kStarting) {
			since := time.UnixMilli(st.Started)
			r.Since = &since
		}
	}
	r.health(c, in)
	if (in.kind == kStale || r.State == "respawning") && r.LastExit != nil {
		r.Since = &r.LastExit.At // dead since
	}
	if (in.kind == kRunning || in.kind == kStarting) && r.State != "respawning" {
		r.PID = in.pid
		r.usage(table)
	}
	if logLines > 0 {
		r.Log = lastLines(c.LogFile, logLines)
	}
	return r
}

// stateOf names the state probe found, with its detail.
func stateOf(in instance, code exitcode.Code) (state, detail string) {
	st := in.state
	switch in.kind {
	case kRunning:
		if in.stopping() {
			return "stopping", ""
		}
		if st != nil && st.Supervisor == 0 {
			return "running", "without its supervisor"
		}
		return "running", ""
	case kStarting:
		switch {
		case in.restarting():
			return "restarting", ""
		case st != nil && st.Phase == runstate.Respawning:
			return "respawning", respawnDetail(st)
		}
		return "starting", ""
	case kStale:
		if st != nil && st.Exit != "" {
			return "dead", st.Exit
		}
		return "dead", "the pidfile names no live daemon"
	case kStopped:
		if code == exitcode.StatusDeadLockfile {
			return "stopped", "the lock file exists"
		}
		return "stopped", ""
	}
	return "unknown", fmt.Sprint(in.err)
}

func respawnDetail(st *runstate.State) string {
	d := st.Exit
	if st.RetryAt > 0 {
		wait := max(0, time.Until(time.UnixMilli(st.RetryAt))).Round(time.Millisecond)
		d += fmt.Sprintf("; started again in %v", wait)
	}
	return d
}

// usage fills in the daemon's processes and what they use.
func (r *Report) usage(table proc.Table) {
	for _, pid := range table.Tree(r.PID) {
		ppid := table[pid]
		r.Processes = append(r.Processes, Process{PID: pid, PPID: ppid, Command: command(pid)})
		if rss, private, cpu, ok := proc.Usage(pid); ok {
			r.MemoryRSS += rss
			r.MemoryPrivate += private
			r.CPUSeconds += cpu.Seconds()
		}
	}
	if uid, ok := proc.Owner(r.PID); ok {
		r.User = strconv.Itoa(uid)
		if u, err := user.LookupId(r.User); err == nil {
			r.User = u.Username
		}
	}
}

// command is pid's command line, as ps shows it.
func command(pid int) string {
	args := proc.Cmdline(pid)
	if len(args) == 0 {
		return "?"
	}
	return strings.Join(args, " ")
}
