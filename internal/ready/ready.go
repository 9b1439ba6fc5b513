// Package ready parses the READY setting: when a start may report success.
package ready

import (
	"fmt"
	"net"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// Kinds of readiness.
const (
	Exec   = "exec"   // alive a short while after exec
	Notify = "notify" // sd_notify READY=1 on $NOTIFY_SOCKET
	TCP    = "tcp"    // accepts connections on Addr
	File   = "file"   // Path appears (or changes)
	Delay  = "delay"  // alive for Delay after exec
)

// Spec is a parsed READY value.
type Spec struct {
	Kind  string        // one of the kinds above
	Addr  string        // TCP: host:port, IPv6 hosts in brackets
	Path  string        // File: absolute path
	Delay time.Duration // Delay
}

func (s Spec) String() string {
	switch s.Kind {
	case TCP:
		return TCP + ":" + s.Addr
	case File:
		return File + ":" + s.Path
	case Delay:
		return Delay + ":" + s.Delay.String()
	case "":
		return Exec
	}
	return s.Kind
}

// Parse reads exec, notify, tcp:HOST:PORT, file:/ABS/PATH or
// delay:DURATION (a Go duration, or seconds as a plain number). The empty
// string means exec.
func Parse(s string) (Spec, error) {
	kind, arg, _ := strings.Cut(s, ":")
	switch {
	case s == "" || s == Exec:
		return Spec{Kind: Exec}, nil
	case s == Notify:
		return Spec{Kind: Notify}, nil
	case kind == TCP:
		addr, err := hostPort(arg)
		return Spec{Kind: TCP, Addr: addr}, err
	case kind == File:
		if !filepath.IsAbs(arg) {
			return Spec{}, fmt.Errorf("file:%s: the path must be absolute", arg)
		}
		return Spec{Kind: File, Path: filepath.Clean(arg)}, nil
	case kind == Delay:
		d, err := Duration(arg)
		if err != nil {
			return Spec{}, fmt.Errorf("delay:%s: %v", arg, err)
		}
		return Spec{Kind: Delay, Delay: d}, nil
	}
	return Spec{}, fmt.Errorf("%q is not one of exec, notify, tcp:HOST:PORT, file:PATH, delay:DURATION", s)
}

// hostPort accepts HOST:PORT with a numeric port, IPv6 in brackets.
func hostPort(s string) (string, error) {
	host, port, err := net.SplitHostPort(s)
	if err != nil || host == "" || strings.ContainsAny(host, " \t\n") {
		return "", fmt.Errorf("tcp:%s: want tcp:HOST:PORT, e.g. tcp:127.0.0.1:8080 or tcp:[::1]:8080", s)
	}
	n, err := strconv.Atoi(port)
	if err != nil || strconv.Itoa(n) != port || n < 1 || n > 65535 {
		return "", fmt.Errorf("tcp:%s: port %q is not a number from 1 to 65535", s, port)
	}
	return net.JoinHostPort(host, port), nil
}

// Duration reads a Go duration ("1m30s") or a number of seconds ("30",
// "2.5"), which must be positive and at most a day.
func Duration(s string) (time.Duration, error) {
	d, err := time.ParseDuration(s)
	if err != nil {
		f, ferr := strconv.ParseFloat(s, 64)
		if ferr != nil || f != f {
			return 0, fmt.Errorf("%q is not a duration (e.g. 30s, 1m30s, 500ms, or seconds as a number)", s)
		}
		if f > 24*3600 {
			return 0, fmt.Errorf("%q is longer than a day", s)
		}
		d = time.Duration(f * float64(time.Second))
	}
	if d <= 0 {
		return 0, fmt.Errorf("%q is not a positive duration", s)
	}
	if d > 24*time.Hour {
		return 0, fmt.Errorf("%q is longer than a day", s)
	}
	return d, nil
}
