package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"

	"github.com/lsbinit/lsbinit/lsb"
)

// withSockets gives svc the sockets listen names (Service.Listen) and a
// descriptor store of storeMax; its daemon serves the first socket and
// stores a file.
func withSockets(svc *lsb.Service, listen []string, overlap bool, storeMax int) {
	svc.Listen, svc.FDStoreMax = listen, storeMax
	if overlap {
		svc.Restart = lsb.RestartOverlap
	}
	run := svc.Run
	svc.Run = func(ctx context.Context) error {
		if storeMax > 0 {
			storeState(os.Stdout)
		}
		if len(listen) > 0 {
			name, _, _ := strings.Cut(listen[0], "=")
			defer serveListener(ctx, name, os.Stdout)()
		}
		return run(ctx)
	}
}

// serveListener answers every connection to the listener handed down
// under name (lsb.Listener) with "NAME lib pid P", until ctx ends; then
// it stops accepting. The function it returns waits for the answers
// under way.
func serveListener(ctx context.Context, name string, out io.Writer) (wait func()) {
	ln := lsb.Listener(name)
	if ln == nil {
		fmt.Fprintf(out, "lsbdaemon: no listener named %s\n", name)
		return func() {}
	}
	fmt.Fprintf(out, "lsbdaemon: listener %s on %s\n", name, ln.Addr())
	var busy sync.WaitGroup
	busy.Add(1)
	go func() {
		defer busy.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			fmt.Fprintf(c, "%s lib pid %d\n", name, os.Getpid())
			c.Close()
		}
	}()
	go func() {
		<-ctx.Done()
		ln.Close()
	}()
	return busy.Wait
}

// storeState logs the file an earlier daemon stored under "state"
// (lsb.StoredFiles), or stores one of its own (lsb.Store).
func storeState(out io.Writer) {
	if files := lsb.StoredFiles("state"); len(files) > 0 {
		b := make([]byte, 256)
		n, _ := files[0].ReadAt(b, 0)
		fmt.Fprintf(out, "lsbdaemon: stored state: %s\n", b[:n])
		return
	}
	f, err := os.CreateTemp("", "lsbdaemon-state")
	if err != nil {
		fmt.Fprintf(out, "lsbdaemon: %v\n", err)
		return
	}
	defer f.Close()
	os.Remove(f.Name())
	fmt.Fprintf(f, "stored by pid %d", os.Getpid())
	if err := lsb.Store("state", f); err != nil {
		fmt.Fprintf(out, "lsbdaemon: store: %v\n", err)
		return
	}
	fmt.Fprintf(out, "lsbdaemon: stored state of pid %d\n", os.Getpid())
}
