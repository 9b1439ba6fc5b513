package install

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/lsbinit/lsbinit/internal/exitcode"
)

// op is one thing install or uninstall does.
type op int

const (
	opWrite  op = iota // write data to path, mode
	opLink             // make path a symlink to target
	opRemove           // remove path (a file, a link, an empty directory)
	opRun              // run argv
	opNote             // say something
	opCall             // call fn
)

// step is one entry of a plan.
type step struct {
	op       op
	path     string
	data     []byte
	mode     fs.FileMode
	target   string
	argv     []string
	tolerate bool     // opRun: a failure is reported, and the plan goes on
	env      []string // opRun: added to the environment
	fn       func() error
}

// plan is what install or uninstall will do, in order.
type plan struct {
	steps []step
}

func (p *plan) write(path string, data []byte, mode fs.FileMode) {
	p.steps = append(p.steps, step{op: opWrite, path: path, data: data, mode: mode})
}

func (p *plan) link(path, target string) {
	p.steps = append(p.steps, step{op: opLink, path: path, target: target})
}

// remove removes path, if it is still there when the step comes.
func (p *plan) remove(path string) { p.steps = append(p.steps, step{op: opRemove, path: path}) }

// call calls fn, which is described by what; its error ends the plan.
func (p *plan) call(what string, fn func() error) {
	p.steps = append(p.steps, step{op: opCall, data: []byte(what), fn: fn})
}

func (p *plan) run(argv ...string) { p.steps = append(p.steps, step{op: opRun, argv: argv}) }

// try runs argv, going on when it fails.
func (p *plan) try(env []string, argv ...string) {
	p.steps = append(p.steps, step{op: opRun, argv: argv, tolerate: true, env: env})
}

func (p *plan) note(format string, args ...any) {
	p.steps = append(p.steps, step{op: opNote, data: []byte(fmt.Sprintf(format, args...))})
}

// changes reports whether the plan changes anything.
func (p *plan) changes() bool {
	for _, s := range p.steps {
		if s.op != opNote {
			return true
		}
	}
	return false
}

// carry carries the plan out, step by step, saying what it does; with
// --dry-run it says what it would do, each file with its content, and
// does nothing. It stops at the first failure that is not tolerated.
func (o *options) carry(p *plan) error {
	for _, s := range p.steps {
		if err := o.do(s); err != nil {
			return err
		}
	}
	return nil
}

// do carries out one step.
func (o *options) do(s step) error {
	switch s.op {
	case opNote:
		o.step("%s", s.data)
	case opWrite:
		if o.dryRun {
			o.step("write %s (mode %04o):", s.path, s.mode)
			for _, l := range strings.SplitAfter(strings.TrimSuffix(string(s.data), "\n"), "\n") {
				o.step("    %s", strings.TrimSuffix(l, "\n"))
			}
			return nil
		}
		if err := writeFile(s.path, s.data, s.mode); err != nil {
			return o.fail(exitcode.Failed, "writing %s: %w", s.path, err)
		}
		o.step("wrote %s", s.path)
	case opLink:
		if o.dryRun {
			o.step("symlink %s -> %s", s.path, s.target)
			return nil
		}
		if err := writeLink(s.path, s.target); err != nil {
			return o.fail(exitcode.Failed, "symlinking %s: %w", s.path, err)
		}
		o.step("symlinked %s -> %s", s.path, s.target)
	case opRemove:
		if o.dryRun {
			o.step("remove %s", s.path)
			return nil
		}
		if _, err := os.Lstat(s.path); errors.Is(err, fs.ErrNotExist) {
			return nil // a tool removed it already
		}
		if err := os.Remove(s.path); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return o.fail(exitcode.Failed, "%w", err)
		}
		o.step("removed %s", s.path)
	case opRun:
		return o.runStep(s)
	case opCall:
		if o.dryRun {
			o.step("%s", s.data)
			return nil
		}
		if err := s.fn(); err != nil {
			return o.fail(exitcode.Failed, "%w", err)
		}
	}
	return nil
}

// runStep runs a tool, passing its output through.
func (o *options) runStep(s step) error {
	line := strings.Join(append([]string{filepath.Base(s.argv[0])}, s.argv[1:]...), " ")
	if o.dryRun {
		o.step("run %s", line)
		return nil
	}
	cmd := exec.Command(s.argv[0], s.argv[1:]...)
	cmd.Stdout, cmd.Stderr = o.stdout, o.stderr
	cmd.Env = append(os.Environ(), s.env...)
	if err := cmd.Run(); err != nil {
		if s.tolerate {
			o.step("ran %s: %v (going on)", line, err)
			return nil
		}
		return o.fail(exitcode.Failed, "%s failed: %w", line, err)
	}
	o.step("ran %s", line)
	return nil
}

// writeFile replaces path atomically with data: a new file beside it,
// written, synced and renamed over it. A symlink at path is replaced,
// never followed.
func writeFile(path string, data []byte, perm fs.FileMode) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".lsbinit-")
	if err != nil {
		return err
	}
	tmp := f.Name()
	_, err = f.Write(data)
	if err == nil {
		err = f.Chmod(perm)
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
	}
	return err
}

// writeLink replaces path atomically with a symlink to target.
func writeLink(path, target string) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	tmp := filepath.Join(filepath.Dir(path), fmt.Sprintf(".%s.lsbinit-%d", filepath.Base(path), os.Getpid()))
	os.Remove(tmp)
	err := os.Symlink(target, tmp)
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
	}
	return err
}

// kind is what is found at a path install writes.
type kind int

const (
	absent  kind = iota
	ours         // written by install (marker) or a symlink to lsbinit
	foreign      // anything else
)

// found is what is at one path.
type found struct {
	kind   kind
	data   []byte      // a regular file of ours: its content
	mode   fs.FileMode // its permission bits
	target string      // a symlink's target
}

// classify says whose the file at path is. A symlink is ours when it
// points to lsbinit (or the program being installed), or to one of
// targets.
func (o *options) classify(path string, targets ...string) (found, error) {
	info, err := os.Lstat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return found{kind: absent}, nil
	}
	if err != nil {
		return found{kind: foreign}, err
	}
	switch {
	case info.Mode()&fs.ModeSymlink != 0:
		target, _ := os.Readlink(path)
		for _, t := range targets {
			if target == t {
				return found{kind: ours, target: target}, nil
			}
		}
		if o.isLsbinitLink(path, target) {
			return found{kind: ours, target: target}, nil
		}
		return found{kind: foreign, target: target}, nil
	case info.Mode().IsRegular():
		data, err := os.ReadFile(path)
		if err != nil {
			return found{kind: foreign}, err
		}
		if bytes.Contains(data, []byte("\n"+Marker+"\n")) || bytes.HasPrefix(data, []byte(Marker+"\n")) {
			return found{kind: ours, data: data, mode: info.Mode().Perm()}, nil
		}
	}
	return found{kind: foreign}, nil
}

// isLsbinitLink reports whether the symlink path (to target) points to
// lsbinit: a target named lsbinit, or the running executable.
func (o *options) isLsbinitLink(path, target string) bool {
	if filepath.Base(target) == "lsbinit" {
		return true
	}
	a, err1 := os.Stat(path)
	b, err2 := os.Stat(o.exe)
	return err1 == nil && err2 == nil && os.SameFile(a, b)
}

// want plans path to hold data, unless it does already; it refuses a
// file that is not install's.
func (o *options) want(p *plan, path string, data []byte, mode fs.FileMode) (changed bool, err error) {
	f, err := o.classify(path)
	switch {
	case err != nil:
		return false, o.fail(exitcode.Failed, "%w", err)
	case f.kind == foreign:
		return false, o.refuse(path)
	case f.kind == ours && f.data != nil && bytes.Equal(f.data, data) && f.mode == mode:
		p.note("%s is up to date", path)
		return false, nil
	}
	p.write(path, data, mode)
	return true, nil
}

// wantLink plans path to be a symlink to target, unless it is already.
func (o *options) wantLink(p *plan, path, target string) (changed bool, err error) {
	f, err := o.classify(path, target)
	switch {
	case err != nil:
		return false, o.fail(exitcode.Failed, "%w", err)
	case f.kind == foreign:
		return false, o.refuse(path)
	case f.kind == ours && f.target == target:
		p.note("%s is up to date", path)
		return false, nil
	}
	p.link(path, target)
	return true, nil
}

// refuse is the error for a path that holds a file install did not write.
func (o *options) refuse(path string) error {
	return o.fail(exitcode.Failed, "%s exists and was not written by lsbinit install; not touching it (remove or rename it first)", path)
}
