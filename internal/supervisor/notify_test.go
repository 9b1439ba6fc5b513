package supervisor

import (
	"os"
	"reflect"
	"testing"
)

// parseNotify reads sd_notify's KEY=VALUE lines: values keep any '=' of
// their own, lines without '=' and empty lines are skipped, and a key
// given twice keeps its last value.
func TestParseNotify(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want map[string]string
	}{
		{"", map[string]string{}},
		{"\n\n", map[string]string{}},
		{"READY=1", map[string]string{"READY": "1"}},
		{"READY=1\nSTATUS=serving 3 clients\n", map[string]string{"READY": "1", "STATUS": "serving 3 clients"}},
		{"FDSTORE=1\nFDNAME=conn-7", map[string]string{"FDSTORE": "1", "FDNAME": "conn-7"}},
		{"FDSTOREREMOVE=1\nFDNAME=conn-7\n", map[string]string{"FDSTOREREMOVE": "1", "FDNAME": "conn-7"}},
		{"MAINPID=4242", map[string]string{"MAINPID": "4242"}},
		{"STATUS=a=b=c", map[string]string{"STATUS": "a=b=c"}},
		{"STATUS=", map[string]string{"STATUS": ""}},
		{"garbage\nREADY=1\nmore garbage", map[string]string{"READY": "1"}},
		{"READY=1\nREADY=0", map[string]string{"READY": "0"}},
		{"WATCHDOG=1\x00junk", map[string]string{"WATCHDOG": "1\x00junk"}},
	} {
		if got := parseNotify([]byte(tc.in)); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("parseNotify(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// A line that only looks like READY=1 is not READY=1.
func TestParseNotifyNotReady(t *testing.T) {
	for _, in := range []string{"READY", "READY=", "READY=11", " READY=1", "READY =1", "ready=1", "READY=1 "} {
		if got := parseNotify([]byte(in))["READY"]; got == "1" {
			t.Errorf("parseNotify(%q)[READY] = %q; the supervisor would take it for READY=1", in, got)
		}
	}
}

func isDone(c <-chan struct{}) bool {
	select {
	case <-c:
		return true
	default:
		return false
	}
}

// A READY=1 closes the armed channel, once: more READY=1 do not panic,
// and arming again gives a fresh channel.
func TestNotifyReadyFrom(t *testing.T) {
	n := &notifySocket{ready: make(chan struct{})}
	first := n.arm(0)
	if isDone(first) {
		t.Fatal("a freshly armed channel is closed")
	}
	n.readyFrom(os.Getpid())
	if !isDone(first) {
		t.Fatal("READY=1 did not close the armed channel")
	}
	n.readyFrom(os.Getpid()) // a second READY=1
	n.readyFrom(0)
	second := n.arm(0)
	if isDone(second) {
		t.Fatal("arming again returned a closed channel")
	}
	n.readyFrom(0)
	if !isDone(second) {
		t.Error("READY=1 from an unknown sender did not count with nothing excluded")
	}
}

// A READY=1 from the excluded daemon (the one being replaced) does not
// count; one from a process outside it, or from an unknown sender, does.
func TestNotifyReadyFromExcluded(t *testing.T) {
	n := &notifySocket{ready: make(chan struct{})}
	c := n.arm(os.Getpid())
	n.readyFrom(os.Getpid())
	if isDone(c) {
		t.Fatal("READY=1 from the excluded daemon counted")
	}
	n.readyFrom(os.Getppid()) // our parent descends not from us
	if !isDone(c) {
		t.Error("READY=1 from a process outside the excluded daemon did not count")
	}
	c = n.arm(os.Getpid())
	n.readyFrom(0)
	if !isDone(c) {
		t.Error("READY=1 from an unknown sender did not count")
	}
}
