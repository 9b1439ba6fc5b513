package boot

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lsbinit/lsbinit/internal/spec"
)

// units makes units from "name:provides:required:should" descriptions.
func units(t *testing.T, descs ...string) []*unit {
	t.Helper()
	var out []*unit
	for _, d := range descs {
		f := strings.Split(d, ":")
		for len(f) < 4 {
			f = append(f, "")
		}
		s := spec.New(f[0])
		s.Header = spec.Header{Provides: f[1], RequiredStart: f[2], ShouldStart: f[3]}.WithDefaults(f[0], f[0])
		out = append(out, &unit{name: f[0], spec: s})
	}
	return out
}

func afterNames(u *unit) string {
	var n []string
	for _, p := range u.after {
		n = append(n, p.name)
	}
	return strings.Join(n, " ")
}

func TestOrderResolvesFacilities(t *testing.T) {
	us := units(t, "redis:redis kv:$network:", "app::kv $remote_fs:cache", "nginx::app:", "cache", "last::$all:")
	if err := order(us); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"redis": "", "app": "redis cache", "nginx": "app", "cache": "", "last": "redis app nginx cache"}
	for _, u := range us {
		if got := afterNames(u); got != want[u.name] {
			t.Errorf("%s starts after %q, want %q", u.name, got, want[u.name])
		}
	}
}

func TestOrderRefuses(t *testing.T) {
	for _, tc := range []struct {
		descs []string
		want  string
	}{
		{[]string{"a::b", "b::c", "c::a"}, "dependency cycle: a → b → c → a"},
		{[]string{"a::a"}, ""}, // itself: no edge, no cycle
		{[]string{"app::redis"}, "app: REQUIRED_START redis: no service provides it"},
		{[]string{"app:::redis"}, ""}, // SHOULD_START of a missing one: ignored
		{[]string{"a:db", "b:db"}, "a and b both provide db"},
	} {
		err := order(units(t, tc.descs...))
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("%v: %v", tc.descs, err)
		case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
			t.Errorf("%v: got %v, want %q", tc.descs, err, tc.want)
		}
	}
}

func TestDependantsReverseTheOrder(t *testing.T) {
	us := units(t, "redis", "app::redis", "worker::redis", "nginx::app")
	if err := order(us); err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, d := range dependants(us, us[0]) {
		names = append(names, d.name)
	}
	if got := strings.Join(names, " "); got != "app worker" {
		t.Errorf("redis stops after %q, want app worker", got)
	}
}

func TestLoadRefusesEveryBadConfig(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("a.conf", "DAEMON=/bin/sleep\nSTOP_SCHEDULE=bogus\n")
	write("b.conf", "DAEMON=/bin/sleep\nUMASK=999\n")
	write("c.conf", "DAEMON=/bin/sleep\n")
	_, err := load(dir, os.Getenv, func(string) {})
	if err == nil || !strings.Contains(err.Error(), "a: ") || !strings.Contains(err.Error(), "b: ") {
		t.Fatalf("load: %v, want a line for a and one for b", err)
	}
	if _, err := load(t.TempDir(), os.Getenv, func(string) {}); err == nil || !strings.Contains(err.Error(), "no services") {
		t.Errorf("empty dir: %v", err)
	}
}

func TestParseOptions(t *testing.T) {
	o, err := parseOptions([]string{"--config-dir", "/x", "--stop-timeout=3s", "--keep-going"})
	if err != nil || o.dir != "/x" || o.stopTimeout.Seconds() != 3 || !o.keepGoing {
		t.Errorf("got %+v, %v", o, err)
	}
	for _, bad := range [][]string{{"--stop-timeout", "0"}, {"--stop-timeout"}, {"--bogus"}, {"--stop-timeout=x"}} {
		if _, err := parseOptions(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}
