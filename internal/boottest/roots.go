package boottest

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"golang.org/x/sys/unix"
)

// recipe is how a root file system is made.
type recipe struct {
	Init    string   // systemd, sysv, openrc or runit: how it boots and reboots
	Suite   string   // Debian suite for debootstrap
	Include []string // packages debootstrap adds to minbase
	Base    string   // or: a copy of this root...
	Apt     []string // ...with these packages installed by apt-get
	Init1   string   // /sbin/init is made a link to this
}

// common are the packages every root has: what the scripts use inside.
var common = []string{"procps", "python3", "ca-certificates"}

// Recipes are the root file systems the scripts boot, by name.
var Recipes = map[string]recipe{
	"sid-systemd":      {Init: "systemd", Suite: "sid", Include: []string{"systemd", "systemd-sysv", "dbus"}},
	"bookworm-systemd": {Init: "systemd", Suite: "bookworm", Include: []string{"systemd", "systemd-sysv", "dbus"}},
	"sid-sysv":         {Init: "sysv", Suite: "sid", Include: []string{"sysvinit-core"}},
	"sid-openrc":       {Init: "openrc", Base: "sid-sysv", Apt: []string{"openrc"}, Init1: "/usr/sbin/openrc-init"},
	"sid-runit":        {Init: "runit", Suite: "sid", Include: []string{"runit-init"}},
}

// key names a recipe's version: a change to it makes a new root.
func (r recipe) key(name string) string {
	sum := sha256.Sum256([]byte(fmt.Sprintf("%s %+v %v v1", name, r, common)))
	return name + "-" + hex.EncodeToString(sum[:4])
}

// CacheDir holds the roots between runs: $LSBINIT_BOOT_CACHE, or
// /var/cache/lsbinit-boot.
func CacheDir() string {
	if d := os.Getenv("LSBINIT_BOOT_CACHE"); d != "" {
		return d
	}
	return "/var/cache/lsbinit-boot"
}

// Mirror is the Debian mirror: $LSBINIT_BOOT_MIRROR, or deb.debian.org.
func Mirror() string {
	if m := os.Getenv("LSBINIT_BOOT_MIRROR"); m != "" {
		return m
	}
	return "http://deb.debian.org/debian"
}

// Root returns the cached root of recipe name, building it first if it
// is not there (one build at a time, under a lock in the cache). log
// receives the build's output.
func Root(name string, log func(string, ...any)) (string, error) {
	r, ok := Recipes[name]
	if !ok {
		return "", fmt.Errorf("no root named %q", name)
	}
	dir := filepath.Join(CacheDir(), r.key(name))
	if _, err := os.Stat(filepath.Join(dir, "etc", "os-release")); err == nil {
		return dir, nil
	}
	if r.Base != "" {
		// The root this one is copied from, first: the lock below is not
		// one a builder can take twice.
		if _, err := Root(r.Base, log); err != nil {
			return "", err
		}
	}
	if err := os.MkdirAll(CacheDir(), 0o755); err != nil {
		return "", err
	}
	lock, err := os.OpenFile(filepath.Join(CacheDir(), ".lock"), os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return "", err
	}
	defer lock.Close()
	if err := unix.Flock(int(lock.Fd()), unix.LOCK_EX); err != nil {
		return "", err
	}
	if _, err := os.Stat(filepath.Join(dir, "etc", "os-release")); err == nil {
		return dir, nil // built while we waited
	}
	start := time.Now()
	tmp := dir + ".building"
	os.RemoveAll(tmp)
	if err := build(r, tmp, log); err != nil {
		os.RemoveAll(tmp)
		return "", fmt.Errorf("building root %s: %w", name, err)
	}
	if err := os.Rename(tmp, dir); err != nil {
		return "", err
	}
	log("built root %s in %s: %s", name, time.Since(start).Round(time.Second), dir)
	return dir, nil
}

func build(r recipe, dir string, log func(string, ...any)) error {
	if r.Base != "" {
		base, err := Root(r.Base, log)
		if err != nil {
			return err
		}
		if err := run(log, "cp", "-a", base, dir); err != nil {
			return err
		}
	} else {
		include := strings.Join(append(append([]string{}, r.Include...), common...), ",")
		// The mirror is the network: a failed download is tried again.
		var err error
		for try := 1; try <= 3; try++ {
			os.RemoveAll(dir)
			if err = run(log, "debootstrap", "--variant=minbase", "--include="+include, r.Suite, dir, Mirror()); err == nil {
				break
			}
			log("debootstrap %s, try %d: %v", r.Suite, try, err)
			time.Sleep(time.Duration(try) * 10 * time.Second)
		}
		if err != nil {
			return err
		}
	}
	if len(r.Apt) > 0 {
		args := append([]string{dir, "env", "DEBIAN_FRONTEND=noninteractive", "apt-get", "install", "-y", "-q", "--no-install-recommends"}, r.Apt...)
		var err error
		for try := 1; try <= 3; try++ {
			if err = run(log, "chroot", args...); err == nil {
				break
			}
			log("apt-get install %v, try %d: %v", r.Apt, try, err)
			time.Sleep(time.Duration(try) * 10 * time.Second)
		}
		if err != nil {
			return err
		}
	}
	if r.Init1 != "" {
		if err := os.Remove(filepath.Join(dir, "sbin", "init")); err != nil && !os.IsNotExist(err) {
			return err
		}
		if err := os.Symlink(r.Init1, filepath.Join(dir, "sbin", "init")); err != nil {
			return err
		}
	}
	// Keep the caches out of the copies each script makes.
	run(log, "chroot", dir, "apt-get", "clean")
	return nil
}

// run runs a command, its output logged when it fails.
func run(log func(string, ...any), name string, args ...string) error {
	out, err := exec.Command(name, args...).CombinedOutput()
	if err != nil {
		tail := string(out)
		if len(tail) > 4000 {
			tail = tail[len(tail)-4000:]
		}
		return fmt.Errorf("%s %s: %v\n%s", name, strings.Join(args, " "), err, tail)
	}
	return nil
}
