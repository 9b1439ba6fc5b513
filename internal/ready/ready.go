// Package ready parses the READY setting: when a start may report success.
package ready

import (
	"fmt"
	"net"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/lsbinit/lsbinit/internal/schedule"
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
		return NewTCP(arg)
	case kind == File:
		return NewFile(arg)
	case kind == Delay:
		d, err := schedule.ParseDuration(arg)
		if err == nil && d <= 0 {
			err = fmt.Errorf("must be longer than 0")
		}
		if err != nil {
			return Spec{}, fmt.Errorf("delay:%s: %v", arg, err)
		}
		return Spec{Kind: Delay, Delay: d}, nil
	}
	return Spec{}, fmt.Errorf("%q is not one of exec, notify, tcp:HOST:PORT, file:PATH, delay:DURATION", s)
}

// NewTCP is readiness tcp:ADDR: the daemon accepts connections at
// ADDR, HOST:PORT with a numeric port and IPv6 hosts in brackets.
func NewTCP(addr string) (Spec, error) {
	addr, err := hostPort(addr)
	return Spec{Kind: TCP, Addr: addr}, err
}

// NewFile is readiness file:PATH: the daemon creates or changes the file
// at PATH, which must be absolute.
func NewFile(path string) (Spec, error) {
	if !filepath.IsAbs(path) {
		return Spec{}, fmt.Errorf("file:%s: the path must be absolute", path)
	}
	return Spec{Kind: File, Path: filepath.Clean(path)}, nil
}

// NewDelay is readiness delay:D: the daemon is still alive D after exec.
func NewDelay(d time.Duration) (Spec, error) {
	if d <= 0 {
		return Spec{}, fmt.Errorf("delay:%v: must be longer than 0", d)
	}
	return Spec{Kind: Delay, Delay: d}, nil
}

// hostPort accepts HOST:PORT with a numeric port, IPv6 in brackets.
func hostPort(s string) (string, error) {
	host, port, err := net.SplitHostPort(s)
	if err != nil || host == "" || strings.ContainsAny(host, " \t\n") {
		return "", fmt.Errorf("tcp:%s: want tcp:HOST:PORT, e.g. tcp:127.0.0.1:8080 or tcp:[::1]:8080", s)
	}
	n, err := strconv.Atoi(port)
	if err != nil || strings.Trim(port, "0123456789") != "" || n < 1 || n > 65535 {
		return "", fmt.Errorf("tcp:%s: port %q is not a number from 1 to 65535", s, port)
	}
	return net.JoinHostPort(host, strconv.Itoa(n)), nil
}
