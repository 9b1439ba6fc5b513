package initd

import (
	"context"
	"fmt"
	"github.com/lsbinit/lsbinit/internal/daemon"
	"os/exec"
	"strings"

	"github.com/lsbinit/lsbinit/internal/exitcode"
	"github.com/lsbinit/lsbinit/internal/proc"
)

// checkConfig runs the service's own configuration check (Check, then
// CheckCommand). On failure its output is shown and the error maps to 6,
// "program is not configured", before anything running is touched.
func (r *runner) checkConfig() error {
	c := r.c
	if r.checked {
		return nil // restart checks once, not again in its start
	}
	if c.Check != nil {
		if err := c.Check(); err != nil {
			return exitcode.Fail(exitcode.NotConfigured, "%s: configuration check failed: %v", c.Name, err)
		}
	}
	if len(c.CheckCommand) == 0 {
		r.checked = true
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), c.StartTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, c.CheckCommand[0], c.CheckCommand[1:]...)
	cmd.Env, cmd.Dir = daemon.Environ(c.Env), c.Dir
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &out
	err := r.runCommand(cmd)
	if err == nil {
		r.checked = true
		return nil
	}
	if s := strings.TrimRight(out.String(), "\n"); s != "" {
		fmt.Fprintln(c.Stderr, s)
	}
	why := proc.DescribeExit(err)
	if ctx.Err() != nil {
		why = "did not finish within " + c.StartTimeout.String()
	}
	return exitcode.Fail(exitcode.NotConfigured, "%s: CHECK_CMD %s %s; leaving the service as it is",
		c.Name, strings.Join(c.CheckCommand, " "), why)
}
