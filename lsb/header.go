package lsb

import (
	"fmt"
	"strings"
)

// marker builds the block's first or last line at run time: a program
// that embeds its own header (Service.InitInfo) must hold no other copy of
// the first line, as insserv reads the first one it finds in the binary.
func marker(word string) string { return strings.Join([]string{"###", word, "INIT", "INFO"}, " ") }

// header renders the LSB comment block (LSB Core, "Comment Conventions for
// Init Scripts") with the defaults filled in, or the program's own
// embedded block.
func header(c *config) string {
	if c.InitInfo != "" {
		return strings.TrimLeft(c.InitInfo, "\n")
	}
	h := c.Header
	def := func(v, d string) string {
		if v == "" {
			return d
		}
		return v
	}
	list := def
	if h.Final {
		list = func(v, _ string) string { return v }
	}
	var b strings.Builder
	line := func(k, v string) {
		if v != "" {
			fmt.Fprintf(&b, "# %-19s%s\n", k+":", v)
		}
	}
	b.WriteString(marker("BEGIN") + "\n")
	line("Provides", def(h.Provides, c.Name))
	requiredStart := list(h.RequiredStart, "$remote_fs $syslog")
	line("Required-Start", requiredStart)
	line("Required-Stop", list(h.RequiredStop, requiredStart))
	line("Should-Start", h.ShouldStart)
	line("Should-Stop", h.ShouldStop)
	line("Default-Start", list(h.DefaultStart, "2 3 4 5"))
	line("Default-Stop", list(h.DefaultStop, "0 1 6"))
	line("Short-Description", def(h.ShortDescription, c.Desc))
	line("Description", def(h.Description, c.Desc))
	b.WriteString(marker("END") + "\n")
	// Red Hat's chkconfig reads these; systemd-sysv-generator reads
	// "pidfile:" only outside the LSB block (it then knows the main PID
	// and does not need RemainAfterExit=yes).
	fmt.Fprintf(&b, "# chkconfig: %s %02d %02d\n", chkconfigLevels(list(h.DefaultStart, "2 3 4 5")), 20, 80)
	fmt.Fprintf(&b, "# description: %s\n", oneLine(def(h.Description, c.Desc)))
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
