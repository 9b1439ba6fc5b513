package cli

import (
	"slices"
	"testing"
)

func TestParseOrders(t *testing.T) {
	noenv := func(string) string { return "" }
	for _, c := range []struct {
		argv   []string
		name   string
		action []string
	}{
		{[]string{"lsbinit", "web", "status"}, "web", []string{"status"}},
		// systemctl's order is understood too.
		{[]string{"lsbinit", "status", "web"}, "web", []string{"status"}},
		{[]string{"lsbinit", "status", "web", "-v"}, "web", []string{"status", "-v"}},
		{[]string{"lsbinit", "-q", "stop", "web"}, "web", []string{"-q", "stop"}},
		{[]string{"lsbinit", "logs", "web", "-n", "5"}, "", []string{"logs", "web", "-n", "5"}},
		// Two actions, or an option after the action: not a name.
		{[]string{"lsbinit", "status", "stop"}, "", []string{"status", "stop"}},
		{[]string{"lsbinit", "status", "-v"}, "", []string{"status", "-v"}},
		// With -c the file names the service; a word after the action is extra.
		{[]string{"lsbinit", "-c", "/x/svc.conf", "status", "web"}, "svc", []string{"status", "web"}},
		{[]string{"/etc/init.d/web", "status"}, "web", []string{"status"}},
	} {
		inv, err := Parse(c.argv, noenv)
		if err != nil {
			t.Errorf("%q: %v", c.argv, err)
			continue
		}
		if inv.Name != c.name || !slices.Equal(inv.Action, c.action) {
			t.Errorf("%q: name %q, action %q; want %q, %q", c.argv, inv.Name, inv.Action, c.name, c.action)
		}
	}
}
