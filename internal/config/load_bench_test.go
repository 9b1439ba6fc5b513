package config

import "testing"

// BenchmarkLoad: reading a typical service's config, every file looked
// for, parsed as shell and checked: what every action pays before it
// begins.
func BenchmarkLoad(b *testing.B) {
	etc := etcFiles(b, map[string]string{
		"lsbinit/svc.conf": "DAEMON=/usr/bin/svc\nDAEMON_ARGS=\"--port 8080 --workers 4\"\n" +
			"PIDFILE=/run/svc.pid\nREADY=tcp:127.0.0.1:8080\nSTOP_SCHEDULE=QUIT/10/KILL/5\n",
		"default/svc": "export LANG=C.UTF-8\nDAEMON_ARGS=\"$DAEMON_ARGS --verbose\"\n",
	})
	o := opts(etc)
	for b.Loop() {
		if _, err := Load(o); err != nil {
			b.Fatal(err)
		}
	}
}
