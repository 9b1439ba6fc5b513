// Package selftest proves LSB conformance on the machine it runs on.
//
// `lsbinit selftest [-v] [-keep]` runs the LSB action × state matrix
// against a built-in test daemon in a scratch directory and prints one
// table row per case: its name, the expected and the actual exit codes,
// PASS or FAIL, and how long it took; then a line "N passed, M failed".
// It exits 0 only when every row passed.
//
// Nothing but the lsbinit binary is needed: the test daemon is the same
// binary re-executed as `lsbinit selftest daemon [flags]`, and every
// action runs the binary as a subprocess, `lsbinit -c CONF ACTION`,
// exactly as an operator would. Every process the selftest caused is
// killed at the end, whatever happened.
package selftest

import (
	"context"
	"flag"
	"fmt"
	"github.com/lsbinit/lsbinit/internal/exitcode"
	"github.com/lsbinit/lsbinit/internal/initd"
	"io"
	"os"
	"os/signal"
	"strings"
	"time"

	"golang.org/x/sys/unix"
)

// Main is `lsbinit selftest`.
func Main(args []string, getenv func(string) string, stdout, stderr io.Writer) exitcode.Code {
	var err error
	if len(args) > 0 && args[0] == "daemon" {
		err = daemonMain(args[1:], stdout, stderr)
	} else {
		err = selftest(args, getenv, stdout, stderr)
	}
	// The one place an error becomes an exit code: printed unless it was
	// reported already.
	if e, ok := err.(*exitcode.Error); err != nil && !(ok && e.Err == nil) {
		fmt.Fprintln(stderr, err)
	}
	return exitcode.Of(err)
}

// selftest runs the table. Its error carries the exit code: Usage for a
// bad command line (which the flag package reported), Failed when a row
// failed (the table says which) or the suite could not be set up.
func selftest(args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("lsbinit selftest", flag.ContinueOnError)
	fs.SetOutput(stderr)
	verbose := fs.Bool("v", false, "print every command run, its exit code and output")
	keep := fs.Bool("keep", false, "keep the scratch directory (its path is printed)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: lsbinit selftest [-v] [-keep]")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return exitcode.Reported(exitcode.Usage)
	}
	if fs.NArg() > 0 {
		fs.Usage()
		return exitcode.Reported(exitcode.Usage)
	}
	s, err := newSuite(getenv, *verbose)
	if err != nil {
		return exitcode.Fail(exitcode.Failed, "lsbinit selftest: %w", err)
	}
	// An interrupted selftest stops after the current row and cleans up.
	ctx, stop := signal.NotifyContext(context.Background(), unix.SIGINT, unix.SIGTERM, unix.SIGHUP)
	defer stop()
	s.ctx = ctx
	defer s.finish(*keep, stdout)
	if !s.run(stdout) {
		return exitcode.Reported(exitcode.Failed)
	}
	return nil
}

// newSuite finds the running binary and makes the scratch directory (mode
// 0700) in $TMPDIR, or the system's temporary directory.
func newSuite(getenv func(string) string, verbose bool) (*suite, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, fmt.Errorf("cannot find the lsbinit binary: %v", err)
	}
	tmp := getenv("TMPDIR")
	if tmp == "" {
		tmp = os.TempDir()
	}
	root, err := os.MkdirTemp(tmp, "lsbinit-selftest-")
	if err != nil {
		return nil, fmt.Errorf("scratch directory: %v", err)
	}
	if err := os.Chmod(root, 0o700); err != nil {
		os.RemoveAll(root)
		return nil, fmt.Errorf("scratch directory: %v", err)
	}
	return &suite{ctx: context.Background(), exe: exe, root: root, verbose: verbose}, nil
}

// finish kills every process the selftest left and removes the scratch
// directory, unless keep.
func (s *suite) finish(keep bool, stdout io.Writer) {
	s.killUnder(s.root)
	if keep {
		fmt.Fprintf(stdout, "scratch directory kept: %s\n", s.root)
		return
	}
	os.RemoveAll(s.root)
}

// result is the outcome of one row.
type result struct {
	err  error
	got  string
	took time.Duration
	log  string
}

// run runs every row, printing the table as rows finish, and reports
// whether all passed.
func (s *suite) run(stdout io.Writer) bool {
	width := len("CASE")
	for _, r := range rows {
		width = max(width, len(r.name))
	}
	fmt.Fprintf(stdout, "lsbinit selftest: %s, scratch directory %s\n", s.exe, s.root)
	line := func(name, want, got, verdict, took string) {
		fmt.Fprintf(stdout, "%-*s  %-8s  %-8s  %-6s  %s\n", width, name, want, got, verdict, took)
	}
	line("CASE", "EXPECTED", "GOT", "RESULT", "TIME")
	passed, failed := 0, 0
	for i, row := range rows {
		if s.ctx.Err() != nil {
			fmt.Fprintf(stdout, "interrupted: %d rows not run\n", len(rows)-i)
			failed += len(rows) - i
			break
		}
		res := s.runRow(i+1, row)
		verdict := "PASS"
		if res.err != nil {
			verdict = "FAIL"
			failed++
		} else {
			passed++
		}
		line(row.name, row.want, res.got, verdict, fmt.Sprintf("%.2fs", res.took.Seconds()))
		if res.err != nil {
			fmt.Fprintf(stdout, "    %v\n", res.err)
		}
		if s.verbose || res.err != nil {
			fmt.Fprint(stdout, indent(res.log))
		}
	}
	fmt.Fprintf(stdout, "%d passed, %d failed\n", passed, failed)
	return failed == 0
}

// runRow runs one row in its own directory and kills what it left.
func (s *suite) runRow(i int, row row) result {
	start := time.Now()
	r, err := s.newRow(i)
	if err != nil {
		return result{err: err, got: "-", took: time.Since(start)}
	}
	err = row.run(r)
	took := time.Since(start)
	s.killUnder(r.dir)
	initd.ForgetRecorded(r.conf) // what it killed never stopped by itself
	got := strings.Join(r.got, ",")
	if got == "" {
		got = "-"
	}
	return result{err: err, got: got, took: took, log: r.transcript.String()}
}

// indent prefixes each line of text with spaces.
func indent(text string) string {
	if text == "" {
		return ""
	}
	lines := strings.SplitAfter(strings.TrimSuffix(text, "\n"), "\n")
	return "      " + strings.Join(lines, "      ") + "\n"
}
