package names

import (
	"slices"
	"strings"
	"testing"
)

func TestTable(t *testing.T) {
	if got := strings.Join(LSBActions(true), "|"); got != "start|stop|restart|try-restart|reload|force-reload|status" {
		t.Errorf("LSB actions: %s", got)
	}
	if got := strings.Join(LSBActions(false), "|"); got != "start|stop|restart|try-restart|force-reload|status" {
		t.Errorf("LSB actions without reload: %s", got)
	}
	if got := strings.Join(Extensions(), "|"); got != "run|check|header|logs|version|help" {
		t.Errorf("extensions: %s", got)
	}
	for _, a := range actions {
		if a.ChangesState && a.Verb == "" {
			t.Errorf("%s changes state but has no verb for its messages", a.Name)
		}
		if a.StartsDaemon && a.Name != "run" && !a.ChangesState {
			t.Errorf("%s starts a daemon but takes no lock", a.Name)
		}
		if got, ok := Lookup(a.Name); !ok || got != a || !IsAction(a.Name) {
			t.Errorf("Lookup(%s) = %+v, %v", a.Name, got, ok)
		}
	}
	if _, ok := Lookup("install"); ok || IsAction("install") {
		t.Error("install is a command, not an action")
	}
	for _, s := range Subcommands {
		if IsAction(s) && s != "logs" {
			t.Errorf("%s is both an action and a command", s)
		}
	}
	if !slices.Contains(Actions, "condrestart") {
		t.Error("condrestart, try-restart's old name, is accepted")
	}
}
