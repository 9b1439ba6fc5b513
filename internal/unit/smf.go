package unit

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"regexp"
	"strings"
	"sync"
)

// smf writes a manifest (service_bundle(5)) for svc:/site/NAME:default.
//
// Decisions: SMF's native model for a daemon is the contract service whose
// start method returns once the service runs, so start is `lsbinit NAME
// start` (which returns only when the daemon is READY, so dependents wait
// for real readiness, not for a launch) and stop is `lsbinit NAME stop`
// (which runs STOP_SCHEDULE); svc.startd then kills whatever is left in
// the contract. Under $SMF_FMRI lsbinit maps its exit codes to SMF's
// (a bad config is SMF_EXIT_ERR_CONFIG: maintenance, no retries). The
// supervisor that `start` leaves behind is in the contract, so SMF sees the
// service end when it ends. With RESPAWN on, lsbinit restarts the daemon
// and ignore_error=core,signal keeps SMF from restarting the whole service
// around a daemon that dumped core or was killed; with RESPAWN=no, SMF
// restarts the service when its contract empties, which is SMF's own
// model and cannot be turned off for a contract service.
//
// It is a little longer than a screen: it is the manifest's one template,
// element by element, which reads best in one piece.
func smf(s *job) []byte {
	c := s.svc
	fmri := "site/" + c.Name
	m := smfBundle{
		Type: "manifest",
		Name: "lsbinit-" + c.Name,
		Service: smfService{
			Name:     fmri,
			Type:     "service",
			Version:  "1",
			Instance: &smfCreateInstance{Enabled: "false"},
			Single:   &struct{}{},
		},
	}
	sv := &m.Service
	sv.Deps = smfDeps(c.Name, c.Header.RequiredStart, c.Header.ShouldStart)
	// The DTD asks manifests for a method context; the default one (root,
	// the restarter's project) is right: lsbinit applies USER, GROUP,
	// CHDIR and UMASK to the daemon itself.
	sv.Context = &struct{}{}
	sv.Methods = append(sv.Methods, smfMethod{
		Type: "method", Name: "start", Exec: smfExec(s.command("start")),
		Timeout: seconds(s.startTimeout()),
	})
	stop := int64(0) // smf_method(7): 0 is no timeout
	if d, ok := s.stopTimeout(); ok {
		stop = seconds(d)
	}
	sv.Methods = append(sv.Methods, smfMethod{Type: "method", Name: "stop", Exec: smfExec(s.command("stop")), Timeout: stop})
	if s.canReload() {
		sv.Methods = append(sv.Methods, smfMethod{
			Type: "method", Name: "refresh", Exec: smfExec(s.command("reload")),
			Timeout: seconds(s.startTimeout()),
		})
	}
	startd := smfPropertyGroup{Name: "startd", Type: "framework", Values: []smfPropval{
		{Name: "duration", Type: "astring", Value: "contract"},
	}}
	if s.respawns() {
		startd.Values = append(startd.Values, smfPropval{Name: "ignore_error", Type: "astring", Value: "core,signal"})
	}
	sv.Groups = append(sv.Groups, startd)
	sv.Stability = &smfStability{Value: "Unstable"}
	sv.Template = &smfTemplate{
		CommonName: smfLoctext{Lang: "C", Text: oneLine(c.Desc)},
		Docs:       &smfDocs{Manpages: []smfManpage{{Title: "lsbinit", Section: "8"}}},
	}
	if d := oneLine(c.Header.Description); d != "" && d != oneLine(c.Desc) {
		sv.Template.Description = &smfLoctext{Lang: "C", Text: d}
	}
	out, err := xml.MarshalIndent(m, "", "  ")
	if err != nil {
		panic(err) // the types above always marshal
	}
	var b bytes.Buffer
	b.WriteString(`<?xml version="1.0"?>` + "\n")
	b.WriteString(`<!DOCTYPE service_bundle SYSTEM "/usr/share/lib/xml/dtd/service_bundle.dtd.1">` + "\n")
	fmt.Fprintf(&b, "<!-- %s -->\n", xmlComment(fmt.Sprintf("%s.xml, written by lsbinit unit %s (for smf) from %s. Import it with svccfg import; lsbinit starts and stops the daemon.", c.Name, c.Name, s.source())))
	b.Write(selfClose(out))
	b.WriteString("\n")
	return b.Bytes()
}

// xmlComment makes s safe inside <!-- -->.
func xmlComment(s string) string {
	s = oneLine(s)
	for strings.Contains(s, "--") {
		s = strings.ReplaceAll(s, "--", "- -")
	}
	return strings.TrimSuffix(s, "-")
}

// smfExec quotes a method's command line: svc.startd runs it with
// /bin/sh -c after expanding %-tokens, so % is doubled.
func smfExec(argv []string) string {
	return strings.ReplaceAll(shellLine(argv), "%", "%%")
}

// smfFacilities maps LSB facilities to SMF services. Local file systems
// are always required (lsbinit, its config and its log live there).
var smfFacilities = map[string]struct{ name, fmri, grouping string }{
	"$local_fs":  {"filesystem", "svc:/system/filesystem/local", "require_all"},
	"$remote_fs": {"filesystem", "svc:/system/filesystem/local", "require_all"},
	"$network":   {"network", "svc:/milestone/network:default", "require_all"},
	"$named":     {"name-services", "svc:/milestone/name-services", "optional_all"},
	"$syslog":    {"system-log", "svc:/system/system-log", "optional_all"},
	"$time":      {"time", "svc:/network/ntp", "optional_all"},
	"$portmap":   {"rpcbind", "svc:/network/rpc/bind", "optional_all"},
}

// smfDeps turns REQUIRED_START (require_all) and SHOULD_START
// (optional_all) into dependencies; another service NAME is
// svc:/site/NAME, as this command names services.
func smfDeps(self, required, should string) []smfDependency {
	deps := []smfDependency{smfDep("filesystem", "require_all", "svc:/system/filesystem/local")}
	seen := map[string]bool{"filesystem": true}
	add := func(list, grouping string) {
		for _, dep := range strings.Fields(list) {
			var name, fmri, group string
			if f, ok := smfFacilities[dep]; ok {
				name, fmri, group = f.name, f.fmri, f.grouping
			} else if !strings.HasPrefix(dep, "$") && dep != self && validSMFName(dep) {
				name, fmri, group = "dep-"+dep, "svc:/site/"+dep, grouping
			}
			if name == "" || seen[name] {
				continue
			}
			seen[name] = true
			deps = append(deps, smfDep(name, group, fmri))
		}
	}
	add(required, "require_all")
	add(should, "optional_all")
	return deps
}

func smfDep(name, grouping, fmri string) smfDependency {
	return smfDependency{Name: name, Grouping: grouping, RestartOn: "none", Type: "service",
		FMRIs: []smfFMRI{{Value: fmri}}}
}

// validSMFName reports whether name can be a service name component and
// a property group name (letters, digits, -, _ and ., starting with a
// letter).
func validSMFName(name string) bool {
	if name == "" || !(name[0] >= 'a' && name[0] <= 'z' || name[0] >= 'A' && name[0] <= 'Z') {
		return false
	}
	for _, r := range name {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_.", r)) {
			return false
		}
	}
	return true
}

// The manifest's elements, in the order service_bundle.dtd.1 requires.
type smfBundle struct {
	XMLName xml.Name   `xml:"service_bundle"`
	Type    string     `xml:"type,attr"`
	Name    string     `xml:"name,attr"`
	Service smfService `xml:"service"`
}

type smfService struct {
	Name      string             `xml:"name,attr"`
	Type      string             `xml:"type,attr"`
	Version   string             `xml:"version,attr"`
	Instance  *smfCreateInstance `xml:"create_default_instance"`
	Single    *struct{}          `xml:"single_instance"`
	Deps      []smfDependency    `xml:"dependency"`
	Context   *struct{}          `xml:"method_context"`
	Methods   []smfMethod        `xml:"exec_method"`
	Groups    []smfPropertyGroup `xml:"property_group"`
	Stability *smfStability      `xml:"stability"`
	Template  *smfTemplate       `xml:"template"`
}

type smfCreateInstance struct {
	Enabled string `xml:"enabled,attr"`
}

type smfDependency struct {
	Name      string    `xml:"name,attr"`
	Grouping  string    `xml:"grouping,attr"`
	RestartOn string    `xml:"restart_on,attr"`
	Type      string    `xml:"type,attr"`
	FMRIs     []smfFMRI `xml:"service_fmri"`
}

type smfFMRI struct {
	Value string `xml:"value,attr"`
}

type smfMethod struct {
	Type    string `xml:"type,attr"`
	Name    string `xml:"name,attr"`
	Exec    string `xml:"exec,attr"`
	Timeout int64  `xml:"timeout_seconds,attr"`
}

type smfPropertyGroup struct {
	Name   string       `xml:"name,attr"`
	Type   string       `xml:"type,attr"`
	Values []smfPropval `xml:"propval"`
}

type smfPropval struct {
	Name  string `xml:"name,attr"`
	Type  string `xml:"type,attr"`
	Value string `xml:"value,attr"`
}

type smfStability struct {
	Value string `xml:"value,attr"`
}

type smfTemplate struct {
	CommonName  smfLoctext  `xml:"common_name>loctext"`
	Description *smfLoctext `xml:"description>loctext"`
	Docs        *smfDocs    `xml:"documentation"`
}

type smfLoctext struct {
	Lang string `xml:"xml:lang,attr"`
	Text string `xml:",chardata"`
}

type smfDocs struct {
	Manpages []smfManpage `xml:"manpage"`
}

type smfManpage struct {
	Title   string `xml:"title,attr"`
	Section string `xml:"section,attr"`
	Manpath string `xml:"manpath,attr,omitempty"` // default ":default"
}

// emptyElement matches an element written with nothing inside it (made
// on first use: no other command pays for it).
var emptyElement = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`<([a-z_]+)((?: [a-z_:]+="[^"]*")*)></([a-z_]+)>`)
})

// selfClose writes elements with no content as <e/>, as the SMF DTD
// declares them (EMPTY); encoding/xml always writes <e></e>.
func selfClose(out []byte) []byte {
	re := emptyElement()
	return re.ReplaceAllFunc(out, func(m []byte) []byte {
		sub := re.FindSubmatch(m)
		if !bytes.Equal(sub[1], sub[3]) {
			return m
		}
		return append(append(append([]byte("<"), sub[1]...), sub[2]...), "/>"...)
	})
}
