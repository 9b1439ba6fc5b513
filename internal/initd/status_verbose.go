package initd

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/lsbinit/lsbinit/internal/exitcode"
	"github.com/lsbinit/lsbinit/internal/proc"
)

// statusLogLines is how many of the log's last lines status -v shows, as
// systemctl status does.
const statusLogLines = 10

// statusJSON prints the report as one JSON object; the exit code is
// status's.
func (r *runner) statusJSON() exitcode.Code {
	rep := Inspect(r.c.Spec, proc.Snapshot(), statusLogLines)
	b, _ := json.MarshalIndent(rep, "", "  ")
	fmt.Fprintf(r.c.Stdout, "%s\n", b)
	return exitcode.Code(rep.Status)
}

// statusVerbose prints the report the way systemctl status does; colour
// only on a terminal. The exit code is status's.
func (r *runner) statusVerbose() exitcode.Code {
	rep := Inspect(r.c.Spec, proc.Snapshot(), statusLogLines)
	WriteVerbose(r.c.Stdout, rep, r.p.tty, time.Now())
	return exitcode.Code(rep.Status)
}

// The colours of the state's dot, on a terminal.
var stateColour = map[string]string{"running": "32", "starting": "33", "restarting": "33",
	"respawning": "33", "stopping": "33", "dead": "31", "unknown": "31"}

// WriteVerbose renders rep as status -v shows it, at the time now.
func WriteVerbose(w io.Writer, rep Report, colour bool, now time.Time) {
	dot := "●"
	if c, ok := stateColour[rep.State]; ok && colour {
		dot = "\x1b[" + c + "m●\x1b[0m"
	} else if rep.State == "stopped" {
		dot = "○"
	}
	fmt.Fprintf(w, "%s %s - %s\n", dot, rep.Name, rep.Description)
	field := func(name, format string, args ...any) {
		fmt.Fprintf(w, "%12s: %s\n", name, fmt.Sprintf(format, args...))
	}
	if rep.Config != "" {
		field("Config", "%s", rep.Config)
	}
	field("Active", "%s", active(rep, now))
	if rep.PID > 0 {
		field("Main PID", "%d (%s)", rep.PID, mainName(rep))
	}
	if rep.SupervisorPID > 0 {
		field("Supervisor", "%d", rep.SupervisorPID)
	}
	if rep.User != "" {
		field("User", "%s", rep.User)
	}
	if rep.PID > 0 {
		field("Tasks", "%d", len(rep.Processes))
		field("Memory", "%s (private %s)", Size(rep.MemoryRSS), Size(rep.MemoryPrivate))
		field("CPU", "%.3fs", rep.CPUSeconds)
	}
	restarts := fmt.Sprint(rep.Restarts)
	if rep.LastExit != nil {
		restarts += fmt.Sprintf("; last exit: %s, %s", rep.LastExit.How, when(rep.LastExit.At, now))
	}
	field("Restarts", "%s", restarts)
	if rep.Health != "" {
		field("Health", "%s", healthLine(rep, now))
		if rep.HealthOutput != "" {
			fmt.Fprintf(w, "%14s%s\n", "", rep.HealthOutput)
		}
	}
	field("Pidfile", "%s", rep.PidFile)
	field("Log", "%s", rep.LogFile)
	writeTree(w, rep.Processes)
	if len(rep.Log) > 0 {
		fmt.Fprintln(w)
		for _, l := range rep.Log {
			fmt.Fprintln(w, l)
		}
	}
}

// active is the state line: "running since ...; 5min ago".
func active(rep Report, now time.Time) string {
	s := rep.State
	if rep.Detail != "" {
		s += " (" + rep.Detail + ")"
	}
	if rep.Since != nil {
		s += " since " + when(*rep.Since, now)
	}
	return s
}

// when is a time as systemctl shows it, with how long ago.
func when(t, now time.Time) string {
	return t.Format("Mon 2006-01-02 15:04:05 MST") + "; " + Ago(now.Sub(t)) + " ago"
}

// Ago is a duration as status -v and list show it: 5min 3s.
func Ago(d time.Duration) string {
	switch {
	case d < time.Second:
		return fmt.Sprintf("%dms", d.Milliseconds())
	case d < time.Minute:
		return fmt.Sprintf("%ds", int(d.Seconds()))
	case d < time.Hour:
		return fmt.Sprintf("%dmin %ds", int(d.Minutes()), int(d.Seconds())%60)
	case d < 48*time.Hour:
		return fmt.Sprintf("%dh %dmin", int(d.Hours()), int(d.Minutes())%60)
	}
	return fmt.Sprintf("%d days", int(d.Hours()/24))
}

// Size is a byte count as systemctl shows memory: 3.1M.
func Size(b int64) string {
	switch {
	case b >= 1<<30:
		return fmt.Sprintf("%.1fG", float64(b)/(1<<30))
	case b >= 1<<20:
		return fmt.Sprintf("%.1fM", float64(b)/(1<<20))
	}
	return fmt.Sprintf("%.1fK", float64(b)/(1<<10))
}

// mainName is the main process's program name.
func mainName(rep Report) string {
	if len(rep.Processes) == 0 {
		return "?"
	}
	prog, _, _ := strings.Cut(rep.Processes[0].Command, " ")
	return prog[strings.LastIndex(prog, "/")+1:]
}

// writeTree draws the process tree (the daemon first, each process after
// its parent, depth first), as systemctl status draws a cgroup.
func writeTree(w io.Writer, ps []Process) {
	if len(ps) == 0 {
		return
	}
	fmt.Fprintf(w, "%12s:\n", "Processes")
	last := map[int]bool{} // a process is its parent's last child
	seen := map[int]bool{}
	for i := len(ps) - 1; i >= 0; i-- {
		if !seen[ps[i].PPID] || i == 0 {
			last[ps[i].PID] = true
		}
		seen[ps[i].PPID] = true
	}
	parent := map[int]int{}
	for _, p := range ps {
		parent[p.PID] = p.PPID
	}
	for i, p := range ps {
		branch := "├─"
		if last[p.PID] {
			branch = "└─"
		}
		indent := ""
		for a := p.PPID; i > 0 && a != ps[0].PPID; a = parent[a] {
			if last[a] {
				indent = "  " + indent
			} else {
				indent = "│ " + indent
			}
			if a == ps[0].PID {
				break
			}
		}
		fmt.Fprintf(w, "%14s%s%s%d %s\n", "", indent, branch, p.PID, p.Command)
	}
}
