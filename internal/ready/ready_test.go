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
