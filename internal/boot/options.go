package boot

import (
	"errors"
	"fmt"
	"strings"

	"github.com/lsbinit/lsbinit/internal/notation"
)

// errHelp is parseOptions' answer to --help.
var errHelp = errors.New("help")

const usage = `usage: lsbinit boot [--config-dir DIR] [--stop-timeout DURATION] [--keep-going]
       lsbinit health [--config-dir DIR]

boot starts every service of DIR/*.conf (default /etc/lsbinit) in the
order of their LSB headers, each waited on by its READY, and runs them as
a container's entrypoint: their output on stdout as "NAME | line", orphans
reaped, SIGTERM or SIGINT stops them in reverse order within the stop
timeout (default 9s), SIGHUP reloads them. When a service ends by itself,
the others are stopped and boot exits with its status, unless
--keep-going. health exits 0 when every service runs and is healthy.
`

// parseOptions reads boot's and health's options.
func parseOptions(args []string) (options, error) {
	o := options{dir: "/etc/lsbinit", stopTimeout: DefaultStopTimeout}
	for i := 0; i < len(args); i++ {
		a := args[i]
		name, value, hasValue := strings.Cut(a, "=")
		needValue := func() (string, error) {
			if hasValue {
				return value, nil
			}
			if i+1 >= len(args) {
				return "", fmt.Errorf("%s needs a value", name)
			}
			i++
			return args[i], nil
		}
		var err error
		switch name {
		case "-h", "--help":
			return o, errHelp
		case "--config-dir":
			o.dir, err = needValue()
		case "--stop-timeout":
			var v string
			if v, err = needValue(); err == nil {
				o.stopTimeout, err = notation.ParseDuration(v)
				if err == nil && o.stopTimeout <= 0 {
					err = fmt.Errorf("--stop-timeout %s: must be more than 0", v)
				}
			}
		case "--keep-going":
			o.keepGoing = true
		default:
			return o, fmt.Errorf("unknown argument %q", a)
		}
		if err != nil {
			return o, err
		}
	}
	return o, nil
}
