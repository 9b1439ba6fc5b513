package boot

import (
	"fmt"
	"io"
	"strings"

	"github.com/lsbinit/lsbinit/internal/exitcode"
	"github.com/lsbinit/lsbinit/internal/initd"
)

// HealthMain runs `lsbinit health [--config-dir DIR]`, the verb for
// Docker's HEALTHCHECK and a Kubernetes exec probe: 0 when every service
// of DIR runs and none is unhealthy, else 1 with one line on stdout for
// each one that is not (README, "Containers").
func HealthMain(args []string, getenv func(string) string, stdout, stderr io.Writer) exitcode.Code {
	opts, err := parseOptions(args)
	switch {
	case err == errHelp:
		fmt.Fprint(stdout, usage)
		return exitcode.OK
	case err != nil:
		fmt.Fprintf(stderr, "lsbinit health: %v\n", err)
		return exitcode.Usage
	}
	units, err := load(opts.dir, getenv, func(string) {})
	if err != nil {
		for _, line := range strings.Split(err.Error(), "\n") {
			fmt.Fprintf(stdout, "lsbinit health: %s\n", line)
		}
		return 1
	}
	code := exitcode.OK
	for _, u := range units {
		running, health, detail := initd.Health(u.spec)
		switch {
		case !running:
			fmt.Fprintf(stdout, "%s: not running%s\n", u.name, suffix(detail))
			code = 1
		case health == "unhealthy":
			fmt.Fprintf(stdout, "%s: unhealthy%s\n", u.name, suffix(detail))
			code = 1
		}
	}
	return code
}

func suffix(detail string) string {
	if detail == "" {
		return ""
	}
	return ": " + detail
}
