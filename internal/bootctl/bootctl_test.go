package bootctl

import (
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"testing"
)

// The asker's stdout and stderr reach the handler, its exit code comes
// back, and a service boot does not run is declined (the asker acts).
func TestAskServe(t *testing.T) {
	addr := filepath.Join(t.TempDir(), "boot.sock")
	l, err := Listen(addr)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	go l.Serve(func(c *Call) {
		if c.Name != "web" {
			c.Decline()
			return
		}
		fmt.Fprintf(c.Stdout, "out %s %v\n", c.PidFile, c.Args)
		fmt.Fprintln(c.Stderr, "err")
		c.Answer(3)
	})
	ask := func(name string) (code int, handled bool, out, errs string) {
		or, ow, _ := os.Pipe()
		er, ew, _ := os.Pipe()
		code, handled = Ask(addr, Request{Name: name, PidFile: "/run/web.pid", Args: []string{"-q", "restart"}}, ow, ew)
		ow.Close()
		ew.Close()
		o, _ := io.ReadAll(or)
		e, _ := io.ReadAll(er)
		return code, handled, string(o), string(e)
	}
	code, handled, out, errs := ask("web")
	if !handled || code != 3 || out != "out /run/web.pid [-q restart]\n" || errs != "err\n" {
		t.Errorf("web: code %d handled %v out %q err %q", code, handled, out, errs)
	}
	if _, handled, _, _ := ask("db"); handled {
		t.Error("db: handled by a boot that declined it")
	}
}

func TestListenReplacesOnlyADeadSocket(t *testing.T) {
	addr := filepath.Join(t.TempDir(), "boot.sock")
	// A socket left by a boot that was killed: nobody answers at it.
	dead, err := net.ListenUnix("unix", &net.UnixAddr{Name: addr, Net: "unix"})
	if err != nil {
		t.Fatal(err)
	}
	dead.SetUnlinkOnClose(false)
	dead.Close()
	l, err := Listen(addr)
	if err != nil {
		t.Fatalf("over a dead socket: %v", err)
	}
	defer l.Close()
	if info, err := os.Stat(addr); err != nil || info.Mode().Perm() != 0o600 {
		t.Errorf("socket mode: %v %v", info.Mode(), err)
	}
	if _, err := Listen(addr); !errors.Is(err, ErrRunning) {
		t.Errorf("a second boot: %v, want ErrRunning", err)
	}
}

func TestAskTrustsOnlySockets(t *testing.T) {
	f := filepath.Join(t.TempDir(), "boot.sock")
	os.WriteFile(f, nil, 0o600)
	if _, handled := Ask(f, Request{Name: "x"}, os.Stdout, os.Stderr); handled {
		t.Error("a regular file was asked")
	}
	if _, handled := Ask(f+".none", Request{Name: "x"}, os.Stdout, os.Stderr); handled {
		t.Error("a missing socket was asked")
	}
}

func TestAddress(t *testing.T) {
	env := map[string]string{"XDG_RUNTIME_DIR": "/run/user/1000"}
	getenv := func(k string) string { return env[k] }
	for _, tc := range []struct {
		uid  int
		want string
	}{{0, "/run/lsbinit-boot.sock"}, {1000, "/run/user/1000/lsbinit-boot.sock"}} {
		if got := Address(tc.uid, getenv); got != tc.want {
			t.Errorf("uid %d: %s, want %s", tc.uid, got, tc.want)
		}
	}
	if got := Address(1000, nil); got != "/tmp/lsbinit-1000/lsbinit-boot.sock" {
		t.Errorf("no environment: %s", got)
	}
	env[SocketEnv] = "/srv/boot.sock"
	if got := Address(0, getenv); got != "/srv/boot.sock" {
		t.Errorf("%s set: %s", SocketEnv, got)
	}
}
