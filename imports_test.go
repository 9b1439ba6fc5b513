package main

import (
	"os/exec"
	"strings"
	"testing"
)

// layers is the package map: a package may import only packages of this
// module on a lower layer, so imports point one way and no change can
// quietly add a back edge. A new package must be placed here. The process
// that runs a package's code is named in the Architecture (docs/architecture.md).
//
//	0  leaves: one job each, no other package of the module
//	1  the leaves that build on those (proc, pidfile, logfile, ...), and
//	   exitcode: the one map from errors to exit codes
//	2  daemon: the hand-off from one process to the next (re-exec, the
//	   verdict, inherited descriptors)
//	3  spec: the resolved service
//	4  what reads a spec: the supervisor, and config, which writes one
//	5  initd: the actions, run by the operator's process; unit: the
//	   definitions for other supervisors
//	6  what runs on them: the binary's commands (install, selftest)
//	7  the library's face (lsb), the binary's command line (cli)
//	8  the lsbinit binary, programs built on lsb
var layers = map[string]int{
	"internal/names":                     0,
	"bench/floor":                        0,
	"bench/idle":                         0,
	"bench/hammer":                       0,
	"bench/subreaper":                    0,
	"internal/insecure":                  0,
	"internal/paths":                     0,
	"internal/notation":                  0,
	"internal/schedule":                  1,
	"internal/dirwatch":                  0,
	"internal/daemon":                    2,
	"internal/launchd":                   0,
	"internal/runstate":                  0,
	"internal/initsys":                   0,
	"internal/boottest":                  0,
	"internal/proc":                      1,
	"internal/ready":                     1,
	"internal/actionlock":                1,
	"pidfile":                            1,
	"logfile":                            1,
	"internal/exitcode":                  1,
	"internal/testdaemon":                2,
	"internal/spec":                      3,
	"internal/config":                    4,
	"internal/supervisor":                4,
	"internal/initd":                     5,
	"lsb":                                7,
	"internal/install":                   6,
	"internal/unit":                      5,
	"internal/selftest":                  6,
	"internal/boot":                      6,
	"internal/bootctl":                   2,
	"internal/scripttest":                6,
	"internal/testdaemon/cmd/testdaemon": 6,
	"internal/testdaemon/cmd/lsbdaemon":  8,
	"examples/hello":                     8,
	"internal/cli":                       7,
	"":                                   8,
}

const module = "github.com/lsbinit/lsbinit"

func TestImportLayers(t *testing.T) {
	out, err := exec.Command("go", "list", "-f", `{{.ImportPath}}{{range .Imports}} {{.}}{{end}}`, "./...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		fields := strings.Fields(line)
		pkg := rel(fields[0])
		layer, ok := layers[pkg]
		if !ok {
			t.Errorf("package %q is not on the map in imports_test.go", fields[0])
			continue
		}
		for _, imp := range fields[1:] {
			if !strings.HasPrefix(imp, module) {
				continue
			}
			if l, ok := layers[rel(imp)]; !ok || l >= layer {
				t.Errorf("%s (layer %d) imports %s (layer %d): imports must point down the map", fields[0], layer, imp, l)
			}
		}
	}
}

// rel is a package path relative to the module ("" for the module root).
func rel(path string) string {
	return strings.TrimPrefix(strings.TrimPrefix(path, module), "/")
}
