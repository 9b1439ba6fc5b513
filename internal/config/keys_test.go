package config

import (
	"os"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/lsbinit/lsbinit/internal/spec"
)

// samples gives each key a value other than its default, so that the
// test below can see the key reach its field. A new key needs one here.
var samples = map[string]string{
	"DAEMON": "/usr/sbin/other", "DAEMON_ARGS": "-f x", "DESC": "Other", "PIDFILE": "/run/o.pid",
	"LOGFILE": "none", "USER": "0", "GROUP": "0", "CHDIR": "/tmp", "UMASK": "0", "NICE": "3",
	"STOP_SCHEDULE": "5", "RELOAD_SIGNAL": "USR1", "READY": "notify", "START_TIMEOUT": "9",
	"RESPAWN": "always", "PIDFILE_BY_DAEMON": "yes", "LISTEN": "tcp:127.0.0.1:8080",
	"RESTART": "overlap", "FDSTORE_MAX": "4", "CHECK_CMD": "/bin/true", "HEALTH_CMD": "/bin/true",
	"HEALTH_INTERVAL": "1m", "HEALTH_TIMEOUT": "5", "HEALTH_RETRIES": "5", "LOCKFILE": "/run/o.lock",
	"PROVIDES": "o", "REQUIRED_START": "", "REQUIRED_STOP": "$network", "SHOULD_START": "$time",
	"SHOULD_STOP": "$time", "DEFAULT_START": "3", "DEFAULT_STOP": "", "SHORT_DESCRIPTION": "s",
	"DESCRIPTION": "d",
}

// field returns the value of the spec.Spec field a key's entry names.
func field(t *testing.T, s *spec.Spec, path string) reflect.Value {
	t.Helper()
	v := reflect.ValueOf(s).Elem()
	for _, name := range strings.Split(path, ".") {
		if v = v.FieldByName(name); !v.IsValid() {
			t.Fatalf("spec.Spec has no field %s", path)
		}
	}
	return v
}

// TestEachKeyFillsItsField sets each key alone and checks that the field
// its entry names, and no other, moved away from the default.
func TestEachKeyFillsItsField(t *testing.T) {
	base := dataOf(mustLoad(t, "DAEMON=/usr/sbin/d\n").Spec)
	for _, k := range keys {
		val, ok := samples[k.name]
		if !ok {
			t.Errorf("%s: no sample value in this test", k.name)
			continue
		}
		conf := "DAEMON=/usr/sbin/d\n" + k.name + "='" + val + "'\n"
		got := dataOf(mustLoad(t, conf).Spec)
		if reflect.DeepEqual(field(t, got, k.field).Interface(), field(t, base, k.field).Interface()) {
			t.Errorf("%s=%q left %s at its default", k.name, val, k.field)
		}
		// Fields derived from this one follow it; nothing else moves.
		field(t, got, k.field).Set(field(t, base, k.field))
		got.Desc, got.Header, got.LogFile, got.NoReload = base.Desc, base.Header, base.LogFile, base.NoReload
		if !reflect.DeepEqual(got, base) {
			t.Errorf("%s=%q changed more than %s:\n got %+v\nwant %+v", k.name, val, k.field, got, base)
		}
	}
}

// TestFindsIsTheRecord checks that the instance record (spec.Locator)
// keeps every field of the keys that find and stop the daemon.
func TestFindsIsTheRecord(t *testing.T) {
	var conf strings.Builder
	for _, k := range keys {
		conf.WriteString(k.name + "='" + samples[k.name] + "'\n")
	}
	s := mustLoad(t, conf.String()).Spec
	loc := s.Locator().Spec()
	for _, k := range keys {
		if k.finds && !reflect.DeepEqual(field(t, loc, k.field).Interface(), field(t, s, k.field).Interface()) {
			t.Errorf("%s finds the daemon, but the record does not keep %s", k.name, k.field)
		}
	}
}

// TestDocsListTheKeys checks that the README's config table and the man
// page's CONFIGURATION section name exactly the table's keys, and that the
// README gives each the default the key table words.
func TestDocsListTheKeys(t *testing.T) {
	var want []string
	for _, k := range keys {
		want = append(want, k.name)
	}
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, table, _ := strings.Cut(string(readme), "| key | meaning | default |")
	table, _, _ = strings.Cut(table, "\n\n")
	var got [][]string
	for _, row := range strings.Split(table, "\n")[2:] {
		cells := strings.Split(row, "|")
		named := regexp.MustCompile("`([A-Z_]+)`").FindAllStringSubmatch(cells[1], -1)
		got = append(got, named...)
		for _, m := range named {
			// The row's default column words each key's default.
			k, _ := lookupKey(m[1])
			if def := strings.ReplaceAll(cells[len(cells)-2], "`", ""); !strings.Contains(def, k.def) {
				t.Errorf("README: the default of %s is %q, the key table says %q", m[1], strings.TrimSpace(def), k.def)
			}
		}
	}
	if names := submatches(got); !slices.Equal(sorted(names), sorted(want)) {
		t.Errorf("README's config table lists %q,\nthe key table %q", names, want)
	}
	man, err := os.ReadFile("../../man/lsbinit.8")
	if err != nil {
		t.Fatal(err)
	}
	_, section, _ := strings.Cut(string(man), ".SH CONFIGURATION\n")
	section, _, _ = strings.Cut(section, "\n.SH ")
	var names []string
	for _, item := range strings.Split(section, "\n.TP\n")[1:] {
		tag, _, _ := strings.Cut(strings.ReplaceAll(item, "\\\n", ""), "\n")
		tag = strings.TrimLeft(tag, ".BIR") // the font macro
		names = append(names, regexp.MustCompile(`\b[A-Z][A-Z_]+\b`).FindAllString(tag, -1)...)
	}
	if !slices.Equal(sorted(names), sorted(want)) {
		t.Errorf("the man page lists %q,\nthe key table %q", names, want)
	}
}

func submatches(m [][]string) []string {
	var s []string
	for _, x := range m {
		s = append(s, x[1])
	}
	return s
}

func sorted(s []string) []string { return slices.Sorted(slices.Values(s)) }
