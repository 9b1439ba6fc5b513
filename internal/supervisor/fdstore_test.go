package supervisor

import (
	"errors"
	"io"
	"os"
	"reflect"
	"testing"

	"golang.org/x/sys/unix"
)

// pipeEnds makes n non-blocking pipes and returns their ends as
// os.NewFile makes them, like the descriptors a daemon passes (see
// receivedFiles); the write ends are closed when the test ends, the read
// ends are the caller's.
func pipeEnds(t *testing.T, n int) (reads, writes []*os.File) {
	t.Helper()
	for i := 0; i < n; i++ {
		r, w := rawPipe(t, unix.O_NONBLOCK)
		t.Cleanup(func() { w.Close() })
		reads, writes = append(reads, r), append(writes, w)
	}
	return reads, writes
}

// rawPipe makes a pipe with pipe2(flags) and wraps its ends with os.NewFile.
func rawPipe(t *testing.T, flags int) (r, w *os.File) {
	t.Helper()
	var fds [2]int
	if err := unix.Pipe2(fds[:], flags|unix.O_CLOEXEC); err != nil {
		t.Fatal(err)
	}
	return os.NewFile(uintptr(fds[0]), "r"), os.NewFile(uintptr(fds[1]), "w")
}

// isClosed reports whether f has been closed through its *os.File.
func isClosed(f *os.File) bool { return errors.Is(f.Close(), os.ErrClosed) }

// storeNames lists the names the store holds, in order.
func storeNames(s *fdStore) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var names []string
	for _, sf := range s.files {
		names = append(names, sf.name)
	}
	return names
}

// add keeps descriptors up to FDSTORE_MAX, closes and counts the rest,
// and keeps refusing once the store is full.
func TestFDStoreAddEnforcesBound(t *testing.T) {
	var s fdStore
	s.setBound(2)
	defer s.closeAll()
	if s.bound() != 2 {
		t.Fatalf("bound() = %d, want 2", s.bound())
	}
	files, _ := pipeEnds(t, 4)
	if dropped := s.add("a", files[:3]); dropped != 1 {
		t.Fatalf("add 3 under bound 2: dropped %d, want 1", dropped)
	}
	if !isClosed(files[2]) {
		t.Error("the descriptor beyond the bound was not closed")
	}
	if dropped := s.add("b", files[3:]); dropped != 1 {
		t.Fatalf("add to a full store: dropped %d, want 1", dropped)
	}
	if !isClosed(files[3]) {
		t.Error("the descriptor refused by a full store was not closed")
	}
	if got, want := storeNames(&s), []string{"a", "a"}; !reflect.DeepEqual(got, want) {
		t.Errorf("stored %q, want %q", got, want)
	}
}

// A zero store (FDSTORE_MAX unset) keeps nothing.
func TestFDStoreZeroBoundKeepsNothing(t *testing.T) {
	var s fdStore
	files, _ := pipeEnds(t, 2)
	if dropped := s.add("x", files); dropped != 2 {
		t.Fatalf("dropped %d, want 2", dropped)
	}
	for i, f := range files {
		if !isClosed(f) {
			t.Errorf("file %d was not closed", i)
		}
	}
	if n := len(storeNames(&s)); n != 0 {
		t.Errorf("the store holds %d descriptors, want 0", n)
	}
}

// Lowering the bound keeps what is stored but refuses more; raising it
// again takes more.
func TestFDStoreLoweredBound(t *testing.T) {
	var s fdStore
	defer s.closeAll()
	s.setBound(3)
	files, _ := pipeEnds(t, 5)
	if dropped := s.add("a", files[:3]); dropped != 0 {
		t.Fatalf("dropped %d, want 0", dropped)
	}
	s.setBound(1)
	if got := len(storeNames(&s)); got != 3 {
		t.Fatalf("after lowering the bound the store holds %d, want 3", got)
	}
	if dropped := s.add("b", files[3:4]); dropped != 1 {
		t.Errorf("add above a lowered bound: dropped %d, want 1", dropped)
	}
	s.remove("a")
	s.setBound(2)
	if dropped := s.add("c", files[4:]); dropped != 0 {
		t.Errorf("add after remove and a raised bound: dropped %d, want 0", dropped)
	}
	if got, want := storeNames(&s), []string{"c"}; !reflect.DeepEqual(got, want) {
		t.Errorf("stored %q, want %q", got, want)
	}
}

// remove closes and forgets every descriptor of one name, and only those,
// keeping the others in order; removing an unknown name does nothing.
func TestFDStoreRemove(t *testing.T) {
	var s fdStore
	defer s.closeAll()
	s.setBound(10)
	files, _ := pipeEnds(t, 4)
	s.add("a", files[:1])
	s.add("b", files[1:2])
	s.add("a", files[2:3])
	s.add("c", files[3:])
	s.remove("nosuch")
	if got := len(storeNames(&s)); got != 4 {
		t.Fatalf("removing an unknown name left %d, want 4", got)
	}
	s.remove("a")
	if got, want := storeNames(&s), []string{"b", "c"}; !reflect.DeepEqual(got, want) {
		t.Errorf("after remove(a) stored %q, want %q", got, want)
	}
	if !isClosed(files[0]) || !isClosed(files[2]) {
		t.Error("remove did not close the removed descriptors")
	}
	if isClosed(files[1]) || isClosed(files[3]) {
		t.Error("remove closed a descriptor of another name")
	}
}

// Replacing a name, as a daemon does with FDSTOREREMOVE=1 and FDSTORE=1
// in one datagram, leaves only the new descriptor under it, at the end.
func TestFDStoreReplaceName(t *testing.T) {
	var s fdStore
	defer s.closeAll()
	s.setBound(2)
	files, writes := pipeEnds(t, 3)
	s.add("conn", files[:1])
	s.add("other", files[1:2])
	s.remove("conn")
	if dropped := s.add("conn", files[2:]); dropped != 0 {
		t.Fatalf("the replacement was dropped (%d); the removed one should have made room", dropped)
	}
	got, names, _ := s.snapshot()
	defer closeFiles(got)
	if want := []string{"other", "conn"}; !reflect.DeepEqual(names, want) {
		t.Fatalf("names %q, want %q", names, want)
	}
	readsWhatIsWritten(t, writes[2], got[1])
}

// readsWhatIsWritten checks that r is the read end of w's pipe.
func readsWhatIsWritten(t *testing.T, w, r *os.File) {
	t.Helper()
	msg := []byte("x" + r.Name())
	if _, err := w.Write(msg); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, len(msg))
	if _, err := io.ReadFull(r, buf); err != nil || string(buf) != string(msg) {
		t.Errorf("read %q, %v from %s; want %q", buf, err, r.Name(), msg)
	}
}

// withFD runs fn on f's descriptor without f.Fd, which would make the
// open file blocking.
func withFD(t *testing.T, f *os.File, fn func(fd int)) {
	t.Helper()
	rc, err := f.SyscallConn()
	if err != nil {
		t.Fatal(err)
	}
	if err := rc.Control(func(fd uintptr) { fn(int(fd)) }); err != nil {
		t.Fatal(err)
	}
}

// snapshot returns close-on-exec duplicates of the stored descriptors, in
// the order stored, with their names and non-blocking modes; they outlive
// the originals.
func TestFDStoreSnapshot(t *testing.T) {
	var s fdStore
	s.setBound(10)
	files, writes := pipeEnds(t, 2) // non-blocking
	blockR, blockW := rawPipe(t, 0)
	defer blockW.Close()
	s.add("first", files[:1])
	s.add("blocking", []*os.File{blockR})
	s.add("last", files[1:])
	copies, names, nonblock := s.snapshot()
	defer closeFiles(copies)
	if want := []string{"first", "blocking", "last"}; !reflect.DeepEqual(names, want) {
		t.Fatalf("names %q, want %q", names, want)
	}
	if want := []bool{true, false, true}; !reflect.DeepEqual(nonblock, want) {
		t.Errorf("nonblock %v, want %v", nonblock, want)
	}
	for i, c := range copies {
		if c.Name() != names[i] {
			t.Errorf("copy %d is named %q, want %q", i, c.Name(), names[i])
		}
		withFD(t, c, func(fd int) {
			if flags, err := unix.FcntlInt(uintptr(fd), unix.F_GETFD, 0); err != nil || flags&unix.FD_CLOEXEC == 0 {
				t.Errorf("copy %d: F_GETFD = %#x, %v; want close-on-exec", i, flags, err)
			}
		})
	}
	s.closeAll() // the copies are duplicates: they still read their pipes
	readsWhatIsWritten(t, writes[0], copies[0])
	readsWhatIsWritten(t, blockW, copies[1])
	readsWhatIsWritten(t, writes[1], copies[2])
}

// A stored descriptor closed behind the store's back is left out of a
// snapshot without shifting the names of the others.
func TestFDStoreSnapshotSkipsClosed(t *testing.T) {
	var s fdStore
	defer s.closeAll()
	s.setBound(10)
	files, writes := pipeEnds(t, 3)
	s.add("a", files[:1])
	s.add("b", files[1:2])
	s.add("c", files[2:])
	files[1].Close()
	copies, names, nonblock := s.snapshot()
	defer closeFiles(copies)
	if want := []string{"a", "c"}; !reflect.DeepEqual(names, want) || len(copies) != 2 || len(nonblock) != 2 {
		t.Fatalf("snapshot gave %d files, names %q, %d modes; want 2, %q, 2", len(copies), names, len(nonblock), want)
	}
	readsWhatIsWritten(t, writes[2], copies[1])
}

// An empty store's snapshot is empty.
func TestFDStoreSnapshotEmpty(t *testing.T) {
	var s fdStore
	s.setBound(4)
	if files, names, nonblock := s.snapshot(); len(files)+len(names)+len(nonblock) != 0 {
		t.Errorf("snapshot of an empty store: %v %q %v", files, names, nonblock)
	}
}

// closeAll closes every stored descriptor and empties the store, which
// then takes descriptors again up to its bound.
func TestFDStoreCloseAll(t *testing.T) {
	var s fdStore
	s.setBound(2)
	files, _ := pipeEnds(t, 3)
	s.add("a", files[:1])
	s.add("b", files[1:2])
	s.closeAll()
	if !isClosed(files[0]) || !isClosed(files[1]) {
		t.Error("closeAll left a descriptor open")
	}
	if n := len(storeNames(&s)); n != 0 {
		t.Errorf("closeAll left %d entries", n)
	}
	s.closeAll() // again: nothing to close
	if dropped := s.add("c", files[2:]); dropped != 0 {
		t.Errorf("after closeAll: dropped %d, want 0", dropped)
	}
	s.closeAll()
	if !isClosed(files[2]) {
		t.Error("the second closeAll left a descriptor open")
	}
}

// snapshot leaves a stored non-blocking descriptor non-blocking, and so
// does handing a copy to a child (Fd, as exec.Cmd does with ExtraFiles):
// the mode belongs to the open file the running daemon shares.
func TestFDStoreSnapshotKeepsNonblocking(t *testing.T) {
	var s fdStore
	defer s.closeAll()
	s.setBound(1)
	files, _ := pipeEnds(t, 1)
	s.add("a", files)
	copies, _, nonblock := s.snapshot()
	defer closeFiles(copies)
	copies[0].Fd()
	if !nonblock[0] || !fileNonblocking(t, files[0]) || !fileNonblocking(t, copies[0]) {
		t.Errorf("after snapshot and Fd: recorded %v, stored non-blocking %v, copy non-blocking %v; want all true",
			nonblock[0], fileNonblocking(t, files[0]), fileNonblocking(t, copies[0]))
	}
}

// restore closes the copies and gives the shared open file back the
// non-blocking mode it had at the snapshot, and leaves blocking ones be.
func TestRestoreNonblocking(t *testing.T) {
	var s fdStore
	defer s.closeAll()
	s.setBound(2)
	files, _ := pipeEnds(t, 1)
	blockR, blockW := rawPipe(t, 0)
	defer blockW.Close()
	s.add("a", append(files, blockR))
	copies, _, nonblock := s.snapshot()
	withFD(t, copies[0], func(fd int) { unix.SetNonblock(fd, false) }) // the mode lost
	if fileNonblocking(t, files[0]) {
		t.Fatal("clearing O_NONBLOCK on the copy did not reach the stored descriptor; the test proves nothing")
	}
	restore(copies, nonblock)
	if !fileNonblocking(t, files[0]) {
		t.Error("restore did not make the stored descriptor non-blocking again")
	}
	if fileNonblocking(t, blockR) {
		t.Error("restore made a blocking descriptor non-blocking")
	}
	if !isClosed(copies[0]) || !isClosed(copies[1]) {
		t.Error("restore did not close the copies")
	}
}

func fileNonblocking(t *testing.T, f *os.File) (nonblocking bool) {
	t.Helper()
	withFD(t, f, func(fd int) {
		flags, err := unix.FcntlInt(uintptr(fd), unix.F_GETFL, 0)
		if err != nil {
			t.Fatal(err)
		}
		nonblocking = flags&unix.O_NONBLOCK != 0
	})
	return nonblocking
}

// closeFiles skips nil entries (taken sockets) and closes the rest.
func TestCloseFilesSkipsNil(t *testing.T) {
	files, _ := pipeEnds(t, 2)
	closeFiles([]*os.File{files[0], nil, files[1]})
	if !isClosed(files[0]) || !isClosed(files[1]) {
		t.Error("closeFiles left a file open")
	}
}
