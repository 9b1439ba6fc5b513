// Command idle is the floor of a resident Go process: a static program
// that only waits for a signal. bench/scale.sh measures the supervisor's
// memory beside it.
package main

import (
	"os"
	"os/signal"
	"syscall"
)

func main() {
	c := make(chan os.Signal, 1)
	signal.Notify(c, syscall.SIGTERM, syscall.SIGINT)
	<-c
}
