package scripttest

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync/atomic"
	"time"

	"github.com/rogpeppe/go-internal/testscript"
)

// tempgroup VAR USER: create a group whose only member is USER (groupadd
// -U), set $VAR to its gid, and delete the group (groupdel) when the
// script ends, even when it fails. It needs root. It exists for the tests
// of initgroups: a fresh Debian system has no user with a supplementary
// group. USER's entry is left as it was (only the new group lists it), but
// while the group exists USER's groups change for every script running
// meanwhile: give a user no other script runs as (not nobody). The name,
// lsbinit-test-PID-N, is unique on the machine, so concurrent test runs
// do not collide.

var tempGroups atomic.Int32

func cmdTempgroup(ts *testscript.TestScript, neg bool, args []string) {
	noNeg(ts, neg, "tempgroup")
	if len(args) != 2 {
		ts.Fatalf("usage: tempgroup VAR USER")
	}
	name := fmt.Sprintf("lsbinit-test-%d-%d", os.Getpid(), tempGroups.Add(1))
	var out []byte
	var err error
	for range 50 {
		out, err = exec.Command("groupadd", "-U", args[1], name).CombinedOutput()
		var ee *exec.ExitError
		if !errors.As(err, &ee) || ee.ExitCode() != 10 { // 10: /etc/group is locked
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if err != nil {
		ts.Fatalf("groupadd -U %s %s: %v\n%s", args[1], name, err, out)
	}
	ts.Defer(func() {
		if out, err := exec.Command("groupdel", name).CombinedOutput(); err != nil {
			ts.Logf("groupdel %s: %v\n%s", name, err, out)
		}
	})
	out, err = exec.Command("getent", "group", name).Output()
	ts.Check(err)
	f := strings.Split(strings.TrimSpace(string(out)), ":")
	if len(f) < 3 {
		ts.Fatalf("getent group %s: %q", name, out)
	}
	ts.Setenv(args[0], f[2])
}
