package config

import (
	"slices"
	"strings"
	"testing"
)

func TestSplitWords(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"", nil},
		{"   \t\n ", nil},
		{"-a -b", []string{"-a", "-b"}},
		{`--name "my app" --x 'a b'`, []string{"--name", "my app", "--x", "a b"}},
		{`a\ b c\"d`, []string{"a b", `c"d`}},
		{`"q\"uote" '\n'`, []string{`q"uote`, `\n`}},
		{`'' ""`, []string{"", ""}},
		{`$HOME "$HOME" ${X:-y} '$Z'`, []string{"$HOME", "$HOME", "${X:-y}", "$Z"}},
		{`~/x ~ \~`, []string{"~/x", "~", "~"}},
		{`* {a,b} ?`, []string{"*", "{a,b}", "?"}},
		{"a \\\n b", []string{"a", "b"}},
		{"a\nb", []string{"a", "b"}},
		{`"#x" a#b \#c`, []string{"#x", "a#b", "#c"}},
		{`$'tab\there'`, []string{"tab\there"}},
		{`--opt=a,b --path="/x y"`, []string{"--opt=a,b", "--path=/x y"}},
	}
	for _, tt := range tests {
		got, err := splitWords(tt.in)
		if err != nil || !slices.Equal(got, tt.want) {
			t.Errorf("splitWords(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
	bad := map[string]string{
		"$(id)":    "command substitution is not allowed",
		"a `id`":   "command substitution is not allowed",
		"$((1+1))": "arithmetic expansion is not allowed",
		"<(x)":     "process substitution is not allowed",
		"a; b":     "cannot split into words",
		"a | b":    "cannot split into words",
		"a > b":    "cannot split into words",
		"a & b":    "cannot split into words",
		`"open`:    "cannot split into words",
		"--x #y":   `a word starting with "#" would start a comment`,
	}
	for in, want := range bad {
		got, err := splitWords(in)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("splitWords(%q) = %q, %v; want error %q", in, got, err, want)
		}
	}
}

func TestDaemonArgsAndCheckCmd(t *testing.T) {
	cfg := mustLoad(t, `PORT=8080
DAEMON=/usr/bin/app
DAEMON_ARGS="--port $PORT --name 'my app' --literal '\$HOME'"
CHECK_CMD='/usr/bin/app -t -c "/etc/app conf"'
`)
	want := []string{"--port", "8080", "--name", "my app", "--literal", "$HOME"}
	if !slices.Equal(cfg.Args, want) {
		t.Errorf("DaemonArgs = %q, want %q", cfg.Args, want)
	}
	if want := []string{"/usr/bin/app", "-t", "-c", "/etc/app conf"}; !slices.Equal(cfg.CheckCommand, want) {
		t.Errorf("CheckCmd = %q, want %q", cfg.CheckCommand, want)
	}
	cfg = mustLoad(t, "DAEMON=/x\nDAEMON_ARGS=\nCHECK_CMD=")
	if cfg.Args != nil || cfg.CheckCommand != nil {
		t.Errorf("empty DAEMON_ARGS, CHECK_CMD = %q, %q; want nil", cfg.Args, cfg.CheckCommand)
	}
}
