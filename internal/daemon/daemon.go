package daemon

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"sync"
	"syscall"

	godaemon "github.com/sevlyar/go-daemon"

	"github.com/lsbinit/lsbinit/internal/exitcode"
)

// verdictPrefix starts the last line a child writes to its parent.
const verdictPrefix = "\x00lsbinit-verdict "

// IsChild reports whether this process was started by Spawn.
func IsChild() bool { return godaemon.WasReborn() }

// spawnMu serialises Spawn: go-daemon passes the child its stderr through
// the package variable os.Stderr, which Spawn swaps for a pipe.
var spawnMu sync.Mutex

// Child is the parent's view of a spawned child.
type Child struct {
	Process *os.Process
	r       *os.File
}

// Spawn re-executes the program (args[0] is passed as argv[0]) in a new
// session, stdin on /dev/null and stdout and stderr on a pipe read by the
// returned Child. The child starts in the caller's working directory, so
// relative paths in args mean what they meant to the caller; it should
// change to "/" once it has read what it needs.
func Spawn(args, env []string) (*Child, error) {
	r, w, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	ctx := &godaemon.Context{
		LogFileName: "/dev/stderr",
		Args:        args,
		Env:         env,
	}
	spawnMu.Lock()
	saved := os.Stderr
	os.Stderr = w // go-daemon hands os.Stderr to the child and closes it.
	p, err := ctx.Reborn()
	os.Stderr = saved
	spawnMu.Unlock()
	w.Close()
	if p != nil && errors.Is(err, syscall.EPIPE) {
		// go-daemon writes "\n\n" after the context; a quick child has
		// already decoded the context and closed that pipe. Whether the
		// child really lives is told by the verdict pipe.
		err = nil
	}
	if err != nil {
		r.Close()
		return nil, fmt.Errorf("starting the background process: %w", err)
	}
	return &Child{Process: p, r: r}, nil
}

// Wait copies the child's messages to msgs until the child gives its
// verdict or closes the pipe. It returns the verdict, or ok=false when the
// child closed the pipe without one (it died).
func (c *Child) Wait(msgs io.Writer) (code exitcode.Code, ok bool) {
	defer c.r.Close()
	return ReadVerdict(c.r, msgs)
}

// ReadVerdict copies the messages on r to msgs until the verdict a
// WriteVerdict wrote, and returns it; ok is false when r ended first.
func ReadVerdict(r io.Reader, msgs io.Writer) (code exitcode.Code, ok bool) {
	br := bufio.NewReader(r)
	for {
		line, err := br.ReadString('\n')
		if v, found := strings.CutPrefix(line, verdictPrefix); found {
			n, perr := strconv.Atoi(strings.TrimSpace(v))
			return exitcode.Code(n), perr == nil
		}
		if line != "" {
			io.WriteString(msgs, line)
		}
		if err != nil {
			return 0, false
		}
	}
}

// WriteVerdict ends the messages on w with the verdict code.
func WriteVerdict(w io.Writer, code exitcode.Code) error {
	_, err := fmt.Fprintf(w, "%s%d\n", verdictPrefix, code)
	return err
}

// Init finishes the child's side of Spawn: it reads the context go-daemon
// sends, puts stdin on /dev/null and removes the _GO_DAEMON marker from the
// environment. It must be called once, early, in the child.
func Init() error {
	ctx := &godaemon.Context{}
	_, err := ctx.Reborn()
	os.Unsetenv(godaemon.MARK_NAME)
	if err != nil {
		return fmt.Errorf("initialising the background process: %w", err)
	}
	return nil
}

// Verdict sends the child's final answer to the parent and detaches the
// child from the parent's pipe: stdout and stderr move to /dev/null, so the
// parent (and whatever reads the parent's output) sees end-of-file.
func Verdict(code exitcode.Code) error {
	WriteVerdict(os.Stderr, code)
	return detach()
}
