package unit

import (
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// parseUnit reads a unit file into section → key → values.
func parseUnit(t *testing.T, unit string) map[string]map[string][]string {
	t.Helper()
	u := map[string]map[string][]string{}
	var sec map[string][]string
	for i, l := range lines(unit) {
		switch {
		case l == "" || strings.HasPrefix(l, "#"):
		case strings.HasPrefix(l, "[") && strings.HasSuffix(l, "]"):
			sec = map[string][]string{}
			u[l[1:len(l)-1]] = sec
		case sec == nil:
			t.Errorf("line %d outside a section: %q", i+1, l)
		default:
			k, v, ok := strings.Cut(l, "=")
			if !ok {
				t.Errorf("line %d: %q", i+1, l)
			}
			sec[k] = append(sec[k], v)
		}
	}
	return u
}

func TestSystemd(t *testing.T) {
	for name, conf := range configs {
		t.Run(name, func(t *testing.T) {
			u := parseUnit(t, generate(t, "svc", conf, "systemd"))
			s := u["Service"]
			for k, v := range map[string]string{"Type": "notify", "NotifyAccess": "main", "KillMode": "mixed"} {
				if slices.Compare(s[k], []string{v}) != 0 {
					t.Errorf("%s=%q, want %s", k, s[k], v)
				}
			}
			if len(s["ExecStart"]) != 1 || !strings.HasSuffix(s["ExecStart"][0], " run") {
				t.Errorf("ExecStart %q", s["ExecStart"])
			}
		})
	}
	full := parseUnit(t, generate(t, "svc", configs["full"], "systemd"))
	want := map[string]map[string]string{
		"Unit": {
			"Description":   `A <daemon> & "friends" 100%% $x \ y`,
			"Documentation": "man:lsbinit(8)",
			"Wants":         "network-online.target time-sync.target nss-lookup.target postgresql.service",
			"After":         "network-online.target remote-fs.target time-sync.target nss-lookup.target postgresql.service redis.service rpcbind.target",
		},
		"Service": {"TimeoutStartSec": "65s", "TimeoutStopSec": "38s", "Restart": "on-failure"},
		"Install": {"WantedBy": "multi-user.target"},
	}
	for sec, kv := range want {
		for k, v := range kv {
			if got := strings.Join(full[sec][k], "|"); got != v {
				t.Errorf("[%s] %s=%q, want %q", sec, k, got, v)
			}
		}
	}
	if !strings.HasSuffix(strings.Join(full["Service"]["ExecReload"], ""), " reload") {
		t.Errorf("ExecReload %q", full["Service"]["ExecReload"])
	}
	def := parseUnit(t, generate(t, "svc", "", "systemd"))
	if got := def["Service"]["Restart"]; slices.Compare(got, []string{"no"}) != 0 {
		t.Errorf("RESPAWN=no: Restart=%q", got)
	}
	if got := def["Unit"]["After"]; slices.Compare(got, []string{"remote-fs.target"}) != 0 {
		t.Errorf("defaults: After=%q", got)
	}
	if _, ok := def["Unit"]["Wants"]; ok {
		t.Errorf("defaults: Wants=%q", def["Unit"]["Wants"])
	}
	nr := parseUnit(t, generate(t, "svc", configs["noreload"], "systemd"))
	if _, ok := nr["Service"]["ExecReload"]; ok {
		t.Errorf("RELOAD_SIGNAL=none: ExecReload=%q", nr["Service"]["ExecReload"])
	}
	if got := nr["Service"]["TimeoutStopSec"]; slices.Compare(got, []string{"infinity"}) != 0 {
		t.Errorf("forever: TimeoutStopSec=%q", got)
	}
	if got := nr["Install"]["WantedBy"]; slices.Compare(got, []string{"graphical.target"}) != 0 {
		t.Errorf("DEFAULT_START=5: WantedBy=%q", got)
	}
	if _, ok := parseUnit(t, generate(t, "svc", configs["manual"], "systemd"))["Install"]; ok {
		t.Errorf("empty DEFAULT_START wrote [Install]")
	}
}

func TestExecWord(t *testing.T) {
	for in, want := range map[string]string{
		"/usr/sbin/lsbinit": "/usr/sbin/lsbinit",
		"-c":                "-c",
		"/etc/my app.conf":  `"/etc/my app.conf"`,
		"100%":              "100%%",
		"$HOME":             "$$HOME",
		`a"b\c`:             `"a\"b\\c"`,
		";":                 `\;`,
		"":                  `""`,
		"tab\there":         `"tab\x09here"`,
	} {
		if got := execWord(in); got != want {
			t.Errorf("execWord(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestShellLine checks the quoting of upstart's and SMF's command lines
// against a real shell.
func TestShellLine(t *testing.T) {
	argv := []string{"/bin/printf", `%s\n`, "plain", "with space", "it's", `"dq"`, "$HOME", "`x`", "*", ""}
	out, err := exec.Command("/bin/sh", "-c", shellLine(argv)).Output()
	if err != nil {
		t.Fatal(err)
	}
	if got, want := string(out), strings.Join(argv[2:], "\n")+"\n"; got != want {
		t.Errorf("sh -c %q printed %q, want %q", shellLine(argv), got, want)
	}
}
