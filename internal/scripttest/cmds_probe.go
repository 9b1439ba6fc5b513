package scripttest

import (
	"fmt"
	"io"
	"net"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/rogpeppe/go-internal/testscript"
)

// A prober keeps connecting to a socket from N goroutines, each one
// connection after another, until stopped: how a script proves that no
// connection is refused or cut while a service restarts.
type prober struct {
	stop   chan struct{}
	wg     sync.WaitGroup
	mu     sync.Mutex
	ok     int
	failed []string       // what went wrong, one entry per failure
	pids   map[string]int // answers' "pid P", counted
}

var (
	probersMu sync.Mutex
	probers   = map[*testscript.TestScript]*prober{}
)

// cmdProbe: probe start NET ADDR N — starts N clients that connect to ADDR
// one connection after another and read each answer ("... pid P\n").
// probe stop MIN [PIDFILE] — stops them once MIN connections have been
// answered (and the daemon PIDFILE names has answered one, if given);
// fails when any connection failed or that wait times out, and prints
// "answered by N daemons".
func cmdProbe(ts *testscript.TestScript, neg bool, args []string) {
	noNeg(ts, neg, "probe")
	probersMu.Lock()
	defer probersMu.Unlock()
	switch {
	case len(args) == 4 && args[0] == "start":
		n, err := strconv.Atoi(args[3])
		if err != nil || n < 1 || probers[ts] != nil {
			ts.Fatalf("probe start: bad count %q, or a probe already runs", args[3])
		}
		p := &prober{stop: make(chan struct{}), pids: map[string]int{}}
		for range n {
			p.wg.Add(1)
			go p.run(args[1], args[2])
		}
		probers[ts] = p
		ts.Defer(func() { p.halt() })
	case (len(args) == 2 || len(args) == 3) && args[0] == "stop":
		p := probers[ts]
		min, err := strconv.Atoi(args[1])
		if p == nil || err != nil {
			ts.Fatalf("probe stop: no probe runs, or bad MIN %q", args[1])
		}
		pid := ""
		if len(args) == 3 {
			pid = strconv.Itoa(pidOf(ts, args[2]))
		}
		// How many answers arrive in a given time is the machine's
		// business; that they keep arriving without a failure is the
		// service's. So wait for MIN (and the named daemon's) answers.
		waitUntil(ts, nil, 0, fmt.Sprintf("%d answers (and pid %q's)", min, pid), func() bool {
			p.mu.Lock()
			defer p.mu.Unlock()
			return len(p.failed) > 0 || p.ok >= min && (pid == "" || p.pids[pid] > 0)
		})
		delete(probers, ts)
		p.halt()
		ts.Logf("probe: %d answered, %d failed, answered by %d daemons", p.ok, len(p.failed), len(p.pids))
		if len(p.failed) > 0 {
			ts.Fatalf("probe: %d connections failed, the first: %s", len(p.failed), p.failed[0])
		}
		if p.ok < min {
			ts.Fatalf("probe: %d connections answered, want at least %d", p.ok, min)
		}
		fmt.Fprintf(ts.Stdout(), "answered by %d daemons\n", len(p.pids))
	default:
		ts.Fatalf("usage: probe start NET ADDR N | probe stop MIN [PIDFILE]")
	}
}

func (p *prober) halt() {
	select {
	case <-p.stop:
	default:
		close(p.stop)
	}
	p.wg.Wait()
}

func (p *prober) run(network, addr string) {
	defer p.wg.Done()
	for {
		select {
		case <-p.stop:
			return
		default:
		}
		answer, err := ask(network, addr)
		p.mu.Lock()
		if err != nil {
			p.failed = append(p.failed, err.Error())
		} else {
			p.ok++
			p.pids[pidIn(answer)]++
		}
		p.mu.Unlock()
		time.Sleep(time.Millisecond)
	}
}

// ask connects once and reads the whole answer, which must end a line.
// Network "http" is tcp with a GET request, whose answer must be 200 OK.
func ask(network, addr string) (string, error) {
	web := network == "http"
	if web {
		network = "tcp"
	}
	c, err := net.DialTimeout(network, addr, 10*time.Second)
	if err != nil {
		return "", err
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(10 * time.Second))
	if web {
		if _, err := io.WriteString(c, "GET / HTTP/1.0\r\n\r\n"); err != nil {
			return "", err
		}
	}
	b, err := io.ReadAll(io.LimitReader(c, 4096))
	switch {
	case err != nil:
		return "", err
	case !slices.Contains(b, '\n'):
		return "", fmt.Errorf("answer %q was cut short", b)
	case web && !strings.HasPrefix(string(b), "HTTP/1.0 200 OK"):
		return "", fmt.Errorf("answer %q is not 200 OK", b)
	}
	return string(b), nil
}

// pidIn finds "pid N" in an answer, and returns N.
func pidIn(answer string) string {
	_, after, _ := strings.Cut(answer, "pid ")
	end := strings.IndexFunc(after, func(r rune) bool { return r < '0' || r > '9' })
	if end < 0 {
		end = len(after)
	}
	return after[:end]
}

// cmdWaitlisten: waitlisten ADDR — waits until a TCP connection to ADDR
// is accepted (the connection is closed at once).
func cmdWaitlisten(ts *testscript.TestScript, neg bool, args []string) {
	noNeg(ts, neg, "waitlisten")
	if len(args) != 1 {
		ts.Fatalf("usage: waitlisten ADDR")
	}
	waitUntil(ts, args, 1, args[0]+" to accept connections", func() bool {
		c, err := net.DialTimeout("tcp", args[0], time.Second)
		if err == nil {
			c.Close()
		}
		return err == nil
	})
}
