package lsb

import (
	"fmt"
	"strings"
)

// header renders the LSB comment block (LSB Core, "Comment Conventions for
// Init Scripts") with the defaults filled in.
func header(c *config) string {
	h := c.Header
	def := func(v, d string) string {
		if v == "" {
			return d
		}
		return v
	}
	var b strings.Builder
	line := func(k, v string) {
		if v != "" {
			fmt.Fprintf(&b, "# %-19s%s\n", k+":", v)
		}
	}
	b.WriteString("### BEGIN INIT INFO\n")
	line("Provides", def(h.Provides, c.Name))
	line("Required-Start", def(h.RequiredStart, "$remote_fs $syslog"))
	line("Required-Stop", def(h.RequiredStop, "$remote_fs $syslog"))
	line("Should-Start", h.ShouldStart)
	line("Should-Stop", h.ShouldStop)
	line("Default-Start", def(h.DefaultStart, "2 3 4 5"))
	line("Default-Stop", def(h.DefaultStop, "0 1 6"))
	line("Short-Description", def(h.ShortDescription, c.Desc))
	line("Description", def(h.Description, c.Desc))
	b.WriteString("### END INIT INFO\n")
	return b.String()
}
