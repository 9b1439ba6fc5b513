package config

import (
	"errors"
	"fmt"
	"net"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"golang.org/x/sys/unix"

	"github.com/lsbinit/lsbinit/internal/schedule"
)

// This file parses the values of the typed keys. Each parser's error is
// the message after "FILE:LINE: KEY: ".

// quote quotes s for a message.
func quote(s string) string { return strconv.Quote(s) }

// absPath accepts an absolute path.
func absPath(s string) (string, error) {
	if !filepath.IsAbs(s) {
		return "", fmt.Errorf("%s is not an absolute path", quote(s))
	}
	return s, nil
}

// parseUmask accepts an octal umask such as 022, 0027 or 0.
func parseUmask(s string) (int, error) {
	n, err := strconv.ParseUint(s, 8, 32)
	if err != nil || !isDigits(s) {
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
	if n < -20 || n > 19 {
		return 0, fmt.Errorf("%d is out of range -20..19", n)
	}
	return n, nil
}

// parseTimeout accepts a positive duration: "30", "2.5", "1m30s".
func parseTimeout(s string) (time.Duration, error) {
	d, err := schedule.ParseDuration(s)
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
	sig, err := schedule.ParseSignal(s)
	if err != nil {
		return 0, err
	}
	switch sig {
	case unix.SIGTERM, unix.SIGINT, unix.SIGKILL, unix.SIGSTOP:
		return 0, fmt.Errorf("%s would stop the service, not reload it"+
			" (use the signal the daemon reloads on, or none)", schedule.SignalName(sig))
	}
	return sig, nil
}

// parseReady accepts exec, notify, tcp:HOST:PORT, file:/PATH or
// delay:DURATION.
func parseReady(s string) (Ready, error) {
	kind, arg, _ := strings.Cut(s, ":")
	switch {
	case s == "exec" || s == "notify":
		return Ready{Kind: s}, nil
	case kind == "tcp":
		addr, err := parseHostPort(arg)
		return Ready{Kind: kind, Addr: addr}, err
	case kind == "file":
		path, err := absPath(arg)
		return Ready{Kind: kind, Path: path}, err
	case kind == "delay":
		d, err := parseTimeout(arg)
		return Ready{Kind: kind, Delay: d}, err
	}
	return Ready{}, fmt.Errorf("%s is not one of exec, notify, tcp:HOST:PORT,"+
		" file:PATH, delay:DURATION", quote(s))
}

// parseHostPort accepts HOST:PORT with a numeric port, IPv6 in brackets.
func parseHostPort(s string) (string, error) {
	host, port, err := net.SplitHostPort(s)
	if err != nil || host == "" || strings.ContainsAny(host, " \t\n") {
		return "", fmt.Errorf("tcp:%s: want tcp:HOST:PORT, e.g. tcp:127.0.0.1:8080 or tcp:[::1]:8080", s)
	}
	n, err := strconv.Atoi(port)
	if err != nil || !isDigits(port) || n < 1 || n > 65535 {
		return "", fmt.Errorf("tcp:%s: port %s is not a number from 1 to 65535", s, quote(port))
	}
	return net.JoinHostPort(host, strconv.Itoa(n)), nil
}

// parseRespawn accepts no, on-failure or always.
func parseRespawn(s string) (string, error) {
	switch s {
	case "no", "on-failure", "always":
		return s, nil
	}
	return "", fmt.Errorf("%s is not one of no, on-failure, always", quote(s))
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

// isDigits reports whether s is a non-empty string of ASCII digits.
func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
