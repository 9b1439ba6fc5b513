// Command floor is the least a status check can do in Go: open a pidfile,
// test its lock, read the PID. bench/fleet.sh times it as the floor under
// lsbinit's status (a static Go program's start-up is most of it).
package main

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"
)

func main() {
	f, err := os.Open(os.Args[1])
	if err != nil {
		os.Exit(3)
	}
	if syscall.Flock(int(f.Fd()), syscall.LOCK_SH|syscall.LOCK_NB) == nil {
		os.Exit(1) // nobody holds it: not running
	}
	b := make([]byte, 32)
	n, _ := f.Read(b)
	pid, _ := strconv.Atoi(strings.TrimSpace(string(b[:n])))
	fmt.Printf("running (pid %d)\n", pid)
}
