package ready

import (
	"testing"
	"time"
)

func TestParse(t *testing.T) {
	good := map[string]Spec{
		"":                    {Kind: Exec},
		"exec":                {Kind: Exec},
		"notify":              {Kind: Notify},
		"tcp:127.0.0.1:8080":  {Kind: TCP, Addr: "127.0.0.1:8080"},
		"tcp:[::1]:80":        {Kind: TCP, Addr: "[::1]:80"},
		"tcp:localhost:65535": {Kind: TCP, Addr: "localhost:65535"},
		"file:/run/x.sock":    {Kind: File, Path: "/run/x.sock"},
		"file:/run//x/":       {Kind: File, Path: "/run/x"},
		"delay:2s":            {Kind: Delay, Delay: 2 * time.Second},
		"delay:1.5":           {Kind: Delay, Delay: 1500 * time.Millisecond},
		"delay:500ms":         {Kind: Delay, Delay: 500 * time.Millisecond},
	}
	for in, want := range good {
		got, err := Parse(in)
		if err != nil || got != want {
			t.Errorf("Parse(%q) = %+v, %v; want %+v", in, got, err, want)
		}
		if again, err := Parse(got.String()); err != nil || again != got {
			t.Errorf("Parse(%q.String()=%q) = %+v, %v", in, got.String(), again, err)
		}
	}
	for _, in := range []string{"EXEC", "notify:x", "tcp:", "tcp:8080", "tcp::8080", "tcp:host:0",
		"tcp:host:65536", "tcp:host:http", "tcp:host:+80", "file:", "file:rel/path", "delay:",
		"delay:0", "delay:-1s", "delay:2d", "delay:100000", "delay:NaN", "sleep:1", "exec "} {
		if got, err := Parse(in); err == nil {
			t.Errorf("Parse(%q) = %+v, want an error", in, got)
		}
	}
}

func TestUnix(t *testing.T) {
	s, err := Parse("unix:/run/app/app.sock")
	if err != nil || s.Kind != Unix || s.Path != "/run/app/app.sock" || s.String() != "unix:/run/app/app.sock" {
		t.Fatalf("Parse(unix:...) = %+v, %v", s, err)
	}
	if n, a := s.Dials(); n != "unix" || a != "/run/app/app.sock" || !s.Waits() || s.Notifies() {
		t.Errorf("unix: Dials %q %q, Waits %v, Notifies %v", n, a, s.Waits(), s.Notifies())
	}
	for _, bad := range []string{"unix:app.sock", "unix:", "unix"} {
		if _, err := Parse(bad); err == nil {
			t.Errorf("Parse(%q): no error", bad)
		}
	}
	// Every kind says what it is, and reads back.
	for _, k := range kinds {
		var s Spec
		switch k.name {
		case TCP:
			s, _ = NewTCP("127.0.0.1:80")
		case Unix, File:
			s = Spec{Kind: k.name, Path: "/x"}
		case Delay:
			s, _ = NewDelay(2e9)
		default:
			s = Spec{Kind: k.name}
		}
		if back, err := Parse(s.String()); err != nil || back != s {
			t.Errorf("%s: Parse(%q) = %+v, %v", k.name, s.String(), back, err)
		}
	}
}
