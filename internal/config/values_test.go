package config

import (
	"errors"
	"strings"
	"testing"
)

// It is longer than a screen: a table of cases.
func TestBadValues(t *testing.T) {
	tests := []struct{ line, want string }{
		{"DAEMON=bin/app", `DAEMON: "bin/app" is not an absolute path`},
		{"DAEMON=", `DAEMON: "" is not an absolute path`},
		{"DAEMON_ARGS='a; b'", "DAEMON_ARGS: cannot split into words"},
		{"DAEMON_ARGS='$(id)'", "DAEMON_ARGS: command substitution is not allowed"},
		{"DAEMON_ARGS='--x #y'", `DAEMON_ARGS: a word starting with "#"`},
		{"CHECK_CMD='nginx -t | x'", "CHECK_CMD: cannot split into words"},
		{"DESC='two\nlines'", "DESC: must be a single line"},
		{"PIDFILE=run/x.pid", `PIDFILE: "run/x.pid" is not an absolute path`},
		{"LOGFILE=x.log", `LOGFILE: "x.log" is not an absolute path`},
		{"LOGFILE=None", `LOGFILE: "None" is not an absolute path`},
		{"CHDIR=.", `CHDIR: "." is not an absolute path`},
		{"LOCKFILE=lock", `LOCKFILE: "lock" is not an absolute path`},
		{"USER='a\nb'", "USER: must be a single line"},
		{"GROUP='a\nb'", "GROUP: must be a single line"},
		{"UMASK=999", `UMASK: "999" is not an octal umask`},
		{"UMASK=0o22", `UMASK: "0o22" is not an octal umask`},
		{"UMASK=-1", `UMASK: "-1" is not an octal umask`},
		{"UMASK=1000", `UMASK: "1000" is out of range 0..0777`},
		{"UMASK=99999999999999999999999", `UMASK: "99999999999999999999999" is not an octal umask`},
		{"NICE=x", `NICE: "x" is not a number`},
		{"NICE=20", "NICE: 20 is out of range -20..19"},
		{"NICE=-21", "NICE: -21 is out of range -20..19"},
		{"NICE=99999999999999999999", `NICE: "99999999999999999999" is not a number`},
		{"STOP_SCHEDULE=TERM/x/KILL", `STOP_SCHEDULE: "TERM/x/KILL": item 2 "x": not a signal or a timeout`},
		{"STOP_SCHEDULE=TERM//KILL", `STOP_SCHEDULE: "TERM//KILL": item 2 "": empty item`},
		{"STOP_SCHEDULE=KILL", "STOP_SCHEDULE: \"KILL\": a schedule of one item must be a timeout"},
		{"STOP_SCHEDULE=TERM/48h", "longer than the maximum of 24h"},
		{"RELOAD_SIGNAL=FOO", `RELOAD_SIGNAL: signal "FOO": unknown signal name`},
		{"RELOAD_SIGNAL=0", `RELOAD_SIGNAL: signal "0": signal number out of range`},
		{"RELOAD_SIGNAL=TERM", "RELOAD_SIGNAL: TERM would stop the service, not reload it"},
		{"RELOAD_SIGNAL=SIGINT", "RELOAD_SIGNAL: INT would stop the service"},
		{"RELOAD_SIGNAL=9", "RELOAD_SIGNAL: KILL would stop the service"},
		{"RELOAD_SIGNAL=stop", "RELOAD_SIGNAL: STOP would stop the service"},
		{"READY=yes", `READY: "yes" is not one of exec, notify, tcp:HOST:PORT, unix:PATH, file:PATH, delay:DURATION`},
		{"READY=EXEC", `READY: "EXEC" is not one of`},
		{"READY=tcp:8080", "READY: tcp:8080: want tcp:HOST:PORT"},
		{"READY=tcp::8080", "READY: tcp::8080: want tcp:HOST:PORT"},
		{"READY=tcp:::1:80", "READY: tcp:::1:80: want tcp:HOST:PORT"},
		{"READY=tcp:host:0", `READY: tcp:host:0: port "0" is not a number from 1 to 65535`},
		{"READY=tcp:host:65536", `port "65536" is not a number from 1 to 65535`},
		{"READY=tcp:host:http", `port "http" is not a number`},
		{"READY=tcp:host:+80", `port "+80" is not a number`},
		{"READY=file:run/ready", `READY: file:run/ready: the path must be absolute`},
		{"READY=file:", `READY: file:: the path must be absolute`},
		{"READY=delay:x", `READY: delay:x: not a timeout`},
		{"READY=delay:0", `READY: delay:0: must be longer than 0`},
		{"READY=delay:-1s", `READY: delay:-1s: negative timeout`},
		{"READY=delay:1m", "READY: delay 1m0s is not shorter than START_TIMEOUT (30s)"},
		{"START_TIMEOUT=0", `START_TIMEOUT: "0": must be longer than 0`},
		{"START_TIMEOUT=soon", `START_TIMEOUT: "soon": not a timeout`},
		{"START_TIMEOUT=-5", `START_TIMEOUT: "-5": not a timeout`},
		{"START_TIMEOUT=30d", `START_TIMEOUT: "30d": not a timeout`},
		{"START_TIMEOUT=100h", `START_TIMEOUT: "100h": longer than the maximum`},
		{"HEALTH_CMD='curl x | grep ok'", "HEALTH_CMD: cannot split into words"},
		{"HEALTH_INTERVAL=0", `HEALTH_INTERVAL: "0": must be longer than 0`},
		{"HEALTH_INTERVAL=often", `HEALTH_INTERVAL: "often": not a timeout`},
		{"HEALTH_TIMEOUT=-1s", `HEALTH_TIMEOUT: "-1s": negative timeout`},
		{"HEALTH_TIMEOUT=0s", `HEALTH_TIMEOUT: "0s": must be longer than 0`},
		{"HEALTH_RETRIES=0", `HEALTH_RETRIES: "0": must be at least 1`},
		{"HEALTH_RETRIES=-2", `HEALTH_RETRIES: "-2": must be at least 1`},
		{"HEALTH_RETRIES=three", `HEALTH_RETRIES: "three" is not a number`},
		{"RESPAWN=yes", `RESPAWN: "yes" is not one of no, on-failure, always`},
		{"RESPAWN=On-Failure", `RESPAWN: "On-Failure" is not one of`},
		{"PIDFILE_BY_DAEMON=maybe", `PIDFILE_BY_DAEMON: "maybe" is not yes or no`},
		{"DEFAULT_START='2 3 7'", `DEFAULT_START: "7" is not a runlevel (0-6 or S)`},
		{"DEFAULT_STOP='0 1 s'", `DEFAULT_STOP: "s" is not a runlevel (0-6 or S)`},
		{"DEFAULT_STOP=06", `DEFAULT_STOP: "06" is not a runlevel`},
		{"SHORT_DESCRIPTION='a\nb'", "SHORT_DESCRIPTION: must be a single line"},
	}
	for _, tt := range tests {
		_, err := loadConf(t, "DAEMON=/usr/bin/x\n\n"+tt.line+"\n")
		if err == nil {
			t.Errorf("%q: accepted, want %q", tt.line, tt.want)
			continue
		}
		errs := flatten(t, err)
		if len(errs) != 1 {
			t.Errorf("%q: want one error, got %v", tt.line, err)
			continue
		}
		e := errs[0]
		if !strings.Contains(e.Error(), tt.want) || e.Line != 3 || !strings.HasSuffix(e.File, "svc.conf") {
			t.Errorf("%q: got %q (line %d), want svc.conf:3 and %q", tt.line, e, e.Line, tt.want)
		}
		if !strings.HasPrefix(e.Error(), e.File+":3: ") {
			t.Errorf("%q: error %q does not start with FILE:LINE", tt.line, e)
		}
	}
}

func TestDaemonNotSet(t *testing.T) {
	_, err := loadConf(t, "NICE=1\n")
	e := wantErr(t, err, "svc.conf: DAEMON is not set")
	if e.Line != 0 || e.Key != "" {
		t.Errorf("got %+v", e)
	}
	// A refused DAEMON is reported once, not also as unset.
	_, err = loadConf(t, "DAEMON=$(which app)\n")
	wantErr(t, err, "svc.conf:1: DAEMON: command substitution is not allowed (the file is parsed, never executed)")
	// After a syntax error DAEMON may be in the part not parsed.
	_, err = loadConf(t, "NICE=1\nDAEMON='/x\n")
	wantErr(t, err, "svc.conf:2: syntax error:")
}

func TestAllProblemsListed(t *testing.T) {
	_, err := loadConf(t, "DAEMON=app\nNICE=99\nA=$(x)\n. /etc/foo\nREADY=maybe\nUMASK=8\n")
	errs := flatten(t, err)
	var got []string
	for _, e := range errs {
		got = append(got, e.Key)
	}
	want := "DAEMON,NICE,A,,READY,UMASK" // in line order
	if strings.Join(got, ",") != want {
		t.Errorf("keys of errors = %q, want %q\n%v", strings.Join(got, ","), want, err)
	}
}

func TestErrorFormat(t *testing.T) {
	inner := errors.New("inner")
	tests := []struct {
		e    Error
		want string
	}{
		{Error{File: "f", Line: 3, Key: "K", Msg: "m"}, "f:3: K: m"},
		{Error{File: "f", Msg: "m"}, "f: m"},
		{Error{File: "f", Key: "K", Msg: "m"}, "f: K: m"},
		{Error{Msg: "m"}, "m"},
		{Error{Line: 2, Msg: "m"}, "line 2: m"},
		{Error{File: "f", Err: inner}, "f: inner"},
		{Error{File: "f", Msg: "m", Err: inner}, "f: m"},
	}
	for _, tt := range tests {
		if got := tt.e.Error(); got != tt.want {
			t.Errorf("%+v.Error() = %q, want %q", tt.e, got, tt.want)
		}
	}
	e := &Error{Err: inner}
	if !errors.Is(e, inner) {
		t.Error("Unwrap does not return Err")
	}
}
