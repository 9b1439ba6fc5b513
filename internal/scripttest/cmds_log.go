package scripttest

import (
	"fmt"
	"os"
	"strconv"

	"github.com/rogpeppe/go-internal/testscript"
)

// waitsize FILE N [DUR]: wait until FILE is at least N bytes long (for a
// log that must reach a file size limit).

func cmdWaitsize(ts *testscript.TestScript, neg bool, args []string) {
	noNeg(ts, neg, "waitsize")
	if len(args) < 2 || len(args) > 3 {
		ts.Fatalf("usage: waitsize FILE N [DUR]")
	}
	want, err := strconv.ParseInt(args[1], 10, 64)
	ts.Check(err)
	var last string
	waitUntil(ts, args, 2, args[0]+" to be "+args[1]+" bytes or more", func() bool {
		info, err := os.Stat(ts.MkAbs(args[0]))
		if err != nil {
			last = err.Error()
			return false
		}
		last = fmt.Sprintf("%d bytes", info.Size())
		return info.Size() >= want
	}, &last)
}
