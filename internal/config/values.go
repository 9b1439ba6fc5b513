package config

import (
	"errors"
	"fmt"
	"os"
	"os/user"
	"strconv"
	"strings"
	"time"

	"github.com/lsbinit/lsbinit/internal/notation"
	"github.com/lsbinit/lsbinit/internal/ready"
	"github.com/lsbinit/lsbinit/internal/schedule"
	"github.com/lsbinit/lsbinit/internal/spec"
	"golang.org/x/sys/unix"
)

// This file parses the values of the typed keys. Each parser's error is
// the message after "FILE:LINE: KEY: ".

// quote quotes s for a message.
func quote(s string) string { return strconv.Quote(s) }

// absPath accepts an absolute path.
func absPath(s string) (string, error) {
	if err := spec.CheckAbsPath(s); err != nil {
		return "", err
	}
	return s, nil
}

// parseLogFile accepts an absolute path, or none.
func parseLogFile(s string) (string, error) {
	if s == "none" {
		return s, nil
	}
	return absPath(s)
}

// parseUmask accepts an octal umask such as 022, 0027 or 0.
func parseUmask(s string) (int, error) {
	n, err := strconv.ParseUint(s, 8, 32)
	if err != nil || !notation.IsDigits(s) {
		return 0, fmt.Errorf("%s is not an octal umask (such as 022 or 0027)", quote(s))
	}
	if n > 0o777 {
		return 0, fmt.Errorf("%s is out of range 0..0777", quote(s))
	}
	return int(n), nil
}

// parseNice accepts a nice level from -20 to 19.
func parseNice(s string) (int, error) {
	n, err := strconv.Atoi(s)
	if err != nil {
		return 0, fmt.Errorf("%s is not a number", quote(s))
	}
	return n, spec.CheckNice(n)
}

// parseTimeout accepts a positive duration: "30", "2.5", "1m30s".
func parseTimeout(s string) (time.Duration, error) {
	d, err := notation.ParseDuration(s)
	if err != nil {
		return 0, fmt.Errorf("%s: %v", quote(s), err)
	}
	if d <= 0 {
		return 0, fmt.Errorf("%s: must be longer than 0", quote(s))
	}
	return d, nil
}

// parseSchedule accepts a start-stop-daemon --retry schedule.
func parseSchedule(s string) (schedule.Schedule, error) {
	sched, err := schedule.Parse(s)
	var serr *schedule.SyntaxError
	if errors.As(err, &serr) {
		return nil, fmt.Errorf("%s: %s", quote(s), serr.Detail())
	}
	return sched, err
}

// parseReloadSignal accepts a signal, or "none" for no reload, and
// refuses the signals whose usual effect is to stop the daemon.
func parseReloadSignal(s string) (unix.Signal, error) {
	if strings.EqualFold(s, "none") {
		return 0, nil
	}
	sig, err := notation.ParseSignal(s)
	if err != nil {
		return 0, err
	}
	switch sig {
	case unix.SIGTERM, unix.SIGINT, unix.SIGKILL, unix.SIGSTOP:
		return 0, fmt.Errorf("%s would stop the service, not reload it"+
			" (use the signal the daemon reloads on, or none)", notation.SignalName(sig))
	}
	return sig, nil
}

// parseReady reads READY (see package ready).
func parseReady(s string) (ready.Spec, error) { return ready.Parse(s) }

// parseUser accepts an existing user name or numeric ID.
func parseUser(s string) (string, error) {
	return existing(s, "user", func(s string) error { _, err := user.LookupId(s); return err },
		func(s string) error { _, err := user.Lookup(s); return err })
}

// parseGroup accepts an existing group name or numeric ID.
func parseGroup(s string) (string, error) {
	return existing(s, "group", func(s string) error { _, err := user.LookupGroupId(s); return err },
		func(s string) error { _, err := user.LookupGroup(s); return err })
}

// existing accepts a single-line name or numeric ID that lookup finds.
func existing(s, what string, byID, byName func(string) error) (string, error) {
	if _, err := oneLine(s); err != nil {
		return "", err
	}
	lookup := byName
	if notation.IsDigits(s) {
		lookup = byID
	}
	if lookup(s) != nil {
		return "", fmt.Errorf("%s: no such %s", quote(s), what)
	}
	return s, nil
}

// existingDir accepts an absolute path naming a directory.
func existingDir(s string) (string, error) {
	p, err := absPath(s)
	if err != nil {
		return "", err
	}
	info, err := os.Stat(p)
	switch {
	case err != nil:
		return "", fmt.Errorf("%s: no such directory", quote(p))
	case !info.IsDir():
		return "", fmt.Errorf("%s: not a directory", quote(p))
	}
	return p, nil
}

// parseRespawn accepts no, on-failure or always.
func parseRespawn(s string) (spec.Respawn, error) {
	r, err := spec.ParseRespawn(s)
	if err != nil {
		return r, fmt.Errorf("%s is not one of no, on-failure, always", quote(s))
	}
	return r, nil
}

// parseBool accepts yes/no, true/false and 1/0, in any case.
func parseBool(s string) (bool, error) {
	switch strings.ToLower(s) {
	case "yes", "true", "1":
		return true, nil
	case "no", "false", "0":
		return false, nil
	}
	return false, fmt.Errorf("%s is not yes or no", quote(s))
}

// parseRunlevels accepts a list of runlevels 0-6 and S.
func parseRunlevels(s string) (string, error) {
	fields := strings.Fields(s)
	for _, f := range fields {
		if len(f) != 1 || !strings.Contains("0123456S", f) {
			return "", fmt.Errorf("%s is not a runlevel (0-6 or S)", quote(f))
		}
	}
	return strings.Join(fields, " "), nil
}

// oneLine accepts a value without line breaks (a message or header line).
func oneLine(s string) (string, error) {
	if strings.ContainsAny(s, "\n\r") {
		return "", errors.New("must be a single line")
	}
	return s, nil
}

// parseFDStoreMax accepts how many descriptors the store may hold.
func parseFDStoreMax(s string) (int, error) {
	n, err := strconv.Atoi(s)
	if err != nil {
		return 0, fmt.Errorf("%s is not a number", quote(s))
	}
	return n, spec.CheckFDStoreMax(n)
}

// parseRetries accepts a count of health checks, at least 1.
func parseRetries(s string) (int, error) {
	n, err := strconv.Atoi(s)
	if err != nil {
		return 0, fmt.Errorf("%s is not a number", quote(s))
	}
	if n < 1 {
		return 0, fmt.Errorf("%s: must be at least 1", quote(s))
	}
	return n, nil
}
