package scripttest

import (
	"io"
	"math/rand/v2"
	"net"
	"strconv"
	"sync"
	"time"

	"github.com/rogpeppe/go-internal/testscript"
)

// cmdDial: dial NET ADDR — connects to ADDR (tcp, unix) or sends it a
// datagram (udp), and writes the answer to stdout; with !, expects the
// connection to be refused.
func cmdDial(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 2 {
		ts.Fatalf("usage: dial NET ADDR")
	}
	c, err := net.DialTimeout(args[0], args[1], 5*time.Second)
	if err == nil && (args[0] == "udp" || args[0] == "udp6") {
		_, err = c.Write([]byte("hello\n"))
	}
	var answer []byte
	if err == nil {
		c.SetDeadline(time.Now().Add(5 * time.Second))
		if args[0] == "udp" || args[0] == "udp6" {
			buf := make([]byte, 256) // one datagram: no end-of-file
			n, rerr := c.Read(buf)
			answer, err = buf[:n], rerr
		} else {
			answer, err = io.ReadAll(io.LimitReader(c, 256))
		}
		c.Close()
	}
	switch {
	case neg && err == nil:
		ts.Fatalf("dial %s %s: answered %q, want a refusal", args[0], args[1], answer)
	case !neg && err != nil:
		ts.Fatalf("dial %s %s: %v", args[0], args[1], err)
	}
	ts.Stdout().Write(answer)
}

// cmdFreeport: freeport VAR — sets VAR to a TCP port on 127.0.0.1 that
// nothing listens on. The port is below the kernel's ephemeral range
// (net.ipv4.ip_local_port_range, 32768 and up by default), so that no
// outgoing connection of a script running meanwhile is given it before
// the script listens on it; and no two scripts of the run get the same.
func cmdFreeport(ts *testscript.TestScript, neg bool, args []string) {
	noNeg(ts, neg, "freeport")
	if len(args) != 1 {
		ts.Fatalf("usage: freeport VAR")
	}
	ports.mu.Lock()
	defer ports.mu.Unlock()
	if ports.given == nil {
		ports.given = map[int]bool{}
	}
	for range 1000 {
		port := 10000 + rand.IntN(22000)
		if ports.given[port] {
			continue
		}
		if l, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(port)); err == nil {
			l.Close()
			ports.given[port] = true
			ts.Setenv(args[0], strconv.Itoa(port))
			return
		}
	}
	ts.Fatalf("freeport: no free port found from 10000 to 31999")
}

// ports are the ports freeport has given out in this run.
var ports struct {
	mu    sync.Mutex
	given map[int]bool
}

// cmdFreeprivport: freeprivport VAR — sets VAR to a TCP port below 1024
// that nothing listens on (as root only).
func cmdFreeprivport(ts *testscript.TestScript, neg bool, args []string) {
	noNeg(ts, neg, "freeprivport")
	if len(args) != 1 {
		ts.Fatalf("usage: freeprivport VAR")
	}
	for port := 1023; port >= 600; port-- {
		l, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(port))
		if err == nil {
			l.Close()
			ts.Setenv(args[0], strconv.Itoa(port))
			return
		}
	}
	ts.Fatalf("freeprivport: no free port from 600 to 1023")
}
