package unit

import (
	"bytes"
	"encoding/xml"
	"fmt"
)

// launchd writes a property list (launchd.plist(5)) for
// /Library/LaunchDaemons/NAME.plist around `lsbinit NAME run`.
//
// Decisions:
//   - Label is NAME, so `launchctl kickstart system/NAME` names the
//     service as every other tool does.
//   - No UserName/GroupName: lsbinit starts as root and gives the daemon
//     USER and GROUP itself (with initgroups), keeping the pidfile and log
//     root's, where `lsbinit NAME status` run by root looks for them.
//     WorkingDirectory is CHDIR, which lsbinit also enters for the daemon.
//   - No StandardOutPath/StandardErrorPath: lsbinit writes LOGFILE.
//   - KeepAlive: with RESPAWN on, lsbinit restarts the daemon, and launchd
//     restarts lsbinit only when it fails (SuccessfulExit false: run exits
//     0 only after a requested stop); with RESPAWN=no, nothing restarts.
//   - ExitTimeOut: the stop schedule's total plus a margin (0, launchd's
//     "no limit", when the schedule repeats forever).
func launchd(s *job) []byte {
	c := s.cfg
	var b bytes.Buffer
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	b.WriteString(`<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">` + "\n")
	fmt.Fprintf(&b, "<!-- %s -->\n", xmlComment(fmt.Sprintf("%s.plist, written by lsbinit unit %s (for launchd) from %s.", c.Name, c.Name, s.source())))
	b.WriteString(`<plist version="1.0">` + "\n<dict>\n")
	key := func(k string) { fmt.Fprintf(&b, "\t<key>%s</key>\n", escape(k)) }
	str := func(indent, v string) { fmt.Fprintf(&b, "%s<string>%s</string>\n", indent, escape(v)) }

	key("Label")
	str("\t", c.Name)
	key("ProgramArguments")
	b.WriteString("\t<array>\n")
	for _, a := range s.command("run") {
		str("\t\t", a)
	}
	b.WriteString("\t</array>\n")
	key("RunAtLoad")
	b.WriteString("\t<true/>\n")
	key("KeepAlive")
	if s.respawns() {
		b.WriteString("\t<dict>\n\t\t<key>SuccessfulExit</key>\n\t\t<false/>\n\t</dict>\n")
	} else {
		b.WriteString("\t<false/>\n")
	}
	key("WorkingDirectory")
	str("\t", c.Chdir)
	key("ExitTimeOut")
	timeout := int64(0)
	if d, ok := s.stopTimeout(); ok {
		timeout = seconds(d)
	}
	fmt.Fprintf(&b, "\t<integer>%d</integer>\n", timeout)
	b.WriteString("</dict>\n</plist>\n")
	return b.Bytes()
}

// escape makes s safe as XML character data; control characters, which
// XML 1.0 cannot carry, become spaces.
func escape(s string) string {
	var b bytes.Buffer
	xml.EscapeText(&b, []byte(oneLine(s)))
	return b.String()
}
