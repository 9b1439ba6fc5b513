package spec

import (
	"reflect"
	"strings"
	"testing"
)

func TestParseListen(t *testing.T) {
	got, err := ParseListen("svc", strings.Fields("web=tcp:127.0.0.1:80 tcp6:[::1]:8080 dns=udp:*:53 udp6:[::]:54 unix:/run/svc/../svc.sock tcp::81 ll=tcp6:[fe80::1%lo]:82"))
	if err != nil {
		t.Fatal(err)
	}
	want := []Socket{
		{Name: "web", Net: "tcp", Addr: "127.0.0.1:80"},
		{Name: "svc", Net: "tcp6", Addr: "[::1]:8080"},
		{Name: "dns", Net: "udp", Addr: ":53"},
		{Name: "svc", Net: "udp6", Addr: "[::]:54"},
		{Name: "svc", Net: "unix", Addr: "/run/svc.sock"},
		{Name: "svc", Net: "tcp", Addr: ":81"},
		{Name: "ll", Net: "tcp6", Addr: "[fe80::1%lo]:82"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("ParseListen =\n%+v\nwant\n%+v", got, want)
	}
}

func TestParseListenRefuses(t *testing.T) {
	for word, why := range map[string]string{
		"tcp:localhost":        "want tcp:HOST:PORT",
		"tcp:127.0.0.1:0":      `port "0" is not a number from 1 to 65535`,
		"tcp:127.0.0.1:99999":  `port "99999"`,
		"tcp6:127.0.0.1:80":    `"127.0.0.1" is not an IPv6 address`,
		"tcp6:[x%lo]:80":       `"x%lo" is not an IPv6 address`,
		"sctp:127.0.0.1:80":    `"sctp" is not one of tcp, tcp6, udp, udp6, unix`,
		"unix:run/svc.sock":    "the path must be absolute",
		"a:b=tcp:127.0.0.1:80": "the name",
		"=tcp:127.0.0.1:80":    "the name",
		"127.0.0.1:80":         `"127.0.0.1" is not one of tcp`,
		"web":                  "is not one of tcp:HOST:PORT",
	} {
		if _, err := ParseListen("svc", []string{word}); err == nil || !strings.Contains(err.Error(), why) {
			t.Errorf("ParseListen(%q) = %v, want an error saying %q", word, err, why)
		}
	}
	if _, err := ParseListen("svc", []string{"tcp:127.0.0.1:80", "x=tcp:127.0.0.1:80"}); err == nil || !strings.Contains(err.Error(), "listed twice") {
		t.Errorf("the same address twice: %v", err)
	}
}
