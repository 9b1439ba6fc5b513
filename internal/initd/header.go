package initd

import (
	"fmt"
	"strings"

	"github.com/lsbinit/lsbinit/internal/spec"
)

// marker builds the block's first or last line at run time: a program
// that embeds its own header (Service.InitInfo) must hold no other copy of
// the first line, as insserv reads the first one it finds in the binary.
func marker(word string) string { return strings.Join([]string{"###", word, "INIT", "INFO"}, " ") }

// header renders the LSB comment block (LSB Core, "Comment Conventions for
// Init Scripts"), or the program's own embedded block.
func header(c *service) string {
	if c.InitInfo != "" {
		return strings.TrimLeft(c.InitInfo, "\n")
	}
	h := c.Header
	var b strings.Builder
	line := func(k, v string) {
		if v != "" {
			fmt.Fprintf(&b, "# %-19s%s\n", k+":", v)
		}
	}
	b.WriteString(marker("BEGIN") + "\n")
	line("Provides", h.Provides)
	line("Required-Start", h.RequiredStart)
	line("Required-Stop", h.RequiredStop)
	line("Should-Start", h.ShouldStart)
	line("Should-Stop", h.ShouldStop)
	line("Default-Start", h.DefaultStart)
	line("Default-Stop", h.DefaultStop)
	line("Short-Description", h.ShortDescription)
	line("Description", h.Description)
	b.WriteString(marker("END") + "\n")
	// Red Hat's chkconfig reads these; systemd-sysv-generator reads
	// "pidfile:" only outside the LSB block (it then knows the main PID
	// and does not need RemainAfterExit=yes).
	fmt.Fprintf(&b, "# chkconfig: %s %02d %02d\n", chkconfigLevels(h.DefaultStart), 20, 80)
	fmt.Fprintf(&b, "# description: %s\n", oneLine(h.Description))
	fmt.Fprintf(&b, "# pidfile: %s\n", c.PidFile)
	return b.String()
}

// chkconfigLevels turns "2 3 4 5" into "2345", and no levels into "-".
func chkconfigLevels(levels string) string {
	s := strings.Join(strings.Fields(levels), "")
	if s == "" {
		return "-"
	}
	return s
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// Header is the LSB comment block of the service c, as its header action
// prints it: the program's own embedded block, or one rendered from
// c.Header.
func Header(c *spec.Spec) string { return header(&service{c}) }
