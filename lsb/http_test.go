package lsb_test

import (
	"context"
	"io"
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/lsbinit/lsbinit/lsb"
)

// ServeHTTP, stopped while a request is under way, answers it before it
// returns, and then accepts nothing more.
func TestServeHTTPDrains(t *testing.T) {
	probe, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := probe.Addr().String()
	probe.Close()
	started := make(chan struct{})
	srv := &http.Server{Addr: addr, Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(started)
		time.Sleep(300 * time.Millisecond)
		io.WriteString(w, "answered")
	})}
	ctx, stop := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- lsb.ServeHTTP(ctx, srv, "none") }()

	got := make(chan string, 1)
	go func() {
		for i := 0; ; i++ { // until it listens
			resp, err := http.Get("http://" + addr + "/")
			if err == nil {
				b, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				got <- resp.Status + " " + string(b)
				return
			}
			if i > 200 {
				got <- err.Error()
				return
			}
			time.Sleep(10 * time.Millisecond)
		}
	}()
	<-started
	stop() // the request is under way
	if r := <-got; r != "200 OK answered" {
		t.Errorf("the request under way got %q, want it answered", r)
	}
	select {
	case err := <-served:
		if err != nil {
			t.Errorf("ServeHTTP returned %v, want nil", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("ServeHTTP did not return after its context ended")
	}
	if _, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
		t.Error("still accepting connections after ServeHTTP returned")
	}
}

// A port already taken is Serve's error, at once.
func TestServeHTTPBindError(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	err = lsb.ServeHTTP(context.Background(), &http.Server{Addr: ln.Addr().String()}, "none")
	if err == nil {
		t.Fatal("ServeHTTP on a taken port returned nil")
	}
}
