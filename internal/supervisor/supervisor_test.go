package supervisor

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/lsbinit/lsbinit/internal/ready"
	"github.com/lsbinit/lsbinit/internal/runstate"
	"github.com/lsbinit/lsbinit/internal/spec"
)

// A Supervisor owns its process: it catches signals, becomes a subreaper
// and reaps every child. So each test below runs one in a re-executed
// test binary (the case named by caseEnv, in a directory of its own), and
// drives it through its Go API: Start, then signals put on sv.sigs as
// the runtime would, then Loop. The daemon is a real /bin/sh.

const caseEnv = "SUPERVISOR_TEST_CASE"

func TestMain(m *testing.M) {
	if name := os.Getenv(caseEnv); name != "" {
		os.Exit(cases[name](os.Getenv("SUPERVISOR_TEST_DIR")))
	}
	os.Exit(m.Run())
}

// cases run in the re-executed binary; each returns its exit status,
// which the test checks, after printing what went wrong, if anything.
var cases = map[string]func(dir string) int{
	"stop":          caseStop,
	"ends":          caseEnds,
	"respawn":       caseRespawn,
	"reload-kills":  caseReloadKills,
	"reload-lives":  caseReloadLives,
	"start-timeout": caseStartTimeout,
	// healthcase_test.go
	"health-restart": caseHealthRestart,
	"health-stop":    caseHealthStop,
}

// runCase runs a case and returns its output, failing unless it exits
// with want.
func runCase(t *testing.T, name string, want int) string {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), caseEnv+"="+name, "SUPERVISOR_TEST_DIR="+t.TempDir())
	out, err := cmd.CombinedOutput()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	if code != want {
		t.Errorf("case %s exited %d, want %d; output:\n%s", name, code, want, out)
	}
	return string(out)
}

// service is a spec of a /bin/sh daemon running script, with its files
// in dir.
func service(dir, script string) *spec.Spec {
	s := spec.New("svc")
	s.Path, s.Args = "/bin/sh", []string{"-c", script}
	s.PidFile, s.LogFile = filepath.Join(dir, "svc.pid"), filepath.Join(dir, "svc.log")
	if err := s.Complete(); err != nil {
		panic(err)
	}
	return s
}

// started makes and starts the supervisor of s, or says why it did not.
func started(s *spec.Spec) (*Supervisor, bool) {
	sv := New(s)
	if err := sv.Start(); err != nil {
		fmt.Println("start:", err)
		return nil, false
	}
	return sv, true
}

// sidecar reads the supervisor's record, or exits the case.
func sidecar(s *spec.Spec) *runstate.State {
	st, err := runstate.Read(s.StateFile())
	if err != nil {
		fmt.Println("sidecar:", err)
		os.Exit(100)
	}
	return st
}

// awaitSidecar polls the sidecar until ok holds, for a bounded while.
func awaitSidecar(s *spec.Spec, ok func(*runstate.State) bool) *runstate.State {
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if st, err := runstate.Read(s.StateFile()); err == nil && ok(st) {
			return st
		}
	}
	fmt.Println("the sidecar never got there:", sidecar(s))
	os.Exit(101)
	return nil
}

// TestSupervisorStop: a started daemon is recorded in the pidfile and the
// sidecar; a TERM ends it, and every file the start made is gone.
func TestSupervisorStop(t *testing.T) { runCase(t, "stop", 0) }

func caseStop(dir string) int {
	s := service(dir, "sleep 30")
	sv, ok := started(s)
	if !ok {
		return 90
	}
	pid := sv.DaemonPID()
	st := sidecar(s)
	data, _ := os.ReadFile(s.PidFile)
	if st.Phase != runstate.Ready || st.Daemon != pid || strings.TrimSpace(string(data)) != fmt.Sprint(pid) {
		fmt.Printf("after start: phase %s, sidecar pid %d, pidfile %q, daemon %d\n", st.Phase, st.Daemon, data, pid)
		return 91
	}
	sv.sigs <- unix.SIGTERM
	if code := sv.Loop(); code != 0 {
		fmt.Println("Loop returned", code)
		return 92
	}
	if unix.Kill(pid, 0) == nil {
		fmt.Println("the daemon survived the stop")
		return 93
	}
	for _, f := range []string{s.PidFile, s.StateFile()} {
		if _, err := os.Lstat(f); err == nil {
			fmt.Println("left behind:", f)
			return 94
		}
	}
	return 0
}

// TestSupervisorDaemonEnds: a daemon that ends by itself, not respawned,
// ends the loop with its own status; the sidecar says how it ended and
// the pidfile stays (status: dead, pidfile exists).
func TestSupervisorDaemonEnds(t *testing.T) {
	if out := runCase(t, "ends", 3); out != "" {
		t.Errorf("output: %s", out)
	}
}

func caseEnds(dir string) int {
	s := service(dir, "sleep 0.5; exit 3")
	sv, ok := started(s)
	if !ok {
		return 90
	}
	code := sv.Loop()
	st := sidecar(s)
	if st.Phase != runstate.Exited || !strings.Contains(st.Exit, "3") {
		fmt.Printf("sidecar: phase %s, exit %q\n", st.Phase, st.Exit)
		return 91
	}
	if _, err := os.Stat(s.PidFile); err != nil {
		fmt.Println("the pidfile went:", err)
		return 92
	}
	return code
}

// TestSupervisorRespawn: with RESPAWN=on-failure a failing daemon is
// started again after the back-off, counted in the sidecar.
func TestSupervisorRespawn(t *testing.T) { runCase(t, "respawn", 0) }

func caseRespawn(dir string) int {
	s := service(dir, "sleep 0.5; exit 1")
	s.Respawn = spec.RespawnOnFailure
	sv, ok := started(s)
	if !ok {
		return 90
	}
	first := sv.DaemonPID()
	go func() {
		awaitSidecar(s, func(st *runstate.State) bool { return st.Respawns >= 2 && st.Daemon != first })
		sv.sigs <- unix.SIGTERM
	}()
	if code := sv.Loop(); code != 0 {
		fmt.Println("Loop returned", code)
		return 91
	}
	return 0
}

// TestSupervisorReloadKills: a reload signal that kills a daemon which
// reports nothing fails the reload, with how the daemon ended.
func TestSupervisorReloadKills(t *testing.T) { runCase(t, "reload-kills", 0) }

func caseReloadKills(dir string) int {
	s := service(dir, "exec sleep 30") // SIGHUP ends sleep
	sv, ok := started(s)
	if !ok {
		return 90
	}
	sv.sigs <- unix.SIGHUP
	if code := sv.Loop(); code != 128+int(syscall.SIGHUP) {
		fmt.Println("Loop returned", code)
		return 91
	}
	st := sidecar(s)
	if st.Reloads != 1 || !strings.Contains(st.ReloadError, "of the reload signal") {
		fmt.Printf("sidecar: reloads %d, error %q\n", st.Reloads, st.ReloadError)
		return 92
	}
	return 0
}

// TestSupervisorReloadLives: a daemon that outlives ReloadGrace after the
// signal has reloaded; the reload is counted without an error.
func TestSupervisorReloadLives(t *testing.T) { runCase(t, "reload-lives", 0) }

func caseReloadLives(dir string) int {
	s := service(dir, `trap 'echo reloaded' HUP; while :; do sleep 0.1; done`)
	sv, ok := started(s)
	if !ok {
		return 90
	}
	sv.sigs <- unix.SIGHUP
	go func() {
		awaitSidecar(s, func(st *runstate.State) bool { return st.Reloads == 1 })
		sv.sigs <- unix.SIGTERM
	}()
	if code := sv.Loop(); code != 0 {
		fmt.Println("Loop returned", code)
		return 91
	}
	log, _ := os.ReadFile(s.LogFile)
	if !strings.Contains(string(log), "reloaded") {
		fmt.Printf("the daemon never got the signal; log:\n%s", log)
		return 92
	}
	return 0
}

// TestSupervisorStartTimeout: a daemon that is never ready within
// START_TIMEOUT fails the start (exit 1), is stopped, and leaves nothing.
func TestSupervisorStartTimeout(t *testing.T) { runCase(t, "start-timeout", 0) }

func caseStartTimeout(dir string) int {
	s := service(dir, "sleep 30")
	never := filepath.Join(dir, "never")
	s.Ready, s.StartTimeout = ready.Spec{Kind: ready.File, Path: never}, 500*time.Millisecond
	sv := New(s)
	err := sv.Start()
	if err == nil {
		fmt.Println("start succeeded")
		return 90
	}
	for _, f := range []string{s.PidFile, s.StateFile()} {
		if _, err := os.Lstat(f); err == nil {
			fmt.Println("left behind:", f)
			return 91
		}
	}
	if sv.d.dead != true {
		fmt.Println("the unready daemon was not reaped")
		return 92
	}
	return 0
}
