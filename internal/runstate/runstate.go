// Package runstate is the sidecar protocol that the resident supervisor
// and the processes of the actions share: the file PIDFILE.lsbinit, where
// the supervisor records who it is, which daemon it runs and how far that
// daemon got, and the careful reading and writing of lsbinit's own small
// files that it rests on.
package runstate

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"unicode/utf8"

	"golang.org/x/sys/unix"
)

// State is the supervisor's sidecar record. The start times are opaque
// tokens (0 where the platform has none) that tell a process from a later
// one that reused its PID.
type State struct {
	Supervisor      int
	SupervisorStart uint64
	Daemon          int
	DaemonStart     uint64
	Phase           string // starting, ready, stopping, exited
	Exit            string // how the daemon ended, for phase exited

	// Reloads counts the reloads the supervisor has seen through (-1
	// when the sidecar does not count them: an older supervisor), and
	// ReloadError is how the last one failed, if it did.
	Reloads     int
	ReloadError string

	// Control is the address of the supervisor's control socket, where
	// restart asks it to replace the daemon in place ("" for none).
	Control string
	// Next and NextStart name a new daemon started beside the current
	// one during an overlapping restart, until it takes over.
	Next      int
	NextStart uint64

	// What status -v tells: when the daemon started (Unix milliseconds),
	// how often RESPAWN has started it again, how the last one ended by
	// itself and when, and when the next respawn is due (while
	// respawning).
	Started    int64
	Respawns   int
	LastExit   string
	LastExitAt int64
	RetryAt    int64

	// The health check (README, "Health checks"): Health is "" when the
	// service has none, else pending (no result yet for this daemon),
	// healthy or unhealthy; HealthFails counts the checks failed in a
	// row, HealthAt is when the last one ended (Unix milliseconds) and
	// HealthOutput what it said (see Output).
	Health       string
	HealthFails  int
	HealthAt     int64
	HealthOutput string
}

// MaxOutput bounds HealthOutput, in bytes.
const MaxOutput = 1024

// Output is s as the sidecar keeps a check's output: on one line, at most
// MaxOutput bytes, a cut marked with "...".
func Output(s string) string { return capped(oneLine(s), MaxOutput-3) }

// The phases a supervisor records, in the order a daemon goes through them.
const (
	Starting   = "starting"
	Ready      = "ready"
	Stopping   = "stopping"
	Exited     = "exited"
	Respawning = "respawning" // dead, to be restarted after a back-off
	Restarting = "restarting" // being replaced in place, sockets held
)

func (s *State) Encode() []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "supervisor=%d\nsupervisor_start=%d\n", s.Supervisor, s.SupervisorStart)
	fmt.Fprintf(&b, "daemon=%d\ndaemon_start=%d\nphase=%s\n", s.Daemon, s.DaemonStart, s.Phase)
	// Before anything long: Read looks at the first 4 KiB only.
	if s.Control != "" {
		fmt.Fprintf(&b, "control=%s\n", oneLine(s.Control))
	}
	if s.Next != 0 {
		fmt.Fprintf(&b, "next=%d\nnext_start=%d\n", s.Next, s.NextStart)
	}
	fmt.Fprintf(&b, "started=%d\nrespawns=%d\n", s.Started, s.Respawns)
	if s.LastExit != "" {
		fmt.Fprintf(&b, "last_exit=%s\nlast_exit_at=%d\n", oneLine(s.LastExit), s.LastExitAt)
	}
	if s.RetryAt != 0 {
		fmt.Fprintf(&b, "retry_at=%d\n", s.RetryAt)
	}
	if s.Exit != "" {
		fmt.Fprintf(&b, "exit=%s\n", s.Exit)
	}
	fmt.Fprintf(&b, "reloads=%d\n", s.Reloads)
	if s.ReloadError != "" {
		fmt.Fprintf(&b, "reload_error=%s\n", capped(oneLine(s.ReloadError), 1024))
	}
	if s.Health != "" {
		fmt.Fprintf(&b, "health=%s\nhealth_fails=%d\nhealth_at=%d\n", oneLine(s.Health), s.HealthFails, s.HealthAt)
		if s.HealthOutput != "" {
			fmt.Fprintf(&b, "health_output=%s\n", capped(oneLine(s.HealthOutput), MaxOutput))
		}
	}
	return b.Bytes()
}

// Write replaces the sidecar at path atomically (a new file renamed over the
// old one, created exclusively, so a planted symlink is never followed).
func Write(path string, s *State) error {
	return WriteAtomic(path, s.Encode())
}

// Read reads the sidecar at path; a missing, foreign or malformed file yields
// an error and is never trusted.
func Read(path string) (*State, error) {
	f, err := OpenTrusted(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	s := &State{Reloads: -1}
	sc := bufio.NewScanner(io.LimitReader(f, 4096))
	for sc.Scan() {
		k, v, _ := strings.Cut(sc.Text(), "=")
		switch k {
		case "supervisor":
			s.Supervisor, _ = strconv.Atoi(v)
		case "supervisor_start":
			s.SupervisorStart, _ = strconv.ParseUint(v, 10, 64)
		case "daemon":
			s.Daemon, _ = strconv.Atoi(v)
		case "daemon_start":
			s.DaemonStart, _ = strconv.ParseUint(v, 10, 64)
		case "phase":
			s.Phase = v
		case "exit":
			s.Exit = v
		case "reloads":
			s.Reloads, _ = strconv.Atoi(v)
		case "reload_error":
			s.ReloadError = v
		case "control":
			s.Control = v
		case "next":
			s.Next, _ = strconv.Atoi(v)
		case "next_start":
			s.NextStart, _ = strconv.ParseUint(v, 10, 64)
		default:
			s.readReport(k, v)
		}
	}
	if s.Supervisor < 2 {
		return nil, fmt.Errorf("%s: malformed state file", path)
	}
	return s, nil
}

// OpenTrusted opens one of lsbinit's own small files for reading, without
// following a symlink, and only if it is a regular file owned by us (or
// root) that nobody else can write.
func OpenTrusted(path string) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_RDONLY|unix.O_NOFOLLOW|unix.O_NONBLOCK, 0)
	if err != nil {
		return nil, err
	}
	info, err := f.Stat()
	if err == nil && !trustworthy(info) {
		err = fmt.Errorf("%s: not a trustworthy file", path)
	}
	if err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}

// trustworthy: a regular file of ours or root's that others cannot write.
func trustworthy(info os.FileInfo) bool {
	if !info.Mode().IsRegular() || info.Mode().Perm()&0o022 != 0 {
		return false
	}
	st, ok := info.Sys().(*syscall.Stat_t)
	return !ok || int(st.Uid) == os.Geteuid() || st.Uid == 0
}

// WriteAtomic replaces path with data (mode 0644): a new file, created
// exclusively so a planted symlink is never followed, renamed over it.
func WriteAtomic(path string, data []byte) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if err == nil {
		err = f.Chmod(0o644)
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), path)
	}
	if err != nil {
		os.Remove(f.Name())
	}
	return err
}

// oneLine folds s onto one line, as the sidecar's values must be.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// capped cuts s to at most n bytes, on a rune boundary, marking the cut.
func capped(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "..."
}

// readReport reads the fields status -v tells, and the health check's.
func (s *State) readReport(k, v string) {
	switch k {
	case "started":
		s.Started, _ = strconv.ParseInt(v, 10, 64)
	case "respawns":
		s.Respawns, _ = strconv.Atoi(v)
	case "last_exit":
		s.LastExit = v
	case "last_exit_at":
		s.LastExitAt, _ = strconv.ParseInt(v, 10, 64)
	case "retry_at":
		s.RetryAt, _ = strconv.ParseInt(v, 10, 64)
	case "health":
		s.Health = v
	case "health_fails":
		s.HealthFails, _ = strconv.Atoi(v)
	case "health_at":
		s.HealthAt, _ = strconv.ParseInt(v, 10, 64)
	case "health_output":
		s.HealthOutput = v
	}
}
