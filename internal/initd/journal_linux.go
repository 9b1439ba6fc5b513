package initd

import (
	"os"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// journalStream returns stdout, or else stderr, when systemd connected it
// to the journal: $JOURNAL_STREAM names that stream's device and inode
// (systemd.exec(5)), and a descriptor inherited from elsewhere does not
// match them. Else nil.
func journalStream() *os.File {
	dev, ino, ok := strings.Cut(os.Getenv("JOURNAL_STREAM"), ":")
	if !ok {
		return nil
	}
	d, err1 := strconv.ParseUint(dev, 10, 64)
	i, err2 := strconv.ParseUint(ino, 10, 64)
	if err1 != nil || err2 != nil {
		return nil
	}
	for _, f := range []*os.File{os.Stdout, os.Stderr} {
		var st unix.Stat_t
		if unix.Fstat(int(f.Fd()), &st) == nil && uint64(st.Dev) == d && st.Ino == i {
			return f
		}
	}
	return nil
}
