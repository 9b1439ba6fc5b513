package pidfile

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"

	"golang.org/x/sys/unix"
)

// State says what a reader found at a pidfile path.
type State int

// The states Inspect reports.
const (
	Absent   State = iota // no file
	Unlocked              // a file nobody holds: stale, whatever it says
	Locked                // a file held by a live process
)

func (s State) String() string {
	switch s {
	case Absent:
		return "absent"
	case Unlocked:
		return "unlocked"
	case Locked:
		return "locked"
	}
	return "State(" + strconv.Itoa(int(s)) + ")"
}

// Probe is what Inspect found. PID is 0 when the content is not a valid
// PID; BadContent then says why (an empty file is normal for a pidfile
// being started: locked, not yet written).
type Probe struct {
	State      State
	PID        int
	BadContent error
}

// Inspect reports the state of the pidfile at path without creating,
// changing or deleting anything. It takes a shared lock for an instant to
// learn whether an owner holds the file. An error means the state is
// unknown (unreadable, a symlink, a directory, insecure as root).
func Inspect(path string) (Probe, error) {
	r, err := os.OpenFile(path, os.O_RDONLY|unix.O_NOFOLLOW|unix.O_NONBLOCK, 0)
	if errors.Is(err, fs.ErrNotExist) {
		return Probe{State: Absent}, nil
	}
	if err != nil {
		return Probe{}, openError(path, err)
	}
	defer r.Close()
	info, err := r.Stat()
	if err != nil {
		return Probe{}, err
	}
	if err := checkFile(path, info); err != nil {
		return Probe{}, err
	}
	if err := CheckDir(filepath.Dir(path)); err != nil {
		return Probe{}, err
	}
	p := Probe{State: Unlocked}
	p.PID, p.BadContent = parse(r)
	// The lock is tested on the descriptor already open: opening the path
	// again could find it removed, or another file, in between.
	switch err := unix.Flock(int(r.Fd()), unix.LOCK_SH|unix.LOCK_NB); {
	case err == nil:
		unix.Flock(int(r.Fd()), unix.LOCK_UN)
		// An owner removes the file before it lets it go: an unlocked
		// file that is no longer at the path was removed meanwhile.
		if cur, err := os.Lstat(path); err != nil || !os.SameFile(cur, info) {
			return Inspect(path)
		}
	case errors.Is(err, unix.EWOULDBLOCK):
		p.State = Locked
	default:
		return Probe{}, fmt.Errorf("%s: %w", path, err)
	}
	return p, nil
}

// Read returns the PID held in the file at path, or an error wrapping
// ErrInvalid when the content is not exactly a PID and a newline.
func Read(path string) (int, error) {
	r, err := os.OpenFile(path, os.O_RDONLY|unix.O_NOFOLLOW|unix.O_NONBLOCK, 0)
	if err != nil {
		return 0, openError(path, err)
	}
	defer r.Close()
	pid, err := parse(r)
	if err != nil {
		return 0, fmt.Errorf("%s: %w", path, err)
	}
	return pid, nil
}

// parse reads at most maxSize bytes and accepts decimal digits with an
// optional trailing newline, for a PID from 2 to 2^31-1.
func parse(r io.Reader) (int, error) {
	b := make([]byte, maxSize+1)
	n, err := io.ReadFull(r, b)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return 0, err
	}
	return ParsePID(b[:n])
}

// ParsePID parses pidfile content: a PID from 2 to 2^31-1 in canonical
// decimal (no sign, no leading zero) and an optional single trailing
// newline, nothing else.
func ParsePID(b []byte) (int, error) {
	if len(b) > maxSize {
		return 0, fmt.Errorf("%w: more than %d bytes", ErrInvalid, maxSize)
	}
	s := string(b)
	if len(s) > 0 && s[len(s)-1] == '\n' {
		s = s[:len(s)-1]
	}
	if s == "" {
		return 0, fmt.Errorf("%w: empty", ErrInvalid)
	}
	for _, c := range []byte(s) {
		if c < '0' || c > '9' {
			return 0, fmt.Errorf("%w: %q is not a decimal number", ErrInvalid, s)
		}
	}
	if s[0] == '0' {
		return 0, fmt.Errorf("%w: %q is not a usable PID", ErrInvalid, s)
	}
	pid, err := strconv.ParseInt(s, 10, 32)
	if err != nil || pid < 2 {
		return 0, fmt.Errorf("%w: %q is not a usable PID", ErrInvalid, s)
	}
	return int(pid), nil
}
