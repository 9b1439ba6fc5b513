//go:build unix

package actionlock

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// held is the lock of the holder process.
var held *Lock

// A re-executed test binary with LOCKHOLDER=path takes the lock, says so
// on stdout and waits to be killed.
func TestMain(m *testing.M) {
	if path := os.Getenv("LOCKHOLDER"); path != "" {
		var err error
		// Held in a package variable: a lock nothing refers to is closed
		// by the file's finalizer, which would release it.
		if held, err = Acquire(path, "start", -1, nil); err != nil {
			fmt.Println(err)
			os.Exit(1)
		}
		fmt.Println("locked")
		for { // not select{}: with no other goroutine, that is a fatal deadlock
			time.Sleep(time.Hour)
		}
	}
	os.Exit(m.Run())
}

func TestMutualExclusion(t *testing.T) {
	path := filepath.Join(t.TempDir(), "svc.pid.lsbinit.lock")
	var inside, most atomic.Int32
	var wg sync.WaitGroup
	for range 16 {
		wg.Go(func() {
			for range 20 {
				l, err := Acquire(path, "restart", time.Minute, nil)
				if err != nil {
					t.Error(err)
					return
				}
				n := inside.Add(1)
				if n > most.Load() {
					most.Store(n)
				}
				time.Sleep(50 * time.Microsecond)
				inside.Add(-1)
				l.Release()
			}
		})
	}
	wg.Wait()
	if most.Load() != 1 {
		t.Fatalf("%d holders at once, want 1", most.Load())
	}
	if _, err := os.Lstat(path); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("lock file left behind: %v", err)
	}
}

// holder starts a process that holds the lock at path.
func holder(t *testing.T, path string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "LOCKHOLDER="+path)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	buf := make([]byte, 64)
	n, _ := out.Read(buf)
	if strings.TrimSpace(string(buf[:n])) != "locked" {
		t.Fatalf("holder: %q", buf[:n])
	}
	return cmd
}

// The kernel drops the lock of a killed holder: the waiter gets it.
func TestKilledHolderReleases(t *testing.T) {
	path := filepath.Join(t.TempDir(), "lock")
	cmd := holder(t, path)
	got := make(chan error, 1)
	go func() {
		l, err := Acquire(path, "stop", time.Minute, nil)
		if err == nil {
			l.Release()
		}
		got <- err
	}()
	select {
	case err := <-got:
		t.Fatalf("acquired while held: %v", err)
	case <-time.After(200 * time.Millisecond):
	}
	cmd.Process.Signal(syscall.SIGKILL)
	if err := <-got; err != nil {
		t.Fatal(err)
	}
}

// A holder that keeps the lock past the bound makes the waiter fail with
// ErrBusy, naming the holder; the abandoned wait takes nothing later.
func TestBoundNamesHolder(t *testing.T) {
	path := filepath.Join(t.TempDir(), "lock")
	cmd := holder(t, path)
	var seen Holder
	_, err := Acquire(path, "stop", 150*time.Millisecond, func(h Holder, _ time.Duration) { seen = h })
	if !errors.Is(err, ErrBusy) {
		t.Fatalf("err = %v, want ErrBusy", err)
	}
	if seen.PID != cmd.Process.Pid || seen.Action != "start" {
		t.Fatalf("waiting saw %+v, want pid %d start", seen, cmd.Process.Pid)
	}
	if !strings.Contains(err.Error(), fmt.Sprintf("pid %d", cmd.Process.Pid)) {
		t.Fatalf("error does not name the holder: %v", err)
	}
	if h, ok := Holding(path); !ok || h.PID != cmd.Process.Pid {
		t.Fatalf("Holding = %+v, %v", h, ok)
	}
	cmd.Process.Kill()
	cmd.Wait()
	l, err := Acquire(path, "start", time.Second, nil)
	if err != nil {
		t.Fatalf("after the holder died: %v", err)
	}
	l.Release()
	if _, ok := Holding(path); ok {
		t.Fatal("Holding reports a holder after release")
	}
}

func TestRefusesForeignFiles(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "target")
	os.WriteFile(target, nil, 0o600)
	link := filepath.Join(dir, "link")
	os.Symlink(target, link)
	if _, err := Acquire(link, "start", time.Second, nil); !errors.Is(err, ErrInsecure) {
		t.Errorf("symlink: err = %v, want ErrInsecure", err)
	}
	hard := filepath.Join(dir, "hard")
	os.Link(target, hard)
	if _, err := Acquire(hard, "start", time.Second, nil); !errors.Is(err, ErrInsecure) {
		t.Errorf("hard link: err = %v, want ErrInsecure", err)
	}
	open := filepath.Join(dir, "open")
	os.WriteFile(open, nil, 0o600)
	os.Chmod(open, 0o666)
	if _, err := Acquire(open, "start", time.Second, nil); !errors.Is(err, ErrInsecure) {
		t.Errorf("world-writable: err = %v, want ErrInsecure", err)
	}
}
