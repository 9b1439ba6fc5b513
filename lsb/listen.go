package lsb

import (
	"errors"
	"net"
	"os"
	"strings"
	"sync"

	"golang.org/x/sys/unix"

	"github.com/lsbinit/lsbinit/internal/daemon"
)

// The descriptors a daemon is handed: the sockets of Service.Listen (or
// of a systemd .socket unit), then the files it stored with Store, by the
// protocol of sd_listen_fds(3). They are taken from the environment once,
// on first use.
var inherited struct {
	once      sync.Once
	listeners map[string][]net.Listener
	packets   map[string][]net.PacketConn
	files     map[string][]*os.File
}

func takeInherited() {
	inherited.once.Do(func() {
		inherited.listeners = map[string][]net.Listener{}
		inherited.packets = map[string][]net.PacketConn{}
		inherited.files = map[string][]*os.File{}
		for _, f := range daemon.ListenFiles() {
			name := f.Name()
			if l, err := net.FileListener(f); err == nil {
				inherited.listeners[name] = append(inherited.listeners[name], l)
				f.Close()
			} else if c, err := net.FilePacketConn(f); err == nil {
				inherited.packets[name] = append(inherited.packets[name], c)
				f.Close()
			} else {
				inherited.files[name] = append(inherited.files[name], f)
			}
		}
	})
}

// Listeners returns the listening sockets handed to the daemon, by name
// (Service.Listen's NAME=, the service's name by default), each name's in
// the order they were listed. It is empty when none were handed down.
func Listeners() map[string][]net.Listener {
	takeInherited()
	return inherited.listeners
}

// Listener returns the first listening socket handed down under name, or
// nil when there is none: a daemon then binds its own.
func Listener(name string) net.Listener {
	takeInherited()
	if ls := inherited.listeners[name]; len(ls) > 0 {
		return ls[0]
	}
	return nil
}

// PacketConn returns the first datagram socket (udp:) handed down under
// name, or nil.
func PacketConn(name string) net.PacketConn {
	takeInherited()
	if cs := inherited.packets[name]; len(cs) > 0 {
		return cs[0]
	}
	return nil
}

// StoredFiles returns the descriptors an earlier daemon of this service
// stored under name with Store, in the order they were stored.
func StoredFiles(name string) []*os.File {
	takeInherited()
	return inherited.files[name]
}

// Store hands files to the supervisor under name (sd_notify FDSTORE=1 and
// FDNAME=), which keeps them open and hands them to the next daemon it
// starts, after a restart or a respawn: see Service.FDStoreMax. Under
// systemd it is the unit's file-descriptor store.
func Store(name string, files ...*os.File) error {
	addr := os.Getenv("NOTIFY_SOCKET")
	if addr == "" {
		return errors.New("NOTIFY_SOCKET is not set: no supervisor keeps a store")
	}
	if strings.HasPrefix(addr, "@") {
		addr = "\x00" + addr[1:]
	}
	fds := make([]int, len(files))
	for i, f := range files {
		fds[i] = int(f.Fd())
	}
	sock, err := unix.Socket(unix.AF_UNIX, unix.SOCK_DGRAM, 0)
	if err != nil {
		return err
	}
	defer unix.Close(sock)
	unix.CloseOnExec(sock)
	msg := "FDSTORE=1\nFDNAME=" + name
	return unix.Sendmsg(sock, []byte(msg), unix.UnixRights(fds...), &unix.SockaddrUnix{Name: addr}, 0)
}
