// Command hammer issues HTTP GET requests to one address without pause,
// from N clients at once, each one request after another on a new
// connection, until it is interrupted (SIGINT or SIGTERM); then it prints
// one line: how many requests were answered, refused (the connection was
// refused: nobody listened), failed (cut, reset, timed out or answered
// with anything but 200 OK), and the slowest request's latency.
//
//	hammer -addr 127.0.0.1:8080 -c 8
//	ok=12345 refused=0 failed=0 worst_ms=41.2
//
// bench/restart.sh runs it during restarts.
package main

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "the `HOST:PORT` to request http://HOST:PORT/ from")
	clients := flag.Int("c", 1, "how many clients request at once")
	timeout := flag.Duration("timeout", 10*time.Second, "a request taking longer fails")
	flag.Parse()
	var ok, refused, failed atomic.Int64
	var worst atomic.Int64 // nanoseconds
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGINT, syscall.SIGTERM)
	var done atomic.Bool
	var wg sync.WaitGroup
	for range *clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for !done.Load() {
				t0 := time.Now()
				err := request(*addr, *timeout)
				d := int64(time.Since(t0))
				for w := worst.Load(); d > w && !worst.CompareAndSwap(w, d); w = worst.Load() {
				}
				switch {
				case err == nil:
					ok.Add(1)
				case errors.Is(err, syscall.ECONNREFUSED):
					refused.Add(1)
				default:
					failed.Add(1)
				}
			}
		}()
	}
	<-stop
	done.Store(true)
	wg.Wait()
	fmt.Printf("ok=%d refused=%d failed=%d worst_ms=%.1f\n", ok.Load(), refused.Load(), failed.Load(), float64(worst.Load())/1e6)
}

// request makes one GET on a new connection and reads the whole answer.
func request(addr string, timeout time.Duration) error {
	c, err := net.DialTimeout("tcp", addr, timeout)
	if err != nil {
		return err
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(timeout))
	if _, err := fmt.Fprintf(c, "GET / HTTP/1.0\r\nHost: %s\r\n\r\n", addr); err != nil {
		return err
	}
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if _, err := bufio.NewReader(resp.Body).WriteTo(discard{}); err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("status %s", resp.Status)
	}
	return nil
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }
