package config

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lsbinit/lsbinit/internal/spec"
)

// etcFiles writes files (path under the etc dir → contents) with mode
// 0644 into a new temporary etc dir and returns it.
func etcFiles(t testing.TB, files map[string]string) string {
	t.Helper()
	etc := t.TempDir()
	for name, data := range files {
		path := filepath.Join(etc, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(path, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return etc
}

// opts returns Options for service "svc" under etc as an ordinary user;
// config files are trusted as root's when owned by the test's own user.
func opts(etc string) Options {
	return Options{Name: "svc", EtcDir: etc, UID: 1000, rootOwner: os.Geteuid()}
}

// getenv returns a Getenv function serving m.
func getenv(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

// loadConf loads a single svc.conf with contents conf as an ordinary user.
func loadConf(t *testing.T, conf string) (*Result, error) {
	t.Helper()
	return Load(opts(etcFiles(t, map[string]string{"lsbinit/svc.conf": conf})))
}

// mustLoad is loadConf that fails the test on error.
func mustLoad(t *testing.T, conf string) *Result {
	t.Helper()
	cfg, err := loadConf(t, conf)
	if err != nil {
		t.Fatalf("Load:\n%v", err)
	}
	return cfg
}

// flatten returns the errors joined in err, each checked to be an *Error.
func flatten(t *testing.T, err error) []*Error {
	t.Helper()
	var errs []error
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		errs = j.Unwrap()
	} else if err != nil {
		errs = []error{err}
	}
	var out []*Error
	for _, e := range errs {
		var ce *Error
		if !errors.As(e, &ce) {
			t.Errorf("error %q (%T) is not an *Error", e, e)
			continue
		}
		out = append(out, ce)
	}
	return out
}

// wantErr checks that err has exactly one problem, containing want.
func wantErr(t *testing.T, err error, want string) *Error {
	t.Helper()
	errs := flatten(t, err)
	if len(errs) != 1 {
		t.Fatalf("want one error containing %q, got %d: %v", want, len(errs), err)
	}
	if !strings.Contains(errs[0].Error(), want) {
		t.Errorf("error %q does not contain %q", errs[0], want)
	}
	if strings.Contains(errs[0].Error(), "\n") {
		t.Errorf("error %q is not one line", errs[0])
	}
	return errs[0]
}

// dataOf is s without where its messages go, for comparing values.
func dataOf(s *spec.Spec) *spec.Spec {
	c := *s
	c.Stdout, c.Stderr = nil, nil
	return &c
}
