// Command lsbinit is a complete LSB init script for any daemon: symlink it
// as /etc/init.d/NAME, describe the daemon in /etc/lsbinit/NAME.conf, and
// `NAME start|stop|restart|try-restart|reload|force-reload|status` behave
// as the LSB specifies, exit codes included.
package main

import (
	"os"

	"github.com/lsbinit/lsbinit/internal/cli"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

func main() {
	os.Exit(int(cli.Main(os.Args, version, os.Getenv, os.Stdout, os.Stderr)))
}
