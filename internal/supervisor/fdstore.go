package supervisor

import (
	"os"
	"sync"

	"golang.org/x/sys/unix"
)

// The descriptor store (FDSTORE_MAX), as systemd's: the daemon hands the
// supervisor descriptors with sd_notify "FDSTORE=1" (named by "FDNAME=",
// default "stored") and removes them with "FDSTOREREMOVE=1" and their
// name; every daemon the supervisor starts later, after a restart or a
// respawn, gets them back after the LISTEN sockets, named in
// LISTEN_FDNAMES. They stay open while the supervisor runs.

// fdStore holds the stored descriptors; the notify socket's goroutine
// fills it while the supervisor's reads it.
type fdStore struct {
	mu    sync.Mutex
	max   int // FDSTORE_MAX
	files []storedFile
}

type storedFile struct {
	name string
	f    *os.File
}

// stored acts on a datagram's store messages, and closes the descriptors
// it carried that are not kept. A sender the kernel did not name (other
// systems) may not store: the socket's file is open to every user.
func (sv *Supervisor) stored(msg map[string]string, files []*os.File, pid int) {
	if pid == 0 {
		closeFiles(files)
		return
	}
	name := msg["FDNAME"]
	if name == "" {
		name = "stored"
	}
	if msg["FDSTOREREMOVE"] == "1" {
		sv.store.remove(name)
	}
	if msg["FDSTORE"] != "1" {
		closeFiles(files)
		return
	}
	kept, dropped := len(files), sv.store.add(name, files)
	if kept -= dropped; kept > 0 {
		sv.logf("lsbinit: %s: FDSTORE: keeping %d descriptor(s) named %q\n", sv.name, kept, name)
	}
	if dropped > 0 {
		sv.logf("lsbinit: %s: FDSTORE: %d descriptor(s) named %q refused: the store holds at most FDSTORE_MAX=%d\n",
			sv.name, dropped, name, sv.store.bound())
	}
}

// add keeps files under name as far as the bound allows; it closes the
// rest and returns how many.
func (s *fdStore) add(name string, files []*os.File) (dropped int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, f := range files {
		if len(s.files) >= s.max {
			f.Close()
			dropped++
			continue
		}
		s.files = append(s.files, storedFile{name, f})
	}
	return dropped
}

// remove closes and forgets the descriptors stored under name.
func (s *fdStore) remove(name string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	kept := s.files[:0]
	for _, sf := range s.files {
		if sf.name == name {
			sf.f.Close()
			continue
		}
		kept = append(kept, sf)
	}
	s.files = kept
}

// setBound sets FDSTORE_MAX; descriptors beyond a lowered bound stay
// until removed.
func (s *fdStore) setBound(n int) {
	s.mu.Lock()
	s.max = n
	s.mu.Unlock()
}

func (s *fdStore) bound() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.max
}

// snapshot copies the stored descriptors for a daemon about to start, in
// the order they were stored, with their names (a FDSTOREREMOVE may
// close the originals meanwhile). Call restore with the copies once the
// daemon has started.
func (s *fdStore) snapshot() (files []*os.File, names []string, nonblock []bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, sf := range s.files {
		fd, err := unix.Dup(int(sf.f.Fd()))
		if err != nil {
			continue
		}
		unix.CloseOnExec(fd)
		flags, _ := unix.FcntlInt(uintptr(fd), unix.F_GETFL, 0)
		files, names = append(files, os.NewFile(uintptr(fd), sf.name)), append(names, sf.name)
		nonblock = append(nonblock, flags&unix.O_NONBLOCK != 0)
	}
	return files, names, nonblock
}

// restore closes the copies snapshot made, giving back the non-blocking
// mode that handing a descriptor to a child takes away (os.File.Fd);
// the mode belongs to the open file, which the daemons share.
func restore(copies []*os.File, nonblock []bool) {
	for i, f := range copies {
		if nonblock[i] {
			unix.SetNonblock(int(f.Fd()), true)
		}
		f.Close()
	}
}

// closeAll closes every stored descriptor.
func (s *fdStore) closeAll() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, sf := range s.files {
		sf.f.Close()
	}
	s.files = nil
}

// closeFiles closes every file that is not nil.
func closeFiles(files []*os.File) {
	for _, f := range files {
		if f != nil {
			f.Close()
		}
	}
}
