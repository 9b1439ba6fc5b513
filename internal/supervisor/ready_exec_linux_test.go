package supervisor

import (
	"os/exec"
	"syscall"
	"testing"
	"time"

	"github.com/lsbinit/lsbinit/internal/proc"
)

// startDaemon starts name with args in a process group of its own, its
// input a pipe held open, and returns its PID; the group is killed and
// the process reaped when the test ends.
func startDaemon(t *testing.T, name string, args ...string) int {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	in, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Skipf("cannot start %s: %v", name, err)
	}
	t.Cleanup(func() {
		syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		in.Close()
		cmd.Wait()
	})
	return cmd.Process.Pid
}

// waitFor polls cond until it holds, failing the test if it does not
// within testTimeout.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(testTimeout); !cond(); time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within %v", what, testTimeout)
		}
	}
}

// A daemon blocked reading its input settles, looked at as the
// supervisor does (every settlePoll, here on a clock of the test's), and
// not before it is settleMin old and settleQuiet idle.
func TestSettledIdleDaemon(t *testing.T) {
	pid := startDaemon(t, "cat")
	base := time.Now()
	w := &settling{pid: pid, start: base, since: base}
	now := base
	waitFor(t, "cat settles", func() bool {
		now = now.Add(settlePoll)
		return w.settled(now)
	})
	if age, idle := now.Sub(base), now.Sub(w.since); age < settleMin || idle < settleQuiet {
		t.Errorf("settled at age %v, idle for %v; want at least %v and %v", age, idle, settleMin, settleQuiet)
	}
	if wchan := proc.WaitChannel(pid); !waitsForWork(wchan) {
		t.Errorf("cat blocked on its input sleeps in %q, not taken for a wait for work", wchan)
	}
}

// Once idle, a daemon has settled exactly when it is settleMin old and
// has been seen idle for settleQuiet with its CPU clock standing still.
func TestSettledBounds(t *testing.T) {
	pid := startDaemon(t, "cat")
	idle := &settling{pid: pid, start: time.Now(), since: time.Now()}
	now := time.Now()
	waitFor(t, "cat settles", func() bool { now = now.Add(settlePoll); return idle.settled(now) })
	cpu, hour := idle.cpu, time.Hour
	young := &settling{pid: pid, start: now, cpu: cpu, since: now.Add(-hour)}
	if young.settled(now.Add(settleMin-1)) || !young.settled(now.Add(settleMin)) {
		t.Errorf("a daemon younger than settleMin (%v) settled, or one just that old did not", settleMin)
	}
	quiet := &settling{pid: pid, start: now.Add(-hour), cpu: cpu, since: now}
	if quiet.settled(now.Add(settleQuiet-1)) || !quiet.settled(now.Add(settleQuiet)) {
		t.Errorf("a daemon idle for less than settleQuiet (%v) settled, or one idle just that long did not", settleQuiet)
	}
	moved := &settling{pid: pid, start: now.Add(-hour), cpu: cpu + 1, since: now.Add(-hour)}
	if moved.settled(now) {
		t.Error("a daemon whose CPU clock moved since the last look settled")
	}
	if moved.cpu != cpu || !moved.since.Equal(now) {
		t.Errorf("after a moving clock: cpu %v, since %v; want %v, %v", moved.cpu, moved.since, cpu, now)
	}
	if !moved.settled(now.Add(settleQuiet)) {
		t.Error("a daemon idle for settleQuiet after its clock last moved did not settle")
	}
}

// notSettling waits until pid sleeps where waitsForWork sees no wait for
// work, then checks that the daemon, however old and still, has not
// settled, and that the look restarted its quiet time.
func notSettling(t *testing.T, pid int) {
	t.Helper()
	waitFor(t, "the process sleeps on a timer or a child", func() bool {
		return proc.Asleep(pid) && !waitsForWork(proc.WaitChannel(pid))
	})
	cpu, _ := proc.CPUTime(pid)
	now, long := time.Now(), -time.Hour
	w := &settling{pid: pid, start: now.Add(long), cpu: cpu, since: now.Add(long)}
	if w.settled(now) {
		t.Errorf("a process asleep in %q settled", proc.WaitChannel(pid))
	}
	if !w.since.Equal(now) {
		t.Errorf("the quiet time was not restarted: since %v, want %v", w.since, now)
	}
}

// A daemon in a timed sleep (a script's sleep) has not settled.
func TestSettledTimedSleep(t *testing.T) {
	notSettling(t, startDaemon(t, "sleep", "60"))
}

// A shell waiting for the program it ran has not settled.
func TestSettledWaitingForChild(t *testing.T) {
	notSettling(t, startDaemon(t, "sh", "-c", "cat; exit 0")) // "exit": sh forks rather than execs
}

// A daemon that is gone has not settled, and its quiet time restarts.
func TestSettledGone(t *testing.T) {
	cmd := exec.Command("true")
	if err := cmd.Run(); err != nil {
		t.Skip("cannot run true:", err)
	}
	now, long := time.Now(), -time.Hour
	w := &settling{pid: cmd.Process.Pid, start: now.Add(long), since: now.Add(long)}
	if w.settled(now) {
		t.Error("a reaped daemon settled")
	}
	if !w.since.Equal(now) {
		t.Errorf("since %v, want %v", w.since, now)
	}
}

// A stopped daemon (SIGSTOP) has not settled, though its clock stands
// still and it sleeps nowhere that rules out work: it is not asleep.
func TestSettledStopped(t *testing.T) {
	pid := startDaemon(t, "cat")
	if err := syscall.Kill(pid, syscall.SIGSTOP); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "cat stops", func() bool { return proc.State(pid) == "T" })
	cpu, _ := proc.CPUTime(pid)
	now, long := time.Now(), -time.Hour
	w := &settling{pid: pid, start: now.Add(long), cpu: cpu, since: now.Add(long)}
	if w.settled(now) {
		t.Errorf("a stopped daemon (state %q, wchan %q) settled", proc.State(pid), proc.WaitChannel(pid))
	}
}
