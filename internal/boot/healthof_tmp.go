package boot

import (
	"io"

	"github.com/lsbinit/lsbinit/internal/initd"
	"github.com/lsbinit/lsbinit/internal/spec"
)

// healthOf is temporary until initd.Health lands.
func healthOf(c *spec.Spec) (bool, string, string) {
	cp := *c
	cp.Stdout, cp.Stderr = io.Discard, io.Discard
	return initd.InvokeHosted(&cp, nil, []string{"-q", "status"}, nil) == 0, "", ""
}
