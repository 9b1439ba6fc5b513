package generic

import (
	"fmt"
	"io"
	"path/filepath"

	"github.com/lsbinit/lsbinit/lsb"
)

// sourceOf is the config file a service is read from, as an absolute
// path: the instance record is kept under it.
func sourceOf(inv Invocation) string {
	f := inv.File
	if f == "" {
		f = filepath.Join("/etc/lsbinit", inv.Name+".conf")
	}
	if abs, err := filepath.Abs(f); err == nil {
		return abs
	}
	return f
}

// recordedRunning returns the recorded instance of source when it runs
// and the config (svc, nil when unusable) no longer finds it: the config
// was broken, or changed to another pidfile, since that instance started.
func recordedRunning(source string, svc *lsb.Service) (lsb.Service, bool) {
	rec, ok := lsb.Recorded(source)
	if !ok || (svc != nil && svc.PidFile == rec.PidFile && svc.PidFileByDaemon == rec.PidFileByDaemon) {
		return lsb.Service{}, false
	}
	probe := rec
	probe.Stdout, probe.Stderr = io.Discard, io.Discard
	if lsb.Invoke(probe, []string{"-q", "status"}) != lsb.StatusRunning {
		return lsb.Service{}, false
	}
	return rec, true
}

// actOnRecorded carries out action for an instance that the config no
// longer finds (rec), then, where the action goes on with the config
// (stop and the restarts), with svc. svc is nil when the config is not
// usable; then only stop, status and reload can be done.
func actOnRecorded(rec lsb.Service, svc *lsb.Service, action string, args []string, stdout, stderr io.Writer) (int, bool) {
	rec.Stdout, rec.Stderr = stdout, stderr
	why := "its config is not usable"
	if svc != nil {
		why = "its config now names PIDFILE " + svc.PidFile
	}
	fmt.Fprintf(stderr, "%s: acting on the running instance, started with PIDFILE %s (%s)\n", rec.Name, rec.PidFile, why)
	switch action {
	case "status", "reload":
		return lsb.Invoke(rec, args), true
	case "start":
		if quietOf(args) == nil {
			fmt.Fprintf(stdout, "Starting %s: %s (already running).\n", rec.Desc, rec.Name)
		}
		return lsb.ExitOK, true
	case "stop", "restart", "try-restart", "condrestart", "force-reload":
		if svc == nil && action != "stop" {
			return 0, false // the config's errors are reported as for any start
		}
		if code := lsb.Invoke(rec, append([]string{"stop"}, quietOf(args)...)); code != lsb.ExitOK || svc == nil {
			return code, true
		}
		if action != "stop" {
			return lsb.Invoke(*svc, []string{"start"}), true
		}
		return lsb.Invoke(*svc, []string{"-q", "stop"}), true
	}
	return 0, false
}

// quietOf returns the -q of args, if any.
func quietOf(args []string) []string {
	for _, a := range args {
		if a == "-q" || a == "--quiet" {
			return []string{"-q"}
		}
	}
	return nil
}
