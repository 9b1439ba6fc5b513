package config

import (
	"errors"
	"io/fs"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/lsbinit/lsbinit/internal/ready"
	"github.com/lsbinit/lsbinit/internal/schedule"
	"github.com/lsbinit/lsbinit/internal/spec"
)

func TestDefaultsNonRoot(t *testing.T) {
	etc := etcFiles(t, map[string]string{"lsbinit/svc.conf": "DAEMON=/usr/bin/svc\n"})
	o := opts(etc)
	cfg, err := Load(o)
	if err != nil {
		t.Fatal(err)
	}
	// The documented defaults (README, "Config reference"), spelt out.
	want := &spec.Spec{
		Name:         "svc",
		Path:         "/usr/bin/svc",
		Desc:         "svc",
		PidFile:      "/tmp/lsbinit-1000/svc.pid",
		LogFile:      "/tmp/lsbinit-1000/svc.log",
		Dir:          "/",
		Umask:        0o022,
		Schedule:     schedule.Default(),
		ReloadSignal: unix.SIGHUP,
		Ready:        ready.Spec{Kind: "exec"},
		ReadyDelay:   spec.DefaultReadyDelay,
		StartTimeout: 30 * time.Second,
		Respawn:      spec.RespawnNo,
		Restart:      spec.RestartStopStart,
		Header: spec.Header{
			Provides: "svc", RequiredStart: "$remote_fs $syslog", RequiredStop: "$remote_fs $syslog",
			DefaultStart: "2 3 4 5", DefaultStop: "0 1 6", ShortDescription: "svc", Description: "svc",
		},
		HealthInterval: 30 * time.Second, HealthTimeout: 10 * time.Second, HealthRetries: 3,
	}
	if files := []string{filepath.Join(etc, "lsbinit/svc.conf")}; !slices.Equal(cfg.Files, files) {
		t.Errorf("Files = %q, want %q", cfg.Files, files)
	}
	if got := dataOf(cfg.Spec); !reflect.DeepEqual(got, want) {
		t.Errorf("got  %+v\nwant %+v", got, want)
	}

	o.Getenv = getenv(map[string]string{"XDG_RUNTIME_DIR": "/run/user/1000"})
	cfg, err = Load(o)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.PidFile != "/run/user/1000/svc.pid" || cfg.LogFile != "/run/user/1000/svc.log" {
		t.Errorf("with XDG_RUNTIME_DIR: PidFile %q, LogFile %q", cfg.PidFile, cfg.LogFile)
	}
	o.Getenv = getenv(map[string]string{"XDG_RUNTIME_DIR": "relative/dir"})
	if cfg, err = Load(o); err != nil || cfg.PidFile != "/tmp/lsbinit-1000/svc.pid" {
		t.Errorf("relative XDG_RUNTIME_DIR: PidFile %q, %v", cfg.PidFile, err)
	}
}

func TestDefaultsRoot(t *testing.T) {
	etc := etcFiles(t, map[string]string{"lsbinit/svc.conf": "DAEMON=/usr/bin/svc\nDESC='My Service'\n"})
	o := opts(etc)
	o.UID = 0
	o.Getenv = getenv(map[string]string{"XDG_RUNTIME_DIR": "/run/user/0"})
	cfg, err := Load(o)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.PidFile != "/run/svc.pid" || cfg.LogFile != "/var/log/svc.log" {
		t.Errorf("root: PidFile %q, LogFile %q", cfg.PidFile, cfg.LogFile)
	}
	if cfg.Desc != "My Service" || cfg.Header.ShortDescription != "My Service" || cfg.Header.Description != "My Service" {
		t.Errorf("Desc %q, header %+v", cfg.Desc, cfg.Header)
	}
}

func TestLogFileBesidePidFile(t *testing.T) {
	cfg := mustLoad(t, "DAEMON=/x\nPIDFILE=/srv/run/app.pid\n")
	if cfg.LogFile != "/srv/run/svc.log" {
		t.Errorf("LogFile = %q, want /srv/run/svc.log", cfg.LogFile)
	}
}

func TestAllKeys(t *testing.T) {
	cfg := mustLoad(t, `
DAEMON=/usr/sbin/nginx
DAEMON_ARGS='-g "daemon on;"'
DESC="web server"
PIDFILE=/run/nginx.pid
LOGFILE=none
USER=www-data GROUP=www-data
CHDIR=/var/www
UMASK=0027
NICE=-5
STOP_SCHEDULE=QUIT/5/TERM/5/KILL/5
RELOAD_SIGNAL=USR1
READY=tcp:[::1]:80
START_TIMEOUT=1m30s
RESPAWN=on-failure
PIDFILE_BY_DAEMON=Yes
LISTEN="web=tcp:127.0.0.1:8080 unix:/run/svc.sock"
RESTART=overlap
FDSTORE_MAX=8
LOCKFILE=/var/lock/subsys/nginx
CHECK_CMD="/usr/sbin/nginx -t"
HEALTH_CMD="/usr/bin/curl -fsS http://127.0.0.1/health"
HEALTH_INTERVAL=1m
HEALTH_TIMEOUT=5
HEALTH_RETRIES=5
PROVIDES="nginx  httpd"
REQUIRED_START='$remote_fs $network'
SHOULD_START=$'$time'
SHOULD_STOP='$time'
DEFAULT_START="S 2 3"
DEFAULT_STOP=""
SHORT_DESCRIPTION="nginx web server"
DESCRIPTION="A fast
web server"
`)
	sched, _ := schedule.Parse("QUIT/5/TERM/5/KILL/5")
	want := &spec.Spec{
		Name: "svc",
		Path: "/usr/sbin/nginx", Args: []string{"-g", "daemon on;"}, Desc: "web server",
		PidFile: "/run/nginx.pid", LogFile: "none", User: "www-data", Group: "www-data",
		Dir: "/var/www", Umask: 0o027, Nice: -5, Schedule: sched, ReloadSignal: unix.SIGUSR1,
		Ready: ready.Spec{Kind: "tcp", Addr: "[::1]:80"}, ReadyDelay: spec.DefaultReadyDelay, StartTimeout: 90 * time.Second,
		Respawn: spec.RespawnOnFailure, PidFileByDaemon: true, LockFile: "/var/lock/subsys/nginx",
		Listen:  []spec.Socket{{Name: "web", Net: "tcp", Addr: "127.0.0.1:8080"}, {Name: "svc", Net: "unix", Addr: "/run/svc.sock"}},
		Restart: spec.RestartOverlap, FDStoreMax: 8,
		CheckCommand:   []string{"/usr/sbin/nginx", "-t"},
		HealthCommand:  []string{"/usr/bin/curl", "-fsS", "http://127.0.0.1/health"},
		HealthInterval: time.Minute, HealthTimeout: 5 * time.Second, HealthRetries: 5,
		Header: spec.Header{
			Provides: "nginx httpd", RequiredStart: "$remote_fs $network", RequiredStop: "$remote_fs $network",
			ShouldStart: "$time", ShouldStop: "$time", DefaultStart: "S 2 3", DefaultStop: "",
			ShortDescription: "nginx web server", Description: "A fast\nweb server",
		},
	}
	if got := dataOf(cfg.Spec); !reflect.DeepEqual(got, want) {
		t.Errorf("got  %+v\nwant %+v", got, want)
	}
}

func TestValueForms(t *testing.T) {
	tests := []struct {
		conf  string
		check func(*Result) bool
	}{
		{"UMASK=022", func(c *Result) bool { return c.Umask == 0o022 }},
		{"UMASK=0", func(c *Result) bool { return c.Umask == 0 }},
		{"UMASK=777", func(c *Result) bool { return c.Umask == 0o777 }},
		{"NICE=19", func(c *Result) bool { return c.Nice == 19 }},
		{"NICE=-20", func(c *Result) bool { return c.Nice == -20 }},
		{"NICE=+3", func(c *Result) bool { return c.Nice == 3 }},
		{"STOP_SCHEDULE=10", func(c *Result) bool { return c.Schedule.String() == "TERM/10/KILL/10" }},
		{"RELOAD_SIGNAL=none", func(c *Result) bool { return c.NoReload }},
		{"RELOAD_SIGNAL=SIGUSR2", func(c *Result) bool { return c.ReloadSignal == unix.SIGUSR2 }},
		{"RELOAD_SIGNAL=1", func(c *Result) bool { return c.ReloadSignal == unix.SIGHUP }},
		{"READY=notify", func(c *Result) bool { return c.Ready == ready.Spec{Kind: "notify"} }},
		{"READY=exec", func(c *Result) bool { return c.Ready == ready.Spec{Kind: "exec"} }},
		{"READY=tcp:localhost:8080", func(c *Result) bool { return c.Ready == ready.Spec{Kind: "tcp", Addr: "localhost:8080"} }},
		{"READY=tcp:127.0.0.1:065535", func(c *Result) bool { return c.Ready.Addr == "127.0.0.1:65535" }},
		{"READY=file:/run/app.ready", func(c *Result) bool { return c.Ready == ready.Spec{Kind: "file", Path: "/run/app.ready"} }},
		{"READY=delay:2.5", func(c *Result) bool { return c.Ready == ready.Spec{Kind: "delay", Delay: 2500 * time.Millisecond} }},
		{"READY=delay:500ms", func(c *Result) bool { return c.Ready.Delay == 500*time.Millisecond }},
		{"START_TIMEOUT=45", func(c *Result) bool { return c.StartTimeout == 45*time.Second }},
		{"START_TIMEOUT=2m", func(c *Result) bool { return c.StartTimeout == 2*time.Minute }},
		{"RESPAWN=always", func(c *Result) bool { return c.Respawn == spec.RespawnAlways }},
		{"RESPAWN=no", func(c *Result) bool { return c.Respawn == spec.RespawnNo }},
		{"PIDFILE_BY_DAEMON=true", func(c *Result) bool { return c.PidFileByDaemon }},
		{"PIDFILE_BY_DAEMON=1", func(c *Result) bool { return c.PidFileByDaemon }},
		{"PIDFILE_BY_DAEMON=NO", func(c *Result) bool { return !c.PidFileByDaemon }},
		{"PIDFILE_BY_DAEMON=0", func(c *Result) bool { return !c.PidFileByDaemon }},
		{"PIDFILE=", func(c *Result) bool { return c.PidFile == "/tmp/lsbinit-1000/svc.pid" }},
		{"CHDIR=", func(c *Result) bool { return c.Dir == "/" }},
		{"LOCKFILE=", func(c *Result) bool { return c.LockFile == "" }},
		{"PROVIDES=", func(c *Result) bool { return c.Header.Provides == "svc" }},
		{"REQUIRED_START=", func(c *Result) bool { return c.Header.RequiredStart == "" && c.Header.RequiredStop == "" }},
		{"REQUIRED_STOP='$syslog'", func(c *Result) bool { return c.Header.RequiredStop == "$syslog" }},
		{"DESC=", func(c *Result) bool { return c.Desc == "svc" }},
	}
	for _, tt := range tests {
		cfg, err := loadConf(t, "DAEMON=/x\n"+tt.conf)
		if err != nil {
			t.Errorf("%s: %v", tt.conf, err)
		} else if !tt.check(cfg) {
			t.Errorf("%s: unexpected %+v", tt.conf, cfg)
		}
	}
}

func TestPrecedence(t *testing.T) {
	etc := etcFiles(t, map[string]string{
		"lsbinit/svc.conf": "DAEMON=/usr/bin/svc\nBASE=/usr\nNICE=1\nUMASK=077\nDESC=conf\n",
		"default/svc":      "NICE=2\nCHDIR=$BASE/lib\nDESC=default\n",
		"sysconfig/svc":    "NICE=3\nDESC=\"$DESC+sysconfig\"\n",
	})
	cfg, err := Load(opts(etc))
	if err != nil {
		t.Fatal(err)
	}
	files := []string{filepath.Join(etc, "lsbinit/svc.conf"), filepath.Join(etc, "default/svc"), filepath.Join(etc, "sysconfig/svc")}
	if !slices.Equal(cfg.Files, files) {
		t.Errorf("Files = %q", cfg.Files)
	}
	if cfg.Nice != 3 || cfg.Umask != 0o77 || cfg.Dir != "/usr/lib" || cfg.Desc != "default+sysconfig" {
		t.Errorf("Nice %d Umask %o Chdir %q Desc %q", cfg.Nice, cfg.Umask, cfg.Dir, cfg.Desc)
	}
}

func TestOnlyDefaultFile(t *testing.T) {
	etc := etcFiles(t, map[string]string{"default/svc": "DAEMON=/usr/bin/svc\n"})
	cfg, err := Load(opts(etc))
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(cfg.Files, []string{filepath.Join(etc, "default/svc")}) {
		t.Errorf("Files = %q", cfg.Files)
	}
}

func TestFinalValueValidated(t *testing.T) {
	etc := etcFiles(t, map[string]string{
		"lsbinit/svc.conf": "DAEMON=/usr/bin/svc\nNICE=99\nUMASK=bad\n",
		"default/svc":      "NICE=5\n",
		"sysconfig/svc":    "\n\nUMASK=0999\n",
	})
	_, err := Load(opts(etc))
	e := wantErr(t, err, "UMASK")
	if e.File != filepath.Join(etc, "sysconfig/svc") || e.Line != 3 {
		t.Errorf("error names %s:%d, want sysconfig/svc:3", e.File, e.Line)
	}
}

func TestExplicitFile(t *testing.T) {
	etc := etcFiles(t, map[string]string{
		"conf/web.conf":    "DAEMON=/usr/bin/web\n",
		"lsbinit/web.conf": "this is not read",
		"default/web":      "NICE=4",
	})
	o := Options{File: filepath.Join(etc, "conf/web.conf"), EtcDir: etc, UID: 1000}
	cfg, err := Load(o)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Name != "web" || cfg.Nice != 4 || len(cfg.Files) != 2 || cfg.Files[0] != o.File {
		t.Errorf("Name %q Nice %d Files %q", cfg.Name, cfg.Nice, cfg.Files)
	}
	o.Name = "other"
	if cfg, err = Load(o); err != nil || cfg.Name != "other" {
		t.Errorf("Name given: %v, %v", cfg, err)
	}

	o.File = filepath.Join(etc, "conf/missing.conf")
	_, err = Load(o)
	if !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing explicit file: %v, want fs.ErrNotExist", err)
	}
	var perr *fs.PathError
	if !errors.As(err, &perr) || perr.Path != o.File {
		t.Errorf("missing explicit file: %v does not wrap a *fs.PathError for it", err)
	}
	wantErr(t, err, o.File+": cannot open: no such file or directory")
}

func TestNoConfigAtAll(t *testing.T) {
	etc := t.TempDir()
	_, err := Load(opts(etc))
	if !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("got %v, want fs.ErrNotExist", err)
	}
	for _, p := range []string{"lsbinit/svc.conf", "default/svc", "sysconfig/svc"} {
		if !strings.Contains(err.Error(), filepath.Join(etc, p)) {
			t.Errorf("error %q does not name %s", err, p)
		}
	}
}

func TestBadNames(t *testing.T) {
	for _, o := range []Options{{}, {Name: "a/b"}, {Name: ".."}, {Name: "-x"}, {File: "/etc/x/.conf", Name: "."}} {
		if _, err := Load(o); err == nil {
			t.Errorf("Load(%+v) accepted", o)
		} else {
			flatten(t, err)
		}
	}
}

func TestExportsAndWarnings(t *testing.T) {
	o := opts(etcFiles(t, map[string]string{
		"lsbinit/svc.conf": "export DAEMON=/usr/bin/svc\nENABLED=yes\nexport NODE_ENV=production\nhelper=/opt\nexport PATH\nexport GHOST\n",
		"default/svc":      "NODE_ENV=staging\nENABLED=no\nexport LANG=C.UTF-8\nexport helper\n",
	}))
	o.Getenv = getenv(map[string]string{"PATH": "/usr/bin:/bin"})
	cfg, err := Load(o)
	if err != nil {
		t.Fatal(err)
	}
	wantExports := []string{"DAEMON=/usr/bin/svc", "NODE_ENV=staging", "PATH=/usr/bin:/bin", "LANG=C.UTF-8", "helper=/opt"}
	if !slices.Equal(cfg.Env, wantExports) {
		t.Errorf("Exports = %q\nwant %q", cfg.Env, wantExports)
	}
	conf, def := cfg.Files[0], cfg.Files[1]
	wantWarnings := []string{
		conf + ":6: GHOST: exported but never assigned (ignored)",
		def + ":2: ENABLED: unknown key (ignored)",
	}
	if !slices.Equal(cfg.Warnings, wantWarnings) {
		t.Errorf("Warnings = %q\nwant %q", cfg.Warnings, wantWarnings)
	}
}

// TestHealthTimingWithoutCommand checks that the health check's timing
// set without HEALTH_CMD is accepted with a warning naming each key
// (README, "Health checks"), and is quiet once HEALTH_CMD is set.
func TestHealthTimingWithoutCommand(t *testing.T) {
	conf := "DAEMON=/usr/bin/svc\nHEALTH_INTERVAL=5s\nHEALTH_RETRIES=2\n"
	cfg := mustLoad(t, conf)
	if len(cfg.Warnings) != 2 || !strings.Contains(cfg.Warnings[0], "svc.conf:2: HEALTH_INTERVAL: set without HEALTH_CMD") ||
		!strings.Contains(cfg.Warnings[1], "svc.conf:3: HEALTH_RETRIES: set without HEALTH_CMD") {
		t.Errorf("Warnings = %q", cfg.Warnings)
	}
	if cfg.HealthInterval != 5*time.Second || cfg.HealthRetries != 2 || cfg.HealthTimeout != spec.DefaultHealthTimeout {
		t.Errorf("interval %v, timeout %v, retries %d", cfg.HealthInterval, cfg.HealthTimeout, cfg.HealthRetries)
	}
	cfg = mustLoad(t, conf+"HEALTH_CMD='/usr/bin/curl -fsS http://127.0.0.1/health'\n")
	if len(cfg.Warnings) != 0 {
		t.Errorf("with HEALTH_CMD: Warnings = %q", cfg.Warnings)
	}
	// A refused HEALTH_CMD is reported alone: the timing is not "without" it.
	_, err := loadConf(t, conf+"HEALTH_CMD='a | b'\n")
	wantErr(t, err, "svc.conf:4: HEALTH_CMD: cannot split into words")
}
