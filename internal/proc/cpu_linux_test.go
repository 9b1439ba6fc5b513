package proc

import (
	"os"
	"os/exec"
	"testing"
	"time"
)

// A busy process's CPU clock moves; a sleeping one's stands still; a
// process that is gone has none.
func TestCPUTime(t *testing.T) {
	busy, idle := busyAndIdle(t)
	b0, ok1 := CPUTime(busy.Process.Pid)
	i0, ok2 := CPUTime(idle.Process.Pid)
	if !ok1 || !ok2 {
		t.Fatal("CPUTime of a live process is not readable")
	}
	// However loaded the machine, a busy loop's clock moves on.
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		if b1, _ := CPUTime(busy.Process.Pid); b1 > b0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("a busy loop used no CPU in 10s")
		}
	}
	waitAsleep(t, idle.Process.Pid)
	i0, _ = CPUTime(idle.Process.Pid)
	time.Sleep(50 * time.Millisecond)
	if i1, _ := CPUTime(idle.Process.Pid); i1 != i0 {
		t.Errorf("a sleeping process used %v of CPU", i1-i0)
	}
	self, _ := CPUTime(os.Getpid())
	if self <= 0 {
		t.Errorf("CPUTime(self) = %v", self)
	}
	idle.Process.Kill()
	idle.Wait()
	if _, ok := CPUTime(idle.Process.Pid); ok {
		t.Error("CPUTime of a reaped process is readable")
	}
}

// Asleep: a sleeping process is, a busy one and a gone one are not.
func TestAsleep(t *testing.T) {
	busy, idle := busyAndIdle(t)
	waitAsleep(t, idle.Process.Pid)
	if Asleep(busy.Process.Pid) {
		t.Error("a busy loop is asleep")
	}
	idle.Process.Kill()
	idle.Wait()
	if Asleep(idle.Process.Pid) {
		t.Error("a reaped process is asleep")
	}
}

// waitAsleep waits (up to 10s, however loaded the machine) until pid has
// exec'd and gone to sleep.
func waitAsleep(t *testing.T, pid int) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); !Asleep(pid); time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("pid %d did not go to sleep in 10s", pid)
		}
	}
}

// busyAndIdle starts a process that computes without end and one that
// sleeps; both are killed when the test ends.
func busyAndIdle(t *testing.T) (busy, idle *exec.Cmd) {
	busy = exec.Command("sh", "-c", "while :; do :; done")
	idle = exec.Command("sleep", "30")
	for _, c := range []*exec.Cmd{busy, idle} {
		if err := c.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Process.Kill(); c.Wait() })
	}
	return busy, idle
}
