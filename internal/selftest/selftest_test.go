package selftest

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestRunTable checks the table and the summary with rows that pass and
// fail without running anything, and that a failure fails the run.
func TestRunTable(t *testing.T) {
	saved := rows
	defer func() { rows = saved }()
	rows = []row{
		{"passes", "0", func(r *rowCtx) error { r.got = append(r.got, "0"); return nil }},
		{"fails", "3", func(r *rowCtx) error {
			r.got = append(r.got, "1")
			r.transcript.WriteString("$ lsbinit -c x status  # exit 1\n")
			return errors.New("status exited 1, want 3")
		}},
	}
	s := &suite{ctx: context.Background(), exe: "/bin/false", root: t.TempDir()}
	var out strings.Builder
	if s.run(&out) {
		t.Error("run reported success with a failing row")
	}
	text := out.String()
	for _, re := range []string{
		`(?m)^CASE +EXPECTED +GOT +RESULT +TIME$`,
		`(?m)^passes +0 +0 +PASS +[0-9.]+s$`,
		`(?m)^fails +3 +1 +FAIL +[0-9.]+s$`,
		`(?m)^    status exited 1, want 3$`,
		`(?m)^      \$ lsbinit -c x status  # exit 1$`,
		`(?m)^1 passed, 1 failed\n\z`,
	} {
		if !regexp.MustCompile(re).MatchString(text) {
			t.Errorf("output does not match %s:\n%s", re, text)
		}
	}
}

// TestReadPid accepts exactly a PID and a newline.
func TestReadPid(t *testing.T) {
	dir := t.TempDir()
	for content, ok := range map[string]bool{
		"123\n": true, "123": false, "": false, "-5\n": false, "+5\n": false,
		"1\n": false, "12 \n": false, "12\n\n": false, "abc\n": false,
	} {
		f := filepath.Join(dir, "pid")
		if err := os.WriteFile(f, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		if _, err := readPid(f); (err == nil) != ok {
			t.Errorf("readPid(%q): err = %v, want ok=%v", content, err, ok)
		}
	}
}

// TestDaemonExit checks the daemon mode's exit-at-once option and its
// usage error.
func TestDaemonExit(t *testing.T) {
	var out, errOut strings.Builder
	if code := Main([]string{"daemon", "-exit", "3"}, os.Getenv, &out, &errOut); code != 3 {
		t.Errorf("daemon -exit 3 returned %d", code)
	}
	if !strings.Contains(errOut.String(), "failing on purpose") {
		t.Errorf("stderr %q does not say it fails on purpose", errOut.String())
	}
	if code := Main([]string{"daemon", "-bogus"}, os.Getenv, &out, &errOut); code != 2 {
		t.Errorf("daemon -bogus returned %d, want 2", code)
	}
	if code := Main([]string{"extra"}, os.Getenv, &out, &errOut); code != 2 {
		t.Errorf("selftest extra returned %d, want 2", code)
	}
}

// TestQuote checks the config quoting against a value with a quote.
func TestQuote(t *testing.T) {
	if got, want := quote("/a b/it's"), `'/a b/it'\''s'`; got != want {
		t.Errorf("quote = %s, want %s", got, want)
	}
}
