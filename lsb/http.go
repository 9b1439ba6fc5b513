package lsb

import (
	"context"
	"errors"
	"net"
	"net/http"
	"sync"
	"time"
)

// DrainTimeout bounds how long ServeHTTP waits, once stopped, for the
// requests under way to be answered, and then for the connections to
// close.
var DrainTimeout = 5 * time.Second

// ServeHTTP serves srv until ctx ends (stop, or the old daemon's end in a
// restart), then drains, so that a restart refuses and drops no request:
//
//   - It listens on the socket handed down under name (Service.Listen
//     "NAME=tcp:HOST:PORT": the supervisor holds it across restarts), or,
//     when there is none, binds srv.Addr itself.
//   - Once it listens it calls Ready, which is what a Service with
//     WhenNotified waits for (and harmless otherwise).
//   - When ctx ends it stops accepting (connections not yet accepted wait
//     in the socket's queue for the next daemon), answers every request it
//     has begun to read, closes the idle keep-alive connections, and
//     returns nil. srv.Shutdown alone would drop a request read after it
//     began.
//
// It returns Serve's error if serving fails before ctx ends.
func ServeHTTP(ctx context.Context, srv *http.Server, name string) error {
	ln := Listener(name)
	if ln == nil {
		var err error
		if ln, err = net.Listen("tcp", srv.Addr); err != nil {
			return err
		}
	}
	var busy busyConns
	next := srv.ConnState
	srv.ConnState = func(c net.Conn, st http.ConnState) {
		busy.track(c, st)
		if next != nil {
			next(c, st)
		}
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	Ready()
	select {
	case err := <-served:
		if errors.Is(err, http.ErrServerClosed) {
			return nil
		}
		return err
	case <-ctx.Done():
	}
	ln.Close()
	<-served // from now on every accepted connection is tracked
	busy.wait(DrainTimeout)
	shutdown, cancel := context.WithTimeout(context.Background(), DrainTimeout)
	defer cancel()
	srv.Shutdown(shutdown)
	return nil
}

// busyConns counts the connections that are new or serving a request.
type busyConns struct {
	mu    sync.Mutex
	state map[net.Conn]http.ConnState
}

func (b *busyConns) track(c net.Conn, st http.ConnState) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.state == nil {
		b.state = map[net.Conn]http.ConnState{}
	}
	if st == http.StateClosed || st == http.StateHijacked {
		delete(b.state, c)
		return
	}
	b.state[c] = st
}

// wait waits, at most d, until no connection is new or active.
func (b *busyConns) wait(d time.Duration) {
	for end := time.Now().Add(d); time.Now().Before(end); time.Sleep(time.Millisecond) {
		b.mu.Lock()
		n := 0
		for _, st := range b.state {
			if st == http.StateNew || st == http.StateActive {
				n++
			}
		}
		b.mu.Unlock()
		if n == 0 {
			return
		}
	}
}
