package scripttest

// The commands that read a log's numbered lines, truncate a file, and
// listen as a notify socket (documented in cmds.go).

import (
	"bytes"
	"net"
	"os"
	"strconv"

	"github.com/rogpeppe/go-internal/testscript"
)

func cmdLineseq(ts *testscript.TestScript, neg bool, args []string) {
	noNeg(ts, neg, "lineseq")
	emptyOK := len(args) > 0 && args[0] == "-empty-ok"
	if emptyOK {
		args = args[1:]
	}
	if len(args) < 1 {
		ts.Fatalf("usage: lineseq [-empty-ok] FILE...")
	}
	next := 1
	for _, file := range args {
		data := ts.ReadFile(file)
		if bytes.IndexByte([]byte(data), 0) >= 0 {
			ts.Fatalf("%s holds NUL bytes (written at a stale offset, not appended?)", file)
		}
		m := lineRE.FindAllStringSubmatch(data, -1)
		if len(m) == 0 && !(emptyOK && data == "") {
			ts.Fatalf("%s has no numbered lines", file)
		}
		for _, sub := range m {
			n, _ := strconv.Atoi(sub[1])
			if n != next {
				ts.Fatalf("%s: line %d follows line %d (lines lost or repeated)", file, n, next-1)
			}
			next++
		}
	}
	ts.Logf("lines 1 to %d, none lost", next-1)
}

func cmdTruncate(ts *testscript.TestScript, neg bool, args []string) {
	noNeg(ts, neg, "truncate")
	if len(args) != 1 {
		ts.Fatalf("usage: truncate FILE")
	}
	ts.Check(os.Truncate(ts.MkAbs(args[0]), 0))
}

func cmdNotifylisten(ts *testscript.TestScript, neg bool, args []string) {
	noNeg(ts, neg, "notifylisten")
	if len(args) != 2 {
		ts.Fatalf("usage: notifylisten SOCK LOG")
	}
	conn, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: ts.MkAbs(args[0]), Net: "unixgram"})
	ts.Check(err)
	log, err := os.OpenFile(ts.MkAbs(args[1]), os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
	ts.Check(err)
	done := make(chan struct{})
	go func() {
		defer close(done)
		buf := make([]byte, 4096)
		for {
			n, err := conn.Read(buf)
			if err != nil {
				return
			}
			log.Write(append(buf[:n:n], '\n'))
		}
	}()
	ts.Defer(func() {
		conn.Close()
		<-done
		log.Close()
	})
}
