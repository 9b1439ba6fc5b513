package dirwatch

import (
	"errors"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"time"

	"golang.org/x/sys/unix"
)

// Linux gives each user 128 inotify instances (fs.inotify.max_user_instances)
// for all of the user's processes, and a host may run hundreds of
// supervisors. A process that finds none left shares another's: a process
// that has its own instance and has called Share serves the others of its
// user, over a unix socket in a directory only the user (or root) can
// write, and a process without one has its watches added there and hears
// of their events over the connection. One process of a user serves at a
// time, the one that holds the lock beside the socket; the others that
// could serve wait, connected, and the first to see it go takes over. A
// process whose server went adds its watches again wherever it now can,
// and every watch of it hears "lost": something may have changed in
// between.

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
	mu      sync.Mutex
	on      bool      // Share was called, with a directory fit for the socket
	dir     string    // where the socket and its lock are
	inst    instance  // what current returns while it lasts
	lost    time.Time // when the server last went
	slow    time.Time // when a server last went for not keeping up,
	slowPID int32     // and which
}

// stalledPause is how long after a server went for not keeping up
// (stopped, say, while its socket still takes connections) a process
// does without that server, rather than wait for its answers again; a
// new server (another process took over) is used at once.
const stalledPause = 10 * time.Second

// takeover is how long after its server went a process keeps trying to
// reach the next: the processes that could serve race to take over, and
// the winner may not listen yet.
const takeover = 500 * time.Millisecond

// Share lets the process serve the watches of other processes of its user
// that have no inotify instance left, and use such a server when it has
// none itself, through a socket in dir (made, mode 0700, if missing): it
// does nothing unless dir is a directory that this user or root owns and
// no one else may write. Without it, a process without an instance
// watches through dnotify.
func Share(dir string) {
	sharing.mu.Lock()
	defer sharing.mu.Unlock()
	if sharing.on || !private(dir) {
		return
	}
	sharing.on, sharing.dir = true, dir
	if h, ok := sharing.inst.(*hub); ok {
		go h.serve()
	}
}

// private reports whether dir is fit for the socket, making it if need be.
func private(dir string) bool {
	if !filepath.IsAbs(dir) {
		return false
	}
	os.Mkdir(dir, 0o700)
	var st unix.Stat_t
	return unix.Lstat(dir, &st) == nil && st.Mode&unix.S_IFMT == unix.S_IFDIR &&
		(int(st.Uid) == os.Geteuid() || st.Uid == 0) && st.Mode&0o022 == 0
}

// sharingOn reports whether Share was called.
func sharingOn() bool {
	sharing.mu.Lock()
	defer sharing.mu.Unlock()
	return sharing.on
}

// current is the instance to add watches to: the process's own, made on
// first use, else a server's; nil when neither is to be had.
func current() instance {
	sharing.mu.Lock()
	defer sharing.mu.Unlock()
	if sharing.inst != nil && !sharing.inst.gone() {
		return sharing.inst
	}
	if sharing.inst != nil {
		sharing.lost = time.Now()
		if p, ok := sharing.inst.(*peer); ok && p.wasSlow() {
			sharing.slow, sharing.slowPID = sharing.lost, p.server
		}
	}
	sharing.inst = nil
	if h := newHub(); h != nil {
		sharing.inst = h
		if sharing.on {
			go h.serve()
		}
		return h
	}
	if !sharing.on {
		return nil
	}
	for wait := 10 * time.Millisecond; ; wait *= 2 {
		c, pid, err := dial()
		if err == nil && pid == sharing.slowPID && time.Since(sharing.slow) < stalledPause {
			c.Close()
			return nil
		}
		if err == nil {
			p := newPeer(c, pid)
			sharing.inst = p
			return p
		}
		if time.Since(sharing.lost) > takeover { // a stranger too: see serve
			return nil
		}
		time.Sleep(wait)
	}
}

// The socket a user's server listens on, and the lock its server holds.
func socketPath() string { return filepath.Join(sharing.dir, "lsbinit-inotify.sock") }
func lockPath() string   { return filepath.Join(sharing.dir, "lsbinit-inotify.lock") }

// errStranger is a server or client of another user, or of another mount
// namespace or root: its paths are not this process's.
var errStranger = errors.New("dirwatch: the other end is not of this user and file system")

// dial connects to the user's server and proves it is one; it returns
// the server's PID too.
func dial() (*net.UnixConn, int32, error) {
	c, err := net.DialUnix("unix", nil, &net.UnixAddr{Name: socketPath(), Net: "unix"})
	if err != nil {
		return nil, 0, err
	}
	pid := kin(c)
	if pid == 0 {
		c.Close()
		return nil, 0, errStranger
	}
	return c, pid, nil
}

// kin returns the PID of the process at the other end of c if it is of
// this process's user and sees the same files (the same mount namespace
// and root directory, so that a path names the same file to both), and
// 0 otherwise.
func kin(c *net.UnixConn) int32 {
	raw, err := c.SyscallConn()
	if err != nil {
		return 0
	}
	var cred *unix.Ucred
	raw.Control(func(fd uintptr) {
		cred, err = unix.GetsockoptUcred(int(fd), unix.SOL_SOCKET, unix.SO_PEERCRED)
	})
	if err != nil || cred == nil || cred.Pid <= 0 || int(cred.Uid) != os.Geteuid() {
		return 0
	}
	for _, f := range []string{"ns/mnt", "root"} {
		var mine, theirs unix.Stat_t
		if unix.Stat("/proc/self/"+f, &mine) != nil ||
			unix.Stat("/proc/"+strconv.Itoa(int(cred.Pid))+"/"+f, &theirs) != nil ||
			mine.Dev != theirs.Dev || mine.Ino != theirs.Ino {
			return 0
		}
	}
	return cred.Pid
}

// serve serves the user's other processes, or waits connected to the
// process that does, to take over when it goes. It gives up after
// failures in a row; a wait that lasted a while is no failure. A server
// that seems a stranger is one failure, not the end: a server that is
// exiting still takes connections for a moment after its files are
// closed, when its /proc entries are gone already, and its lock may not
// be free yet.
func (h *hub) serve() {
	for fails := 0; fails < 10; {
		if l, lock := listen(); l != nil {
			h.accept(l)
			lock.Close()
			return
		}
		c, _, err := dial()
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

// listen makes the process the server when no other is: it takes the
// lock, replaces the socket a server that went left behind, and listens.
// The lock is held until the returned file is closed.
func listen() (*net.UnixListener, *os.File) {
	lock, err := os.OpenFile(lockPath(), os.O_RDWR|os.O_CREATE|unix.O_NOFOLLOW, 0o600)
	if err != nil {
		return nil, nil
	}
	if unix.Flock(int(lock.Fd()), unix.LOCK_EX|unix.LOCK_NB) != nil {
		lock.Close()
		return nil, nil
	}
	os.Remove(socketPath())
	l, err := net.ListenUnix("unix", &net.UnixAddr{Name: socketPath(), Net: "unix"})
	if err != nil {
		lock.Close()
		return nil, nil
	}
	os.Chmod(socketPath(), 0o600)
	return l, lock
}

// accept serves each connection of a process of the user's. It waits
// longer after each failure in a row (out of descriptors, say).
func (h *hub) accept(l *net.UnixListener) {
	pause := 10 * time.Millisecond
	for {
		c, err := l.AcceptUnix()
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return
			}
			time.Sleep(pause)
			pause = min(2*pause, 5*time.Second)
			continue
		}
		pause = 10 * time.Millisecond
		go h.client(c)
	}
}
