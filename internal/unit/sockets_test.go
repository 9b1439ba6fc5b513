package unit

import (
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/lsbinit/lsbinit/internal/exitcode"
	"github.com/lsbinit/lsbinit/internal/spec"
)

// listenConf has tcp, tcp6, udp, udp6 and unix entries under four names,
// "http" needing both a dual-stack and an IPv6-only wildcard.
const listenConf = `LISTEN="http=tcp::8080 tcp6:[::]:8443 dns=udp:127.0.0.1:5353 udp6:[::1]:5354 ctl=unix:/run/svc/ctl.sock http=tcp6:*:8444 http=tcp:[::ffff:10.0.0.1]:8082"
`

// wantSockets are the socket units of listenConf, each without its
// comments.
var wantSockets = []struct{ name, fdName, body string }{
	{"svc-http.socket", "http", `
ListenStream=8080
ListenStream=10.0.0.1:8082
FileDescriptorName=http
Service=svc.service
BindIPv6Only=both
`},
	{"svc.socket", "svc", `
ListenStream=[::]:8443
ListenDatagram=[::1]:5354
FileDescriptorName=svc
Service=svc.service
BindIPv6Only=ipv6-only
`},
	{"svc-dns.socket", "dns", `
ListenDatagram=127.0.0.1:5353
FileDescriptorName=dns
Service=svc.service
`},
	{"svc-ctl.socket", "ctl", `
ListenStream=/run/svc/ctl.sock
FileDescriptorName=ctl
Service=svc.service
SocketMode=0666
RemoveOnStop=yes
`},
	{"svc-http-2.socket", "http", `
ListenStream=[::]:8444
FileDescriptorName=http
Service=svc.service
BindIPv6Only=ipv6-only
`},
}

// writeUnits runs `unit -c DIR/NAME.conf --for systemd -o DIR/OUT` for a
// config holding conf and returns DIR and the files Main wrote there.
func writeUnits(t *testing.T, name, conf, out string) (string, map[string]string) {
	t.Helper()
	dir := t.TempDir()
	file := filepath.Join(dir, name+".conf")
	if err := os.WriteFile(file, []byte("DAEMON=/bin/sleep\nPIDFILE="+dir+"/x.pid\nLOGFILE="+dir+"/x.log\n"+conf), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, stdout, stderr := run("-c", file, "--for", "systemd", "-o", filepath.Join(dir, out)); code != 0 || stdout != "" || stderr != "" {
		t.Fatalf("%d, stdout %q, stderr %q", code, stdout, stderr)
	}
	files := map[string]string{}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".service") || strings.HasSuffix(e.Name(), ".socket") {
			data, _ := os.ReadFile(filepath.Join(dir, e.Name()))
			files[e.Name()] = string(data)
		}
	}
	return dir, files
}

// uncommented drops a unit's comments and empty lines.
func uncommented(unit string) []string {
	var out []string
	for _, l := range lines(unit) {
		if l != "" && !strings.HasPrefix(l, "#") {
			out = append(out, l)
		}
	}
	return out
}

func TestSystemdSockets(t *testing.T) {
	dir, files := writeUnits(t, "svc", listenConf, "svc.service")
	if len(files) != 1+len(wantSockets) {
		t.Errorf("wrote %d files, want %d", len(files), 1+len(wantSockets))
	}
	var names []string
	for _, w := range wantSockets {
		names = append(names, w.name)
		want := append([]string{"[Unit]", "Description=svc (sockets named " + w.fdName + ")",
			"Documentation=man:lsbinit(8)", "[Socket]"}, lines(strings.TrimPrefix(w.body, "\n"))...)
		want = append(want, "[Install]", "WantedBy=sockets.target")
		if got := uncommented(files[w.name]); !slices.Equal(got, want) {
			t.Errorf("%s:\n%s\nwant\n%s", w.name, strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
	}
	u := parseUnit(t, files["svc.service"])
	list := strings.Join(names, " ")
	if got := u["Unit"]["Requires"]; !slices.Equal(got, []string{list}) {
		t.Errorf("Requires=%q, want %q", got, list)
	}
	if got := u["Unit"]["After"]; !slices.Equal(got, []string{"remote-fs.target " + list}) {
		t.Errorf("After=%q", got)
	}
	if got := u["Service"]["Sockets"]; !slices.Equal(got, []string{list}) {
		t.Errorf("Sockets=%q, want %q", got, list)
	}
	if !strings.Contains(files["svc-ctl.socket"], "# LISTEN's entry 5: ctl=unix:/run/svc/ctl.sock\nListenStream=/run/svc/ctl.sock\n") {
		t.Errorf("svc-ctl.socket does not name its LISTEN entry:\n%s", files["svc-ctl.socket"])
	}

	// On stdout: the service unit, then each socket unit after its name.
	want := files["svc.service"]
	for _, w := range wantSockets {
		want += "\n# ==> " + w.name + " <==\n" + files[w.name]
	}
	if code, got, stderr := run("-c", filepath.Join(dir, "svc.conf"), "--for", "systemd"); code != 0 || got != want {
		t.Errorf("stdout: %d %q\n%s\nwant\n%s", code, stderr, got, want)
	}
}

// TestSystemdSocketNames: the socket units are named after the file the
// service unit is written to, systemd naming units after their files.
func TestSystemdSocketNames(t *testing.T) {
	_, files := writeUnits(t, "svc", `LISTEN="tcp::80 admin=tcp:127.0.0.1:81"`+"\n", "lsbinit-svc.service")
	for _, name := range []string{"lsbinit-svc.service", "lsbinit-svc.socket", "lsbinit-svc-admin.socket"} {
		if _, ok := files[name]; !ok {
			t.Errorf("no %s among %v", name, slices.Sorted(maps.Keys(files)))
		}
	}
	if !strings.Contains(files["lsbinit-svc-admin.socket"], "\nService=lsbinit-svc.service\n") ||
		!strings.Contains(files["lsbinit-svc.service"], "\nSockets=lsbinit-svc.socket lsbinit-svc-admin.socket\n") {
		t.Errorf("units do not name each other:\n%s\n%s", files["lsbinit-svc.service"], files["lsbinit-svc-admin.socket"])
	}
}

func TestSystemdNoSockets(t *testing.T) {
	for name, conf := range configs {
		if _, files := writeUnits(t, "svc", conf, "svc.service"); len(files) != 1 {
			t.Errorf("%s: wrote %d files", name, len(files))
		}
		out := generate(t, "svc", conf, "systemd")
		if strings.Contains(out, "# ==>") || strings.Contains(out, "Sockets=") || strings.Contains(out, "Requires=") {
			t.Errorf("%s without LISTEN:\n%s", name, out)
		}
	}
}

func TestSystemdSocketRefused(t *testing.T) {
	dir := t.TempDir()
	conf := filepath.Join(dir, "svc.conf")
	os.WriteFile(conf, []byte("DAEMON=/bin/sleep\nLISTEN='tcp:localhost:80'\n"), 0o644)
	code, stdout, stderr := run("-c", conf, "--for", "systemd", "-o", filepath.Join(dir, "svc.service"))
	if code != exitcode.NotConfigured || stdout != "" || !strings.Contains(stderr, `not on host names such as "localhost"`) {
		t.Errorf("host name: %d %q %q", code, stdout, stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, "svc.service")); err == nil {
		t.Errorf("wrote the service unit all the same")
	}
	os.WriteFile(conf, []byte("DAEMON=/bin/sleep\nLISTEN='tcp::80'\n"), 0o644)
	code, _, stderr = run("-c", conf, "--for", "systemd", "-o", filepath.Join(dir, "my svc.service"))
	if code != exitcode.Usage || !strings.Contains(stderr, "no systemd unit name") {
		t.Errorf("bad unit name: %d %q", code, stderr)
	}
	code, _, stderr = run("-c", conf, "--for", "systemd", "-o", filepath.Join(dir, "svc.socket"))
	if code != exitcode.Usage || !strings.Contains(stderr, "same file") {
		t.Errorf("-o svc.socket: %d %q", code, stderr)
	}
	// A masked socket unit stays masked, and the service unit unwritten.
	os.Symlink("/dev/null", filepath.Join(dir, "svc.socket"))
	code, _, stderr = run("-c", conf, "--for", "systemd", "-o", filepath.Join(dir, "svc.service"))
	if code != exitcode.Failed || !strings.Contains(stderr, "svc.socket: is a symbolic link") {
		t.Errorf("masked svc.socket: %d %q", code, stderr)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 2 {
		t.Errorf("left %d files, want svc.conf and svc.socket", len(entries))
	}
	// launchd takes names.
	if code, _, stderr := run("-c", conf, "--for", "launchd"); code != 0 {
		t.Errorf("launchd: %d %q", code, stderr)
	}
}

func TestSystemdListen(t *testing.T) {
	for in, want := range map[string]string{
		"tcp::80":                 "ListenStream=80 both",
		"tcp:*:80":                "ListenStream=80 both",
		"tcp:0.0.0.0:80":          "ListenStream=80 both",
		"tcp:[::]:80":             "ListenStream=80 both",
		"tcp6::80":                "ListenStream=[::]:80 ipv6-only",
		"tcp6:[::]:80":            "ListenStream=[::]:80 ipv6-only",
		"tcp:127.0.0.1:80":        "ListenStream=127.0.0.1:80 ",
		"tcp:[::ffff:10.1.2.3]:8": "ListenStream=10.1.2.3:8 ",
		"tcp6:[2001:DB8::1]:80":   "ListenStream=[2001:db8::1]:80 ",
		"tcp:[fe80::1%eth0]:80":   "ListenStream=[fe80::1]:80%%eth0 ",
		"udp::53":                 "ListenDatagram=53 both",
		"udp6:[::1]:53":           "ListenDatagram=[::1]:53 ",
		"udp6:*:53":               "ListenDatagram=[::]:53 ipv6-only",
		"unix:/run/a%b.sock":      "ListenStream=/run/a%%b.sock ",
		"tcp:localhost:80":        "error",
		"tcp:example.com:80":      "error",
		`unix:/run/x\`:            "error",
	} {
		socks, err := spec.ParseListen("svc", []string{in})
		if err != nil {
			t.Fatalf("%s: %v", in, err)
		}
		got := "error"
		if l, err := systemdListen(socks[0]); err == nil {
			got = l.key + "=" + l.value + " " + l.bind
		} else if exitcode.Of(err) != exitcode.NotConfigured {
			t.Errorf("%s: %v is not exit code 6", in, err)
		}
		if got != want {
			t.Errorf("%s: %q, want %q", in, got, want)
		}
	}
}

func TestLaunchdSockets(t *testing.T) {
	doc := generate(t, "svc", listenConf, "launchd")
	got := parsePlist(t, doc)["Sockets"]
	stream := func(kv ...string) map[string]any { return sockDict("stream", kv...) }
	dgram := func(kv ...string) map[string]any { return sockDict("dgram", kv...) }
	want := map[string]any{
		"http": []any{
			stream("SockServiceName", "8080"),
			stream("SockFamily", "IPv6", "SockServiceName", "8444"),
			stream("SockFamily", "IPv4", "SockNodeName", "10.0.0.1", "SockServiceName", "8082"),
		},
		"svc": []any{
			stream("SockFamily", "IPv6", "SockServiceName", "8443"),
			dgram("SockFamily", "IPv6", "SockNodeName", "::1", "SockServiceName", "5354"),
		},
		"dns": []any{dgram("SockFamily", "IPv4", "SockNodeName", "127.0.0.1", "SockServiceName", "5353")},
		"ctl": []any{map[string]any{"SockType": "stream", "SockFamily": "Unix", "SockPathName": "/run/svc/ctl.sock", "SockPathMode": int64(0o666)}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Sockets:\n%#v\nwant\n%#v", got, want)
	}
	// The keys in the order LISTEN first uses them.
	var at []int
	for _, k := range []string{"http", "svc", "dns", "ctl"} {
		at = append(at, strings.Index(doc, "\t\t<key>"+k+"</key>\n\t\t<array>"))
	}
	if !slices.IsSorted(at) || at[0] < 0 {
		t.Errorf("keys at %v", at)
	}
	if _, ok := parsePlist(t, generate(t, "svc", "", "launchd"))["Sockets"]; ok {
		t.Errorf("Sockets without LISTEN")
	}
}

func sockDict(typ string, kv ...string) map[string]any {
	m := map[string]any{"SockType": typ}
	for i := 0; i < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return m
}

// TestSystemdAnalyze checks the units with `systemd-analyze verify`,
// where it is installed.
func TestSystemdAnalyze(t *testing.T) {
	analyze, err := exec.LookPath("systemd-analyze")
	if err != nil {
		t.Skip("no systemd-analyze")
	}
	confs := map[string]string{"listen": listenConf, "escapes": `LISTEN="unix:/run/svc/100%z.sock"` + "\n"}
	for name, conf := range configs {
		confs[name] = conf
	}
	for name, conf := range confs {
		dir, files := writeUnits(t, "svc", conf, "svc.service")
		args := []string{"verify", "--man=no"}
		for f := range files {
			args = append(args, filepath.Join(dir, f))
		}
		out, _ := exec.CommandContext(t.Context(), analyze, args...).CombinedOutput()
		for _, l := range lines(string(out)) {
			if strings.Contains(l, "svc.") || strings.Contains(l, "svc-") || strings.Contains(l, dir) {
				t.Errorf("%s: %s", name, l)
			}
		}
	}
}
