package unit

import (
	"encoding/xml"
	"fmt"
	"io"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// plistValue decodes the next value of a property list (DTD PLIST 1.0):
// dict → map[string]any, array → []any, string → string, integer →
// int64, true/false → bool.
//
// It is longer than a screen: one case per plist element, in one switch.
func plistValue(d *xml.Decoder, start xml.StartElement) (any, error) {
	switch start.Name.Local {
	case "dict":
		m := map[string]any{}
		for {
			k, err := nextStart(d)
			if err == io.EOF {
				return m, nil
			}
			if err != nil {
				return nil, err
			}
			if k.Name.Local != "key" {
				return nil, fmt.Errorf("<%s> where a <key> belongs", k.Name.Local)
			}
			var key string
			if err := d.DecodeElement(&key, &k); err != nil {
				return nil, err
			}
			if _, dup := m[key]; dup {
				return nil, fmt.Errorf("key %q repeated", key)
			}
			v, err := nextStart(d)
			if err != nil {
				return nil, fmt.Errorf("key %q has no value", key)
			}
			if m[key], err = plistValue(d, v); err != nil {
				return nil, err
			}
		}
	case "array":
		var a []any
		for {
			e, err := nextStart(d)
			if err == io.EOF {
				return a, nil
			}
			if err != nil {
				return nil, err
			}
			v, err := plistValue(d, e)
			if err != nil {
				return nil, err
			}
			a = append(a, v)
		}
	case "string":
		var s string
		err := d.DecodeElement(&s, &start)
		return s, err
	case "integer":
		var s string
		if err := d.DecodeElement(&s, &start); err != nil {
			return nil, err
		}
		return strconv.ParseInt(s, 10, 64)
	case "true", "false":
		var s string
		if err := d.DecodeElement(&s, &start); err != nil || s != "" {
			return nil, fmt.Errorf("<%s> not empty", start.Name.Local)
		}
		return start.Name.Local == "true", nil
	}
	return nil, fmt.Errorf("unknown plist element <%s>", start.Name.Local)
}

// nextStart returns the next start element, or io.EOF at the end of the
// enclosing element.
func nextStart(d *xml.Decoder) (xml.StartElement, error) {
	for {
		tok, err := d.Token()
		if err != nil {
			return xml.StartElement{}, err
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			return tok, nil
		case xml.EndElement:
			return xml.StartElement{}, io.EOF
		case xml.CharData:
			if strings.TrimSpace(string(tok)) != "" {
				return xml.StartElement{}, fmt.Errorf("stray text %q", tok)
			}
		}
	}
}

func parsePlist(t *testing.T, doc string) map[string]any {
	t.Helper()
	if !strings.Contains(doc, `<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">`) {
		t.Errorf("no plist DOCTYPE")
	}
	d := xml.NewDecoder(strings.NewReader(doc))
	d.Strict = true
	root, err := nextStart(d)
	if err != nil || root.Name.Local != "plist" || len(root.Attr) != 1 || root.Attr[0].Value != "1.0" {
		t.Fatalf("root %v, %v", root, err)
	}
	top, err := nextStart(d)
	if err != nil {
		t.Fatal(err)
	}
	v, err := plistValue(d, top)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := nextStart(d); err != io.EOF {
		t.Errorf("more than one value in <plist>")
	}
	m, ok := v.(map[string]any)
	if !ok {
		t.Fatalf("top level is %T, not a dict", v)
	}
	return m
}

func TestLaunchd(t *testing.T) {
	types := map[string]string{ // launchd.plist(5)
		"Label": "string", "ProgramArguments": "[]interface {}", "RunAtLoad": "bool",
		"WorkingDirectory": "string", "ExitTimeOut": "int64", "Sockets": "map[string]interface {}",
	}
	for name, conf := range configs {
		t.Run(name, func(t *testing.T) {
			p := parsePlist(t, generate(t, "svc", conf, "launchd"))
			for k, v := range p {
				if want, ok := types[k]; ok && fmt.Sprintf("%T", v) != want {
					t.Errorf("%s is %T, want %s", k, v, want)
				} else if !ok && k != "KeepAlive" {
					t.Errorf("unexpected key %s", k)
				}
			}
			if p["Label"] != "svc" || p["RunAtLoad"] != true {
				t.Errorf("Label %v, RunAtLoad %v", p["Label"], p["RunAtLoad"])
			}
			args, _ := p["ProgramArguments"].([]any)
			if len(args) < 2 || args[len(args)-1] != "run" {
				t.Fatalf("ProgramArguments %q", args)
			}
			for _, a := range args {
				if _, ok := a.(string); !ok {
					t.Errorf("ProgramArguments holds %T", a)
				}
			}
			if exe := args[0].(string); !filepath.IsAbs(exe) {
				t.Errorf("program %q is not absolute", exe)
			}
			switch ka := p["KeepAlive"].(type) {
			case bool:
				if ka || name == "full" || name == "noreload" {
					t.Errorf("KeepAlive %v with %s", ka, name)
				}
			case map[string]any:
				if len(ka) != 1 || ka["SuccessfulExit"] != false || (name != "full" && name != "noreload") {
					t.Errorf("KeepAlive %v with %s", ka, name)
				}
			default:
				t.Errorf("KeepAlive is %T", ka)
			}
		})
	}
	full := parsePlist(t, generate(t, "svc", configs["full"], "launchd"))
	if full["ExitTimeOut"] != int64(38) || full["WorkingDirectory"] != "/tmp" {
		t.Errorf("ExitTimeOut %v, WorkingDirectory %v", full["ExitTimeOut"], full["WorkingDirectory"])
	}
	if forever := parsePlist(t, generate(t, "svc", configs["noreload"], "launchd")); forever["ExitTimeOut"] != int64(0) {
		t.Errorf("forever: ExitTimeOut %v", forever["ExitTimeOut"])
	}
}
