package main

import (
	"os/exec"
	"strings"
	"testing"
)

// layers is the package map: a package may import only packages of this
// module on a lower layer, so imports point one way and no change can
// quietly add a back edge. A new package must be placed here.
//
//	0  leaves: one job each, no other package of the module but insecure
//	1  the leaves that build on those (pidfile, logfile, config, ...)
//	2  lsb: the library's face, the actions and the supervisor
//	3  what runs on lsb: the binary's commands, examples, test daemons
//	4  the lsbinit binary
var layers = map[string]int{
	"internal/names":                     0,
	"internal/insecure":                  0,
	"internal/paths":                     0,
	"internal/proc":                      0,
	"internal/schedule":                  0,
	"internal/dirwatch":                  0,
	"internal/daemon":                    0,
	"internal/testdaemon":                1,
	"internal/ready":                     1,
	"internal/runstate":                  1,
	"internal/actionlock":                1,
	"pidfile":                            1,
	"logfile":                            1,
	"internal/config":                    2,
	"lsb":                                2,
	"internal/scripttest":                2,
	"internal/install":                   3,
	"internal/unit":                      3,
	"internal/selftest":                  3,
	"internal/testdaemon/cmd/lsbdaemon":  3,
	"internal/testdaemon/cmd/testdaemon": 3,
	"examples/hello":                     3,
	"internal/generic":                   4,
	"":                                   5,
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
