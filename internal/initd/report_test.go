package initd

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestParseArgsOptions(t *testing.T) {
	cases := []struct {
		args []string
		want invocation
		err  string
	}{
		{[]string{"status", "-v"}, invocation{action: "status", verbose: true, lines: 10}, ""},
		{[]string{"--json", "status"}, invocation{action: "status", json: true, lines: 10}, ""},
		{[]string{"logs", "-n", "3", "-f"}, invocation{action: "logs", lines: 3, follow: true}, ""},
		{[]string{"-q", "logs"}, invocation{action: "logs", quiet: true, lines: 10}, ""},
		{[]string{"start", "-v"}, invocation{}, "option -v is not one of start's"},
		{[]string{"status", "-f"}, invocation{}, "option -f is not one of status's"},
		{[]string{"logs", "-n"}, invocation{}, "-n needs a number"},
		{[]string{"logs", "-n", "x"}, invocation{}, `-n "x": not a number of lines`},
	}
	for _, c := range cases {
		got, err := parseArgs(c.args)
		switch {
		case c.err != "" && (err == nil || err.Error() != c.err):
			t.Errorf("parseArgs(%q) error %v, want %q", c.args, err, c.err)
		case c.err == "" && (err != nil || got != c.want):
			t.Errorf("parseArgs(%q) = %+v, %v; want %+v", c.args, got, err, c.want)
		}
	}
}

func TestWriteVerbose(t *testing.T) {
	now := time.Date(2026, 12, 6, 14, 30, 0, 0, time.UTC)
	since := now.Add(-65 * time.Second)
	rep := Report{Name: "web", Description: "example", State: "running", PID: 10, SupervisorPID: 9,
		User: "www-data", MemoryRSS: 3 << 20, MemoryPrivate: 512 << 10, CPUSeconds: 1.5, Since: &since,
		Restarts: 2, LastExit: &LastExit{How: "exited with status 1", At: since},
		PidFile: "/run/web.pid", LogFile: "/var/log/web.log",
		Processes: []Process{{10, 9, "/usr/bin/web"}, {11, 10, "worker a"}, {12, 11, "helper"}, {13, 10, "worker b"}},
		Log:       []string{"line one", "line two"}}
	var b strings.Builder
	WriteVerbose(&b, rep, false, now)
	want := `● web - example
      Active: running since Sun 2026-12-06 14:28:55 UTC; 1min 5s ago
    Main PID: 10 (web)
  Supervisor: 9
        User: www-data
       Tasks: 4
      Memory: 3.0M (private 512.0K)
         CPU: 1.500s
    Restarts: 2; last exit: exited with status 1, Sun 2026-12-06 14:28:55 UTC; 1min 5s ago
     Pidfile: /run/web.pid
         Log: /var/log/web.log
   Processes:
              └─10 /usr/bin/web
                ├─11 worker a
                │ └─12 helper
                └─13 worker b

line one
line two
`
	if got := b.String(); got != want {
		t.Errorf("WriteVerbose:\n%s\nwant:\n%s", b.String(), want)
	}
	b.Reset()
	WriteVerbose(&b, rep, true, now)
	if !strings.HasPrefix(b.String(), "\x1b[32m●\x1b[0m web") {
		t.Errorf("on a terminal the dot is not green: %q", b.String()[:20])
	}
}

func TestLastLines(t *testing.T) {
	path := filepath.Join(t.TempDir(), "log")
	var text strings.Builder
	for i := range 20000 { // more than one chunk
		text.WriteString("line " + strings.Repeat("x", i%7) + "\n")
	}
	text.WriteString("last\n")
	os.WriteFile(path, []byte(text.String()), 0o644)
	got := lastLines(path, 3)
	if len(got) != 3 || got[2] != "last" || !strings.HasPrefix(got[0], "line ") {
		t.Errorf("lastLines = %q", got)
	}
	if got := lastLines(filepath.Join(t.TempDir(), "none"), 3); got != nil {
		t.Errorf("lastLines of a missing file = %q", got)
	}
	os.WriteFile(path, nil, 0o644)
	if got := lastLines(path, 3); len(got) != 0 {
		t.Errorf("lastLines of an empty file = %q", got)
	}
	if !slices.Equal([]string{Ago(1500 * time.Millisecond), Ago(3*time.Hour + 2*time.Minute), Size(1536)}, []string{"1s", "3h 2min", "1.5K"}) {
		t.Error("Ago or Size")
	}
}

func TestOverlap(t *testing.T) {
	for _, c := range []struct {
		printed, next string
		want          int
	}{
		{"line 1\nline 2\nline 3\n", "line 3\nline 4\n", 7},
		{"line 1\nline 2\nline 3\n", "line 2\nline 3\nline 4\n", 14},
		{"line 1\nline 2\n", "line 3\n", 0},
		{"", "line 1\n", 0},
		{"abc", "c", 1},
		{"x\n", "x\nx\n", 2},
		{strings.Repeat("line 7\n", 20), strings.Repeat("line 7\n", 3) + "line 8\n", 21},
	} {
		if got := overlap([]byte(c.printed), []byte(c.next)); got != c.want {
			t.Errorf("overlap(%q, %q) = %d, want %d", c.printed, c.next, got, c.want)
		}
	}
}
