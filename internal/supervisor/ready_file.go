package supervisor

import (
	"fmt"
	"io/fs"
	"os"

	"github.com/lsbinit/lsbinit/internal/ready"
)

// fileReady is READY=file:PATH: the daemon creates the file, or changes
// it: only a file new or changed since the daemon started counts.
type fileReady struct {
	spec   ready.Spec
	before fs.FileInfo // the file before the daemon started, or nil
}

func (r *fileReady) prepare(_ *Supervisor, first bool) error {
	info, err := os.Lstat(r.spec.Path)
	r.before = nil
	switch {
	case err == nil:
		r.before = info
	case first && !os.IsNotExist(err):
		return fmt.Errorf("READY=%s: %v", r.spec, err)
	}
	return nil
}

func (*fileReady) watch(_ *Supervisor, w *readyWatch) { w.every(readyPoll) }

func (r *fileReady) ready(*Supervisor) bool {
	info, err := os.Lstat(r.spec.Path)
	if err != nil {
		return false
	}
	return r.before == nil || !os.SameFile(r.before, info) || !info.ModTime().Equal(r.before.ModTime())
}
