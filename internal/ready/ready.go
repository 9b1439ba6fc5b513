// Package ready parses the READY setting: when a start may report success.
package ready

import (
	"fmt"
	"net"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/lsbinit/lsbinit/internal/notation"
)

// Kinds of readiness.
const (
	Exec   = "exec"   // alive a short while after exec
	Notify = "notify" // sd_notify READY=1 on $NOTIFY_SOCKET
	TCP    = "tcp"    // accepts connections on Addr
	Unix   = "unix"   // accepts connections on the unix socket at Path
	File   = "file"   // Path appears (or changes)
	Delay  = "delay"  // alive for Delay after exec
)

// Spec is a parsed READY value.
type Spec struct {
	Kind  string        // one of the kinds above
	Addr  string        // TCP: host:port, IPv6 hosts in brackets
	Path  string        // File, Unix: absolute path
	Delay time.Duration // Delay
}

// kind is one kind of readiness: its words and what the rest of lsbinit
// asks of it. The supervisor's side of each is a file of its own
// (internal/supervisor/ready_KIND.go).
type kind struct {
	name   string
	parse  func(arg string) (Spec, error) // the text after "KIND:"; nil for a bare word
	word   func(Spec) string              // its text after "KIND:"
	notify bool                           // the daemon says so itself, on $NOTIFY_SOCKET
	dials  string                         // the network a connection proves it on, or ""
	waits  bool                           // it may take up to START_TIMEOUT
}

// kinds are the kinds of readiness, in the order the README lists them.
var kinds = []kind{
	{name: Exec},
	{name: Notify, notify: true, waits: true},
	{name: TCP, parse: NewTCP, word: func(s Spec) string { return s.Addr }, dials: "tcp", waits: true},
	{name: Unix, parse: NewUnix, word: func(s Spec) string { return s.Path }, dials: "unix", waits: true},
	{name: File, parse: NewFile, word: func(s Spec) string { return s.Path }, waits: true},
	{name: Delay, parse: parseDelay, word: func(s Spec) string { return s.Delay.String() }},
}

func kindOf(name string) kind {
	for _, k := range kinds {
		if k.name == name {
			return k
		}
	}
	return kinds[0]
}

func (s Spec) String() string {
	k := kindOf(s.Kind)
	if k.word == nil {
		return k.name
	}
	return k.name + ":" + k.word(s)
}

// Notifies reports whether the daemon says itself that it is ready, with
// sd_notify READY=1: it needs a notify socket.
func (s Spec) Notifies() bool { return kindOf(s.Kind).notify }

// Dials returns the network and address a connection to which proves the
// daemon ready ("tcp", HOST:PORT; "unix", PATH), or "" when it is proven
// otherwise. Something else answering there fakes it: the port must be
// free before start, and a socket the supervisor holds (LISTEN) or an old
// daemon serving during an overlap restart is no proof.
func (s Spec) Dials() (network, addr string) {
	switch k := kindOf(s.Kind); k.dials {
	case "tcp":
		return k.dials, s.Addr
	case "unix":
		return k.dials, s.Path
	}
	return "", ""
}

// Waits reports whether proving the daemon ready may take up to
// START_TIMEOUT (the daemon's own pace), rather than a fixed time.
func (s Spec) Waits() bool { return kindOf(s.Kind).waits }

// Parse reads exec, notify, tcp:HOST:PORT, unix:/ABS/PATH, file:/ABS/PATH
// or delay:DURATION (a Go duration, or seconds as a plain number). The
// empty string means exec.
func Parse(s string) (Spec, error) {
	if s == "" {
		return Spec{Kind: Exec}, nil
	}
	name, arg, hasArg := strings.Cut(s, ":")
	for _, k := range kinds {
		switch {
		case k.name != name:
		case k.parse == nil && !hasArg:
			return Spec{Kind: k.name}, nil
		case k.parse != nil && hasArg:
			return k.parse(arg)
		}
	}
	return Spec{}, fmt.Errorf("%q is not one of exec, notify, tcp:HOST:PORT, unix:PATH, file:PATH, delay:DURATION", s)
}

func parseDelay(arg string) (Spec, error) {
	d, err := notation.ParseDuration(arg)
	if err == nil && d <= 0 {
		err = fmt.Errorf("must be longer than 0")
	}
	if err != nil {
		return Spec{}, fmt.Errorf("delay:%s: %v", arg, err)
	}
	return Spec{Kind: Delay, Delay: d}, nil
}

// NewUnix is readiness unix:PATH: the daemon accepts connections on the
// unix stream socket at PATH, which must be absolute.
func NewUnix(path string) (Spec, error) {
	if !filepath.IsAbs(path) {
		return Spec{}, fmt.Errorf("unix:%s: the path must be absolute", path)
	}
	return Spec{Kind: Unix, Path: filepath.Clean(path)}, nil
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
