package config_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/lsbinit/lsbinit/internal/config"
)

func ExampleLoad() {
	etc, err := os.MkdirTemp("", "etc")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(etc)
	os.MkdirAll(filepath.Join(etc, "lsbinit"), 0o755)
	os.WriteFile(filepath.Join(etc, "lsbinit", "myapp.conf"), []byte(`
# parsed, never executed
APP_HOME=/opt/myapp
DAEMON=$APP_HOME/bin/myapp
DAEMON_ARGS="--listen :8080 --name 'my app'"
READY=tcp:127.0.0.1:8080
export NODE_ENV=production
`), 0o644)

	env := map[string]string{"XDG_RUNTIME_DIR": "/run/user/1000"}
	cfg, err := config.Load(config.Options{Name: "myapp", EtcDir: etc, UID: 1000,
		Getenv: func(k string) string { return env[k] }})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(cfg.Path, cfg.Args)
	fmt.Println(cfg.PidFile, cfg.Ready.Addr, cfg.Schedule)
	fmt.Println(cfg.Env)
	for _, w := range cfg.Warnings {
		fmt.Println(strings.TrimPrefix(w, etc))
	}
	// Output:
	// /opt/myapp/bin/myapp [--listen :8080 --name my app]
	// /run/user/1000/myapp.pid 127.0.0.1:8080 TERM/30/KILL/5
	// [NODE_ENV=production]
	// /lsbinit/myapp.conf:3: APP_HOME: unknown key (ignored)
}
