package daemon

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"golang.org/x/sys/unix"
)

// HealthEnv names a Go daemon's end of its health channel: a socket pair
// whose other end its supervisor keeps. The supervisor writes one request
// per health check (HealthRequest); the daemon runs the program's Health
// and answers on the same socket (ServeHealth), so that the check runs
// inside the daemon and sees its state (README, "Health checks").
const HealthEnv = "_LSBINIT_HEALTH"

// HealthPair makes a health channel: the supervisor's end, non-blocking
// for the runtime's poller, and the daemon's, to pass with PassFile.
// Both are closed on exec.
func HealthPair() (supervisor, daemon *os.File, err error) {
	fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM, 0)
	if err != nil {
		return nil, nil, fmt.Errorf("the health channel: %w", err)
	}
	unix.CloseOnExec(fds[0])
	unix.CloseOnExec(fds[1])
	unix.SetNonblock(fds[0], true)
	return os.NewFile(uintptr(fds[0]), "health"), os.NewFile(uintptr(fds[1]), "health"), nil
}

// HealthRequest is the line that asks for check number seq, which may
// take timeout.
func HealthRequest(seq int, timeout time.Duration) string {
	return fmt.Sprintf("check %d %d\n", seq, timeout.Nanoseconds())
}

// ParseHealthAnswer reads the daemon's answer to check seq: nil when it
// passed, its error otherwise. ok is false for a line that answers no
// check.
func ParseHealthAnswer(line string) (seq int, err error, ok bool) {
	n, rest, _ := strings.Cut(line, " ")
	seq, perr := strconv.Atoi(n)
	if perr != nil {
		return 0, nil, false
	}
	if rest == "ok" {
		return seq, nil, true
	}
	why, failed := strings.CutPrefix(rest, "error: ")
	if !failed {
		return 0, nil, false
	}
	return seq, errors.New(why), true
}

// ServeHealth, in a Go daemon, answers its supervisor's requests on f
// until f ends: each runs check with a context cancelled after the
// request's timeout, one at a time. A check that fails after its context
// was cancelled by the timeout answers "timed out after D".
func ServeHealth(f *os.File, check func(ctx context.Context) error) {
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var seq int
		var timeout time.Duration
		if _, err := fmt.Sscanf(sc.Text(), "check %d %d", &seq, &timeout); err != nil {
			continue
		}
		answer := strconv.Itoa(seq) + " ok\n"
		if err := runHealth(check, timeout); err != nil {
			answer = strconv.Itoa(seq) + " error: " + strings.Join(strings.Fields(err.Error()), " ") + "\n"
		}
		if _, err := io.WriteString(f, answer); err != nil {
			return
		}
	}
}

// runHealth runs check with a context cancelled after timeout.
func runHealth(check func(ctx context.Context) error, timeout time.Duration) error {
	if check == nil {
		return errors.New("no Health function")
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	err := check(ctx)
	if err != nil && errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return fmt.Errorf("timed out after %v", timeout)
	}
	return err
}
