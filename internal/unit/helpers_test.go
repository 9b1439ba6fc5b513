package unit

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// generate runs Main for a config holding conf (DAEMON is added) and
// returns what it wrote.
func generate(t *testing.T, name, conf, supervisor string, extra ...string) string {
	t.Helper()
	dir := t.TempDir()
	file := filepath.Join(dir, name+".conf")
	if err := os.WriteFile(file, []byte("DAEMON=/bin/sleep\nPIDFILE="+dir+"/x.pid\nLOGFILE="+dir+"/x.log\n"+conf), 0o644); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	args := append([]string{"-c", file, "--for", supervisor}, extra...)
	if code := Main(args, func(string) string { return "" }, &stdout, &stderr); code != 0 {
		t.Fatalf("Main(%q) = %d, stderr:\n%s", args, code, stderr.String())
	}
	if stderr.Len() > 0 {
		t.Errorf("Main(%q) wrote on stderr:\n%s", args, stderr.String())
	}
	return stdout.String()
}

// configs are the configurations every writer is checked with.
var configs = map[string]string{
	"defaults": "",
	"full": `DESC='A <daemon> & "friends" 100% $x \ y'
REQUIRED_START='$network $remote_fs $syslog $time $named postgresql'
SHOULD_START='redis $portmap'
RESPAWN=always
RELOAD_SIGNAL=USR1
STOP_SCHEDULE=QUIT/10/TERM/20/KILL/2.5
START_TIMEOUT=1m
DEFAULT_START="3 5"
CHDIR=/tmp
`,
	"noreload": `RELOAD_SIGNAL=none
RESPAWN=on-failure
STOP_SCHEDULE=TERM/5/forever/KILL/5
DEFAULT_START=5
`,
	"manual": `DEFAULT_START=""
DEFAULT_STOP=""
REQUIRED_START=""
`,
}

func lines(s string) []string {
	return strings.Split(strings.TrimSuffix(s, "\n"), "\n")
}
