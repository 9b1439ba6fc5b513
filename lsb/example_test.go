package lsb_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/lsbinit/lsbinit/lsb"
)

// A Go program becomes its own init script: Main runs the action named on
// its command line (start, stop, status, ...) and exits with its LSB code.
// Here Invoke, which Main calls, asks for status and the LSB header of a
// service that has not been started.
func Example() {
	dir, _ := os.MkdirTemp("", "example")
	defer os.RemoveAll(dir)
	svc := lsb.Service{
		Name:    "myapp",
		PidFile: filepath.Join(dir, "myapp.pid"),
		Run: func(ctx context.Context) error {
			<-ctx.Done() // serve until stop
			return nil
		},
		Header: lsb.Header{ShortDescription: "my example app", DefaultStart: "2 3 4 5"},
	}
	code := lsb.Invoke(svc, []string{"status"})
	fmt.Println("exit code", code, code == lsb.StatusNotRunning)
	// Output:
	// myapp is not running
	// exit code 3 true
}

// The LSB comment block insserv, update-rc.d, chkconfig and
// systemd-sysv-generator read; lsbinit header prints the same for a
// config file.
func ExampleHeader() {
	svc := lsb.Service{
		Name:    "myapp",
		Path:    "/usr/sbin/myapp",
		PidFile: "/run/myapp.pid",
		Header:  lsb.Header{RequiredStart: "$network", ShortDescription: "my app"},
	}
	lsb.Invoke(svc, []string{"header"})
	// Output:
	// ### BEGIN INIT INFO
	// # Provides:          myapp
	// # Required-Start:    $network
	// # Required-Stop:     $network
	// # Default-Start:     2 3 4 5
	// # Default-Stop:      0 1 6
	// # Short-Description: my app
	// # Description:       myapp
	// ### END INIT INFO
	// # chkconfig: 2345 20 80
	// # description: myapp
	// # pidfile: /run/myapp.pid
}
