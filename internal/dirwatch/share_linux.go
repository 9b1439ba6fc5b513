package dirwatch

import (
	"errors"
	"net"
	"os"
	"strconv"
	"sync"
	"time"

	"golang.org/x/sys/unix"
)

// Linux gives each user 128 inotify instances (fs.inotify.max_user_instances)
// for all of the user's processes, and a host may run hundreds of
// supervisors. A process that finds none left shares another's: a process
// that has its own instance and has called Share serves the others of its
// user, over an abstract unix socket (no file to leave behind), and a
// process without one has its watches added there and hears of their
// events over the connection. One process of a user serves at a time (the
// socket's name is unique); the others that could serve wait, connected,
// and the first to see it go takes over. A process whose server went adds
// its watches again wherever it now can, and every watch of it hears
// "lost": something may have changed in between.

// lost, in a delivered mask, says that the instance the watch was on has
// gone. The kernel never sets the bit in an event.
const lost = unix.IN_ONESHOT

// An instance is where a process's watches are added: its own inotify
// instance (a hub), or a server's (a peer).
type instance interface {
	add(path string, flags uint32, s *sub) (int32, error)
	remove(wd int32, s *sub)
	gone() bool
}

var sharing struct {
	mu   sync.Mutex
	on   bool     // Share was called
	name string   // the server's abstract socket, "" for the user's own
	inst instance // what current returns while it lasts
}

// Share lets the process serve the watches of other processes of its user
// that have no inotify instance left, and use such a server when it has
// none itself. Without it, a process without an instance watches through
// dnotify.
func Share() {
	sharing.mu.Lock()
	defer sharing.mu.Unlock()
	if sharing.on {
		return
	}
	sharing.on = true
	if h, ok := sharing.inst.(*hub); ok {
		go h.serve()
	}
}

// current is the instance to add watches to: the process's own, made on
// first use, else a server's; nil when neither is to be had.
func current() instance {
	sharing.mu.Lock()
	defer sharing.mu.Unlock()
	if sharing.inst != nil && !sharing.inst.gone() {
		return sharing.inst
	}
	sharing.inst = nil
	if h := newHub(); h != nil {
		sharing.inst = h
		if sharing.on {
			go h.serve()
		}
		return h
	}
	if sharing.on {
		if c, err := dial(); err == nil {
			p := newPeer(c)
			sharing.inst = p
			return p
		}
	}
	return nil
}

// shareName is the abstract socket a user's server listens on.
func shareName() string {
	if sharing.name != "" {
		return sharing.name
	}
	return "lsbinit-inotify-" + strconv.Itoa(os.Geteuid())
}

// errStranger is a server or client of another user, or of another mount
// namespace or root: its paths are not this process's.
var errStranger = errors.New("dirwatch: the other end is not of this user and file system")

// dial connects to the user's server and proves it is one.
func dial() (*net.UnixConn, error) {
	c, err := net.DialUnix("unix", nil, &net.UnixAddr{Name: "@" + shareName(), Net: "unix"})
	if err != nil {
		return nil, err
	}
	if !kin(c) {
		c.Close()
		return nil, errStranger
	}
	return c, nil
}

// kin reports whether the process at the other end of c is of this
// process's user, and sees the same files: the same mount namespace and
// root directory, so that a path names the same file to both.
func kin(c *net.UnixConn) bool {
	raw, err := c.SyscallConn()
	if err != nil {
		return false
	}
	var cred *unix.Ucred
	raw.Control(func(fd uintptr) {
		cred, err = unix.GetsockoptUcred(int(fd), unix.SOL_SOCKET, unix.SO_PEERCRED)
	})
	if err != nil || cred == nil || cred.Pid <= 0 || int(cred.Uid) != os.Geteuid() {
		return false
	}
	for _, f := range []string{"ns/mnt", "root"} {
		var mine, theirs unix.Stat_t
		if unix.Stat("/proc/self/"+f, &mine) != nil ||
			unix.Stat("/proc/"+strconv.Itoa(int(cred.Pid))+"/"+f, &theirs) != nil ||
			mine.Dev != theirs.Dev || mine.Ino != theirs.Ino {
			return false
		}
	}
	return true
}

// serve serves the user's other processes, or waits connected to the
// process that does, to take over when it goes. It gives up after
// failures in a row (the name is taken by a stranger, say); a wait that
// lasted a while is no failure.
func (h *hub) serve() {
	for fails := 0; fails < 10; {
		l, err := net.ListenUnix("unix", &net.UnixAddr{Name: "@" + shareName(), Net: "unix"})
		if err == nil {
			h.accept(l)
			return
		}
		c, err := dial()
		if errors.Is(err, errStranger) {
			return
		}
		began := time.Now()
		if err == nil {
			c.Read(make([]byte, 1)) // the server sends nothing: this ends when it goes
			c.Close()
		}
		if time.Since(began) > time.Second {
			fails = 0
			continue
		}
		fails++
		time.Sleep(time.Duration(fails) * 20 * time.Millisecond)
	}
}

// accept serves each connection of a process of the user's.
func (h *hub) accept(l *net.UnixListener) {
	for {
		c, err := l.AcceptUnix()
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return
			}
			time.Sleep(10 * time.Millisecond) // out of descriptors, say
			continue
		}
		go h.client(c)
	}
}
