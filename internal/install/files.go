package install

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/lsbinit/lsbinit/internal/names"
)

// wrapper is the generated /etc/init.d/NAME, which runs argv (lsbinit
// NAME, or a Go program) with the action. systemd-sysv-generator (systemd
// 259 and older) takes "pidfile:" outside the LSB block (the header has it
// after the block) and adds ExecReload= only when a line that is not a
// comment contains "usage" and "|reload|"; hence the usage= assignment.
//
// Before it executes lsbinit, the wrapper sources the distribution's init
// functions, Debian's /lib/lsb/init-functions or else Red Hat's
// /etc/init.d/functions, as their own init scripts do (and as lintian's
// init.d-script-does-not-source-init-functions asks): they define shell
// functions, Red Hat's sets umask 022 and exports its PATH. Under systemd
// their hook would turn `/etc/init.d/NAME ACTION` into `systemctl ACTION
// NAME.service` with systemctl's exit codes; the wrapper sets
// SYSTEMCTL_SKIP_REDIRECT for the hook alone (a shell variable, not
// exported, unless the caller exported it), so that lsbinit, executed in
// the same process, hands the action to the init system itself, with
// LSB's exit codes, and honours a SYSTEMCTL_SKIP_REDIRECT of the caller's.
// The hook still exits 0 at once for a masked unit, as for any script.
func wrapper(name string, argv []string, header string, reload bool) string {
	acts := strings.Join(names.LSBActions(reload), "|")
	var b strings.Builder
	b.WriteString("#!/bin/sh\n")
	b.WriteString(Marker + "\n")
	b.WriteString(header)
	if len(argv) > 1 {
		fmt.Fprintf(&b, "# The service is run by lsbinit; its config is /etc/lsbinit/%s.conf.\n", name)
	} else {
		fmt.Fprintf(&b, "# The service is the program %s, built on lsbinit's library.\n", argv[0])
	}
	fmt.Fprintf(&b, "usage='Usage: /etc/init.d/%s {%s}'\n", name, acts)
	b.WriteString(sourceInitFunctions)
	words := make([]string, len(argv))
	for i, w := range argv {
		words[i] = shellQuote(w)
	}
	fmt.Fprintf(&b, "exec %s \"$@\"\n", strings.Join(words, " "))
	return b.String()
}

// sourceInitFunctions is the part of the wrapper that sources the init
// functions, keeping their hook from handing the action to systemctl.
const sourceInitFunctions = `# lsbinit hands the action to systemd, runit... itself, with LSB exit codes.
[ -n "${SYSTEMCTL_SKIP_REDIRECT:-}" ] || { unset SYSTEMCTL_SKIP_REDIRECT; SYSTEMCTL_SKIP_REDIRECT=1; }
if [ -r /lib/lsb/init-functions ]; then . /lib/lsb/init-functions
elif [ -r /etc/init.d/functions ]; then . /etc/init.d/functions; fi
`

func shellQuote(s string) string {
	if regexp.MustCompile(`^[A-Za-z0-9_./@+-]+$`).MatchString(s) {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
