// Command hello is a small HTTP service that is its own init script,
// written with the lsb package:
//
//	hello start | stop | restart | try-restart | reload | force-reload | status
//
// It answers every request with a greeting read from a file; reload
// (SIGHUP) reads the file again without dropping a connection. Its
// supervisor holds the listening socket (Service.Listen) and hands it to
// the daemon, which serves on it (lsb.Listener); restart starts the new
// daemon beside the old one on the same socket and stops the old one once
// the new one is ready (RestartOverlap), so no connection is refused. It
// tells lsb when it serves (lsb.Ready), so start returns only then, and
// fails with the error when the port is taken.
//
// Environment: HELLO_ADDR (default 127.0.0.1:8642), HELLO_GREETING (the
// greeting file; default: a built-in greeting), HELLO_RUNDIR (where the
// pidfile and log go; default: lsb's defaults, /run and /var/log as root),
// HELLO_LISTEN=self (bind the port in the daemon instead: restart then
// closes it for a moment).
package main

import (
	"context"
	"fmt"
	"log"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"

	"github.com/lsbinit/lsbinit/lsb"
)

// initInfo is hello's LSB header, held in the binary as one string so
// that insserv and systemd-sysv-generator accept the binary itself as
// /etc/init.d/hello: `cp hello /etc/init.d/ && update-rc.d hello defaults`.
const initInfo = `
### BEGIN INIT INFO
# Provides:          hello
# Required-Start:    $remote_fs $syslog $network
# Required-Stop:     $remote_fs $syslog $network
# Default-Start:     2 3 4 5
# Default-Stop:      0 1 6
# Short-Description: hello example server
# Description:       A small HTTP server that is its own init script.
### END INIT INFO
# pidfile: /run/hello.pid
Usage: hello {start|stop|restart|try-restart|reload|force-reload|status}
`

type server struct {
	addr     string
	file     string
	greeting atomic.Value // string
}

func main() {
	s := &server{addr: getenv("HELLO_ADDR", "127.0.0.1:8642"), file: os.Getenv("HELLO_GREETING")}
	svc := lsb.Service{
		Name:    "hello",
		Desc:    "hello example server",
		Version: "1.0",
		Run:     s.serve,
		Reload:  s.reload,
		// start returns once serve has called lsb.Ready: the port is open.
		Ready:    lsb.WhenNotified(),
		InitInfo: initInfo,
	}
	if os.Getenv("HELLO_LISTEN") != "self" {
		svc.Listen = []string{"http=tcp:" + s.addr}
		svc.Restart = lsb.RestartOverlap
	}
	if dir := os.Getenv("HELLO_RUNDIR"); dir != "" {
		svc.PidFile = filepath.Join(dir, "hello.pid")
		svc.LogFile = filepath.Join(dir, "hello.log")
	}
	lsb.Main(svc)
}

// serve runs until ctx is cancelled (stop), then drains connections:
// lsb.ServeHTTP serves on the supervisor's socket when it holds one (else
// binds the address itself), calls lsb.Ready once it listens, and answers
// every request it began before it returns.
func (s *server) serve(ctx context.Context) error {
	if err := s.reload(); err != nil {
		return err
	}
	srv := &http.Server{Addr: s.addr, Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "%s (pid %d)\n", s.greeting.Load(), os.Getpid())
	})}
	log.Printf("hello: listening on http://%s", s.addr)
	err := lsb.ServeHTTP(ctx, srv, "http")
	log.Printf("hello: stopped")
	return err
}

// reload reads the greeting file again.
func (s *server) reload() error {
	g := "Hello from an lsb service!"
	if s.file != "" {
		b, err := os.ReadFile(s.file)
		if err != nil {
			return err
		}
		g = strings.TrimSpace(string(b))
	}
	s.greeting.Store(g)
	log.Printf("hello: greeting is %q", g)
	return nil
}

func getenv(k, def string) string {
	if v := os.Getenv(k); v != "" {
		return v
	}
	return def
}
