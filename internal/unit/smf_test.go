package unit

import (
	"encoding/xml"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// The subset of service_bundle.dtd.1 (illumos) that a manifest of this
// package may use: each element's attributes (required or not, and the
// values an enumeration allows) and its children, in the order the DTD's
// content model requires, with how often each may appear.
type dtdAttr struct {
	required bool
	enum     []string
}

type dtdChild struct {
	name     string
	many     bool // * or +, else ? (or exactly one when required)
	required bool // at least one
}

type dtdElement struct {
	attrs    map[string]dtdAttr
	children []dtdChild
	text     bool // #PCDATA
}

var (
	req      = dtdAttr{required: true}
	opt      = dtdAttr{}
	propType = []string{"count", "integer", "opaque", "host", "hostname", "net_address_v4", "net_address_v6", "time", "astring", "ustring", "boolean", "fmri", "uri"}
)

var smfDTD = map[string]dtdElement{
	"service_bundle": {attrs: map[string]dtdAttr{"type": {true, []string{"archive", "manifest", "profile"}}, "name": req},
		children: []dtdChild{{"service", true, false}}},
	"service": {attrs: map[string]dtdAttr{"name": req, "type": {true, []string{"service", "restarter", "milestone"}}, "version": req},
		children: []dtdChild{{"create_default_instance", false, false}, {"single_instance", false, false}, {"restarter", false, false},
			{"dependency", true, false}, {"dependent", true, false}, {"method_context", false, false}, {"exec_method", true, false},
			{"notification_parameters", true, false}, {"property_group", true, false}, {"instance", true, false}, {"stability", false, false}, {"template", false, false}}},
	"create_default_instance": {attrs: map[string]dtdAttr{"enabled": {true, []string{"true", "false"}}}},
	"single_instance":         {attrs: map[string]dtdAttr{}},
	"dependency": {attrs: map[string]dtdAttr{"name": req,
		"grouping":   {true, []string{"require_all", "require_any", "exclude_all", "optional_all"}},
		"restart_on": {true, []string{"error", "restart", "refresh", "none"}},
		"type":       {true, []string{"service", "path"}}, "delete": {false, []string{"true", "false"}}},
		children: []dtdChild{{"service_fmri", true, false}, {"stability", false, false}, {"propval", true, false}}},
	"service_fmri": {attrs: map[string]dtdAttr{"value": req}},
	"exec_method": {attrs: map[string]dtdAttr{"type": {true, []string{"method", "monitor"}}, "name": req, "exec": req,
		"timeout_seconds": req, "delete": {false, []string{"true", "false"}}},
		children: []dtdChild{{"method_context", false, false}, {"stability", false, false}, {"propval", true, false}}},
	"property_group": {attrs: map[string]dtdAttr{"name": req, "type": req, "delete": {false, []string{"true", "false"}}},
		children: []dtdChild{{"stability", false, false}, {"propval", true, false}}},
	"propval":   {attrs: map[string]dtdAttr{"name": req, "type": {true, propType}, "value": req, "override": {false, []string{"true", "false"}}}},
	"stability": {attrs: map[string]dtdAttr{"value": {true, []string{"Standard", "Stable", "Evolving", "Unstable", "External", "Obsolete"}}}},
	"method_context": {attrs: map[string]dtdAttr{"working_directory": opt, "project": opt, "resource_pool": opt},
		children: []dtdChild{{"method_profile", false, false}, {"method_credential", false, false}, {"method_environment", false, false}}},
	"template": {attrs: map[string]dtdAttr{},
		children: []dtdChild{{"common_name", false, true}, {"description", false, false}, {"documentation", false, false}, {"pg_pattern", true, false}}},
	"common_name":   {attrs: map[string]dtdAttr{}, children: []dtdChild{{"loctext", true, true}}},
	"description":   {attrs: map[string]dtdAttr{}, children: []dtdChild{{"loctext", true, true}}},
	"loctext":       {attrs: map[string]dtdAttr{"xml:lang": req}, text: true},
	"documentation": {attrs: map[string]dtdAttr{}, children: []dtdChild{{"manpage", true, false}, {"doc_link", true, false}}},
	"manpage":       {attrs: map[string]dtdAttr{"title": req, "section": req, "manpath": opt}},
}

// checkDTD walks the document and reports every departure from smfDTD.
//
// It is longer than a screen: one check per rule of the DTD, in order.
func checkDTD(doc string) (errs []string) {
	fail := func(format string, args ...any) { errs = append(errs, fmt.Sprintf(format, args...)) }
	if !strings.Contains(doc, `<!DOCTYPE service_bundle SYSTEM "/usr/share/lib/xml/dtd/service_bundle.dtd.1">`) {
		fail("no service_bundle DOCTYPE")
	}
	d := xml.NewDecoder(strings.NewReader(doc))
	d.Strict = true
	type frame struct {
		name string
		pos  int            // index in the parent's children reached so far
		seen map[string]int // children seen
	}
	stack := []*frame{{name: "", seen: map[string]int{}}}
	roots := 0
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			fail("not well-formed: %v", err)
			return errs
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			name := tok.Name.Local
			parent := stack[len(stack)-1]
			el, ok := smfDTD[name]
			if !ok {
				fail("unknown element <%s>", name)
				el = dtdElement{attrs: map[string]dtdAttr{}}
			}
			if parent.name == "" {
				roots++
				if name != "service_bundle" {
					fail("root element <%s>", name)
				}
			} else {
				spec := smfDTD[parent.name]
				i := slices.IndexFunc(spec.children, func(c dtdChild) bool { return c.name == name })
				switch {
				case i < 0:
					fail("<%s> may not hold <%s>", parent.name, name)
				case i < parent.pos:
					fail("<%s> in <%s> comes too late", name, parent.name)
				case !spec.children[i].many && parent.seen[name] > 0:
					fail("<%s> repeated in <%s>", name, parent.name)
				}
				if i > parent.pos {
					parent.pos = i
				}
				parent.seen[name]++
			}
			have := map[string]bool{}
			for _, a := range tok.Attr {
				an := a.Name.Local
				if a.Name.Space == "xml" || a.Name.Space == "http://www.w3.org/XML/1998/namespace" {
					an = "xml:" + an
				}
				have[an] = true
				spec, ok := el.attrs[an]
				switch {
				case !ok:
					fail("<%s> has unknown attribute %s", name, an)
				case len(spec.enum) > 0 && !slices.Contains(spec.enum, a.Value):
					fail("<%s %s=%q>: not one of %q", name, an, a.Value, spec.enum)
				case an == "timeout_seconds":
					if n, err := strconv.Atoi(a.Value); err != nil || n < -1 {
						fail("<%s timeout_seconds=%q>", name, a.Value)
					}
				case a.Value == "" && spec.required:
					fail("<%s %s> is empty", name, an)
				}
			}
			for an, spec := range el.attrs {
				if spec.required && !have[an] {
					fail("<%s> lacks required attribute %s", name, an)
				}
			}
			stack = append(stack, &frame{name: name, seen: map[string]int{}})
		case xml.EndElement:
			top := stack[len(stack)-1]
			for _, c := range smfDTD[top.name].children {
				if c.required && top.seen[c.name] == 0 {
					fail("<%s> lacks its required <%s>", top.name, c.name)
				}
			}
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if el := smfDTD[stack[len(stack)-1].name]; !el.text && strings.TrimSpace(string(tok)) != "" {
				fail("<%s> holds text %q", stack[len(stack)-1].name, tok)
			}
		}
	}
	if roots != 1 {
		fail("%d root elements", roots)
	}
	return errs
}

// It is longer than a screen: a table of cases and what each manifest must hold.
func TestSMF(t *testing.T) {
	for name, conf := range configs {
		t.Run(name, func(t *testing.T) {
			doc := generate(t, "svc", conf, "smf")
			for _, e := range checkDTD(doc) {
				t.Error(e)
			}
			var m smfBundle
			if err := xml.Unmarshal([]byte(doc), &m); err != nil {
				t.Fatal(err)
			}
			if m.Type != "manifest" || m.Service.Name != "site/svc" {
				t.Errorf("bundle %q, service %q", m.Type, m.Service.Name)
			}
			methods := map[string]smfMethod{}
			for _, em := range m.Service.Methods {
				methods[em.Name] = em
			}
			if !strings.HasSuffix(methods["start"].Exec, " start") || !strings.HasPrefix(methods["start"].Exec, "/") {
				t.Errorf("start method %q", methods["start"].Exec)
			}
			if !strings.HasSuffix(methods["stop"].Exec, " stop") {
				t.Errorf("stop method %q", methods["stop"].Exec)
			}
			if _, ok := methods["refresh"]; ok != (name != "noreload") {
				t.Errorf("refresh method present: %v", ok)
			}
			if len(m.Service.Groups) != 1 || m.Service.Groups[0].Values[0] != (smfPropval{"duration", "astring", "contract"}) {
				t.Errorf("startd: %+v", m.Service.Groups)
			}
			if m.Service.Deps[0].FMRIs[0].Value != "svc:/system/filesystem/local" {
				t.Errorf("first dependency %+v", m.Service.Deps[0])
			}
		})
	}
	var m smfBundle
	if err := xml.Unmarshal([]byte(generate(t, "svc", configs["full"], "smf")), &m); err != nil {
		t.Fatal(err)
	}
	var deps []string
	for _, d := range m.Service.Deps {
		deps = append(deps, d.Name+"="+d.Grouping+":"+d.FMRIs[0].Value)
	}
	want := []string{
		"filesystem=require_all:svc:/system/filesystem/local",
		"network=require_all:svc:/milestone/network:default",
		"system-log=optional_all:svc:/system/system-log",
		"time=optional_all:svc:/network/ntp",
		"name-services=optional_all:svc:/milestone/name-services",
		"dep-postgresql=require_all:svc:/site/postgresql",
		"dep-redis=optional_all:svc:/site/redis",
		"rpcbind=optional_all:svc:/network/rpc/bind",
	}
	if !slices.Equal(deps, want) {
		t.Errorf("dependencies\n%q\nwant\n%q", deps, want)
	}
	if got := m.Service.Template.CommonName.Text; got != `A <daemon> & "friends" 100% $x \ y` {
		t.Errorf("common name %q", got)
	}
	for _, em := range m.Service.Methods {
		if em.Name == "stop" && em.Timeout != 38 {
			t.Errorf("stop timeout %d", em.Timeout)
		}
		if em.Name == "start" && em.Timeout != 65 {
			t.Errorf("start timeout %d", em.Timeout)
		}
	}
	if g := m.Service.Groups[0].Values; len(g) != 2 || g[1].Value != "core,signal" {
		t.Errorf("RESPAWN=always: startd %+v", g)
	}
	m = smfBundle{}
	xml.Unmarshal([]byte(generate(t, "svc", configs["noreload"], "smf")), &m)
	for _, em := range m.Service.Methods {
		if em.Name == "stop" && em.Timeout != 0 {
			t.Errorf("forever schedule: stop timeout %d, want 0 (none)", em.Timeout)
		}
	}
}

// TestCheckDTD makes sure the checker above does catch departures.
func TestCheckDTD(t *testing.T) {
	good := generate(t, "svc", "", "smf")
	if errs := checkDTD(good); len(errs) > 0 {
		t.Fatal(errs)
	}
	for _, bad := range []struct{ from, to, want string }{
		{`<stability value="Unstable"/>`, `<stability value="Shaky"/>`, "not one of"},
		{`type="manifest"`, `type="bundle"`, "not one of"},
		{`    <create_default_instance enabled="false"/>`, ``, ""}, // optional: no error
		{`timeout_seconds="35"`, ``, "lacks required attribute timeout_seconds"},
		{`<single_instance/>`, `<single_instance/><single_instance/>`, "repeated"},
		{`<stability value="Unstable"/>`, ``, ""},
		{`<single_instance/>`, ``, ""},
		{`<create_default_instance enabled="false"/>`, `<bogus/>`, "unknown element"},
		{`</template>`, `</template><stability value="Stable"/>`, "comes too late"},
		{`</service_bundle>`, ``, "not well-formed"},
		{`<manpage `, `<manpage color="red" `, "unknown attribute"},
		{`<method_context/>`, ``, ""},
		{`<method_context/>`, `<method_context user="root"/>`, "unknown attribute"},
		{`<loctext xml:lang="C">svc</loctext>`, ``, "lacks its required <loctext>"},
	} {
		doc := strings.Replace(good, bad.from, bad.to, 1)
		if doc == good {
			t.Fatalf("%q not in the manifest", bad.from)
		}
		errs := strings.Join(checkDTD(doc), "\n")
		if (bad.want == "") != (errs == "") || !strings.Contains(errs, bad.want) {
			t.Errorf("%q → %q: errors %q, want %q", bad.from, bad.to, errs, bad.want)
		}
	}
}
