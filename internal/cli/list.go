package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/lsbinit/lsbinit/internal/config"
	"github.com/lsbinit/lsbinit/internal/exitcode"
	"github.com/lsbinit/lsbinit/internal/initd"
	"github.com/lsbinit/lsbinit/internal/paths"
	"github.com/lsbinit/lsbinit/internal/proc"
	"github.com/lsbinit/lsbinit/internal/spec"
)

// listUsage is list's usage text.
const listUsage = "Usage: lsbinit list [--json] [--config-dir DIR] [--initd-dir DIR]\n"

// listMain is `lsbinit list`: one line per service lsbinit knows of (the
// configs in /etc/lsbinit, and the /etc/init.d entries that are lsbinit
// links or wrappers), or with --json an array of status --json objects
// without their log lines.
func listMain(args []string, getenv func(string) string, stdout, stderr io.Writer) exitcode.Code {
	asJSON, confDir, initDir := false, "/etc/lsbinit", "/etc/init.d"
	explicit := map[string]bool{}
	for i := 0; i < len(args); i++ {
		switch a := args[i]; {
		case a == "--json":
			asJSON = true
		case (a == "--config-dir" || a == "--initd-dir") && i+1 < len(args):
			if a == "--config-dir" {
				confDir = args[i+1]
			} else {
				initDir = args[i+1]
			}
			explicit[args[i+1]] = true
			i++
		case a == "-h" || a == "--help":
			fmt.Fprint(stdout, listUsage)
			return exitcode.OK
		default:
			fmt.Fprintf(stderr, "lsbinit list: unexpected argument %q\n%s", a, listUsage)
			return exitcode.Usage
		}
	}
	services, err := knownServices(confDir, initDir, explicit)
	if err != nil {
		fmt.Fprintf(stderr, "lsbinit list: %v\n", err)
		return exitcode.Failed
	}
	table := proc.Snapshot()
	var reports []initd.Report
	for _, svc := range services {
		reports = append(reports, inspectKnown(svc, getenv, table))
	}
	if asJSON {
		if reports == nil {
			reports = []initd.Report{}
		}
		b, _ := json.MarshalIndent(reports, "", "  ")
		fmt.Fprintf(stdout, "%s\n", b)
		return exitcode.OK
	}
	writeList(stdout, reports, time.Now())
	return exitcode.OK
}

// known is a service found: its name, and its config file if one was found.
type known struct{ name, file string }

// knownServices lists the services of confDir's NAME.conf files and of
// initDir's entries that run lsbinit, by name, each once. A directory that
// cannot be read is an error when it was named on the command line, or
// when it exists; a default one that does not exist holds no service.
func knownServices(confDir, initDir string, explicit map[string]bool) ([]known, error) {
	found := map[string]known{}
	confs, err := os.ReadDir(confDir)
	if err != nil && (explicit[confDir] || !errors.Is(err, fs.ErrNotExist)) {
		return nil, fmt.Errorf("cannot read %s: %w", confDir, paths.Cause(err))
	}
	for _, e := range confs {
		if name, ok := strings.CutSuffix(e.Name(), ".conf"); ok && name != "" && !strings.HasPrefix(name, ".") && !e.IsDir() {
			found[name] = known{name, filepath.Join(confDir, e.Name())}
		}
	}
	entries, err := os.ReadDir(initDir)
	if err != nil && (explicit[initDir] || !errors.Is(err, fs.ErrNotExist)) {
		return nil, fmt.Errorf("cannot read %s: %w", initDir, paths.Cause(err))
	}
	for _, e := range entries {
		if _, dup := found[e.Name()]; !dup && runsLsbinit(filepath.Join(initDir, e.Name())) {
			found[e.Name()] = known{name: e.Name()}
		}
	}
	out := make([]known, 0, len(found))
	for _, k := range found {
		out = append(out, k)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].name < out[j].name })
	return out, nil
}

// runsLsbinit reports whether an /etc/init.d entry is a link to this
// binary, or a wrapper script that execs lsbinit.
func runsLsbinit(path string) bool {
	if target, err := filepath.EvalSymlinks(path); err == nil && target != path {
		self, _ := os.Executable()
		selfReal, _ := filepath.EvalSymlinks(self)
		return target == selfReal || filepath.Base(target) == Name
	}
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	head := make([]byte, 4096)
	n, _ := f.Read(head)
	text := string(head[:n])
	return strings.HasPrefix(text, "#!") && strings.Contains(text, "exec ") && strings.Contains(text, Name)
}

// inspectKnown reports on one service; a config that cannot be used is
// reported as state unknown, with why.
func inspectKnown(k known, getenv func(string) string, table proc.Table) initd.Report {
	cfg, err := config.Load(config.Options{Name: k.name, File: k.file, Getenv: getenv, UID: os.Geteuid()})
	var c *spec.Spec
	if err == nil {
		c = cfg.Spec
		c.Stdout, c.Stderr = io.Discard, io.Discard
		c.Source = sourceOf(Invocation{Name: k.name, File: k.file})
	}
	if err != nil {
		why, _, _ := strings.Cut(err.Error(), "\n")
		return initd.Report{Name: k.name, State: "unknown", Status: int(exitcode.StatusUnknown),
			Detail: why, Config: k.file, Processes: []initd.Process{}}
	}
	return initd.Inspect(c, table, 0)
}

// writeList prints one line per service.
func writeList(w io.Writer, reports []initd.Report, now time.Time) {
	width := len("NAME")
	for _, r := range reports {
		width = max(width, len(r.Name))
	}
	fmt.Fprintf(w, "%-*s %-11s %8s %12s %8s %8s\n", width, "NAME", "STATE", "PID", "UPTIME", "MEMORY", "RESTARTS")
	for _, r := range reports {
		pid, up, mem := "-", "-", "-"
		if r.PID > 0 {
			pid, mem = fmt.Sprint(r.PID), initd.Size(r.MemoryRSS)
		}
		if r.Since != nil && r.PID > 0 {
			up = initd.Ago(now.Sub(*r.Since))
		}
		fmt.Fprintf(w, "%-*s %-11s %8s %12s %8s %8d\n", width, r.Name, r.State, pid, up, mem, r.Restarts)
	}
}

// logsMain is `lsbinit logs NAME [-n N] [-f]`: the service's logs action.
func logsMain(args []string, getenv func(string) string, stdout, stderr io.Writer) exitcode.Code {
	argv := []string{Name}
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		argv, args = append(argv, args[0]), args[1:]
	}
	argv = append(append(argv, args...), "logs")
	return Main(argv, version, getenv, stdout, stderr)
}
