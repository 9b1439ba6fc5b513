package supervisor

import (
	"bytes"
	"errors"
	"testing"
)

// failing is a writer that writes at most n bytes of each call, then
// fails with err.
type failing struct {
	bytes.Buffer
	n   int
	err error
}

func (w *failing) Write(p []byte) (int, error) {
	if len(p) > w.n {
		w.Buffer.Write(p[:w.n])
		return w.n, w.err
	}
	return w.Buffer.Write(p)
}

// tee writes every byte to the log and to the echo, and reports the log's
// count.
func TestTeeWrite(t *testing.T) {
	var log, echo bytes.Buffer
	w := tee{&log, &echo}
	for _, s := range []string{"daemon: starting\n", "", "daemon: up\n"} {
		if n, err := w.Write([]byte(s)); n != len(s) || err != nil {
			t.Errorf("Write(%q) = %d, %v; want %d, nil", s, n, err, len(s))
		}
	}
	if want := "daemon: starting\ndaemon: up\n"; log.String() != want || echo.String() != want {
		t.Errorf("log %q, echo %q; want %q in both", log.String(), echo.String(), want)
	}
}

// An echo that fails (a journal that went away) never costs the log a
// byte, nor makes the write fail.
func TestTeeWriteEchoFails(t *testing.T) {
	var log bytes.Buffer
	echo := &failing{err: errors.New("journal gone")}
	w := tee{&log, echo}
	msg := []byte("lsbinit: web: started\n")
	if n, err := w.Write(msg); n != len(msg) || err != nil {
		t.Fatalf("Write = %d, %v; want %d, nil: the echo's failure leaked", n, err, len(msg))
	}
	if log.String() != string(msg) {
		t.Errorf("log %q, want %q", log.String(), msg)
	}
}

// A log that fails is reported, with its own count, and the echo still
// gets the whole write.
func TestTeeWriteLogFails(t *testing.T) {
	logErr := errors.New("disk full")
	log := &failing{n: 4, err: logErr}
	var echo bytes.Buffer
	msg := []byte("daemon: output\n")
	n, err := tee{log, &echo}.Write(msg)
	if n != 4 || !errors.Is(err, logErr) {
		t.Errorf("Write = %d, %v; want 4, %v", n, err, logErr)
	}
	if log.String() != "daem" || echo.String() != string(msg) {
		t.Errorf("log %q, echo %q; want %q, %q", log.String(), echo.String(), "daem", msg)
	}
}
