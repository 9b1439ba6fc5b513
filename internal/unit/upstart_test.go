package unit

import (
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// upstartStanzas are the stanzas of init(5) (upstart 1.x) this package
// may write, each with a check of its arguments.
var upstartStanzas = map[string]func(args string) bool{
	"description": quotedString,
	"start":       func(a string) bool { return regexp.MustCompile(`^on runlevel \[[0-6S]+\]$`).MatchString(a) },
	"stop":        func(a string) bool { return regexp.MustCompile(`^on runlevel \[!?[0-6S]+\]$`).MatchString(a) },
	"expect":      func(a string) bool { return a == "stop" || a == "fork" || a == "daemon" },
	"kill":        func(a string) bool { return regexp.MustCompile(`^(timeout [0-9]+|signal [A-Z0-9]+)$`).MatchString(a) },
	"reload":      func(a string) bool { return regexp.MustCompile(`^signal (SIG)?[A-Z0-9]+$`).MatchString(a) },
	"respawn": func(a string) bool {
		return a == "" || regexp.MustCompile(`^limit ([0-9]+ [0-9]+|unlimited)$`).MatchString(a)
	},
	"normal": func(a string) bool { return regexp.MustCompile(`^exit( [0-9]+| [A-Z]+)+$`).MatchString(a) },
	"exec":   func(a string) bool { return strings.HasPrefix(a, "/") },
}

func quotedString(a string) bool {
	s, err := strconv.Unquote(a)
	return err == nil && !strings.ContainsAny(s, "\n")
}

// parseUpstart checks a job file line by line and returns its stanzas.
func parseUpstart(t *testing.T, job string) map[string][]string {
	t.Helper()
	got := map[string][]string{}
	for i, l := range lines(job) {
		if l == "" || strings.HasPrefix(l, "#") {
			continue
		}
		word, args, _ := strings.Cut(l, " ")
		check, ok := upstartStanzas[word]
		if !ok {
			t.Errorf("line %d: unknown stanza %q", i+1, l)
			continue
		}
		if !check(args) {
			t.Errorf("line %d: bad arguments: %q", i+1, l)
		}
		if word != "start" && word != "stop" && word != "kill" && word != "respawn" && len(got[word]) > 0 {
			t.Errorf("line %d: stanza %q repeated", i+1, word)
		}
		got[word] = append(got[word], args)
	}
	if len(got["exec"]) != 1 {
		t.Errorf("want one exec stanza, have %q", got["exec"])
	}
	return got
}

func TestUpstart(t *testing.T) {
	for name, conf := range configs {
		t.Run(name, func(t *testing.T) {
			job := generate(t, "svc", conf, "upstart")
			st := parseUpstart(t, job)
			if !strings.HasSuffix(st["exec"][0], " run") {
				t.Errorf("exec %q does not end with run", st["exec"][0])
			}
			if st["expect"][0] != "stop" {
				t.Errorf("expect %q", st["expect"])
			}
			if len(st["kill"]) != 1 {
				t.Errorf("want one kill timeout, have %q", st["kill"])
			}
		})
	}
	full := parseUpstart(t, generate(t, "svc", configs["full"], "upstart"))
	want := map[string][]string{
		"start":   {"on runlevel [35]"},
		"stop":    {"on runlevel [!35]"},
		"kill":    {"timeout 38"}, // 32.5s of schedule + 5s, rounded up
		"reload":  {"signal USR1"},
		"respawn": {""},
		"normal":  {"exit 0"},
	}
	for k, v := range want {
		if strings.Join(full[k], "|") != strings.Join(v, "|") {
			t.Errorf("full: %s %q, want %q", k, full[k], v)
		}
	}
	if d, _ := strconv.Unquote(full["description"][0]); d != `A <daemon> & "friends" 100% $x \ y` {
		t.Errorf("description %q", full["description"])
	}
	def := parseUpstart(t, generate(t, "svc", "", "upstart"))
	if _, ok := def["respawn"]; ok {
		t.Errorf("RESPAWN=no wrote respawn")
	}
	if def["kill"][0] != "timeout 40" {
		t.Errorf("default kill %q", def["kill"])
	}
	if _, ok := parseUpstart(t, generate(t, "svc", configs["noreload"], "upstart"))["reload"]; ok {
		t.Errorf("RELOAD_SIGNAL=none wrote reload signal")
	}
	manual := parseUpstart(t, generate(t, "svc", configs["manual"], "upstart"))
	if _, ok := manual["start"]; ok {
		t.Errorf("empty DEFAULT_START wrote start on: %q", manual["start"])
	}
}
