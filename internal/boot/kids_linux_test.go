package boot

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// zombies lists this process's children that have ended unreaped.
func zombies(t *testing.T) []int {
	t.Helper()
	tasks, _ := filepath.Glob("/proc/self/task/*/children")
	var out []int
	for _, task := range tasks {
		b, _ := os.ReadFile(task)
		for _, f := range strings.Fields(string(b)) {
			stat, err := os.ReadFile("/proc/" + f + "/stat")
			if err != nil {
				continue
			}
			s := string(stat)
			if fields := strings.Fields(s[strings.LastIndexByte(s, ')')+1:]); len(fields) > 0 && fields[0] == "Z" {
				pid, _ := strconv.Atoi(f)
				out = append(out, pid)
			}
		}
	}
	return out
}

// The reaper reaps orphans handed to a subreaper, and leaves the commands
// an action waits for to their own Wait, which gets their real status.
func TestReaperReapsOrphansNotCommands(t *testing.T) {
	if err := becomeReaper(); err != nil {
		t.Skipf("no subreaper here: %v", err)
	}
	defer unix.Prctl(unix.PR_SET_CHILD_SUBREAPER, 0, 0, 0, 0)
	b := &boot{kids: newKids()}
	b.kids.reapOnSignal()
	for i := 0; i < 20; i++ {
		// The shell exits at once; its background sleep is orphaned to us.
		if err := b.runCommand(exec.Command("sh", "-c", "sleep 0.05 & exit 0")); err != nil {
			t.Fatal(err)
		}
		err := b.runCommand(exec.Command("sh", "-c", "exit 3"))
		var ee *exec.ExitError
		if !errors.As(err, &ee) || ee.ExitCode() != 3 {
			t.Fatalf("the command's own Wait got %v, want exit status 3", err)
		}
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		// Reaped orphans leave no children at all.
		z := zombies(t)
		if len(z) == 0 && len(childrenOf(t)) == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("zombies left: %v; children: %v", z, childrenOf(t))
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func childrenOf(t *testing.T) []string {
	tasks, _ := filepath.Glob("/proc/self/task/*/children")
	var out []string
	for _, task := range tasks {
		b, _ := os.ReadFile(task)
		out = append(out, strings.Fields(string(b))...)
	}
	return out
}
