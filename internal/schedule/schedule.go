package schedule

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"golang.org/x/sys/unix"

	"github.com/lsbinit/lsbinit/internal/notation"
)

// MaxTimeout is the longest timeout Parse accepts (notation.MaxTimeout).
const MaxTimeout = notation.MaxTimeout

// Step is one item of a schedule. Exactly one of its meanings holds:
// when Forever is set, the steps after this one repeat until the process
// exits; otherwise when Signal is not 0, send Signal; otherwise wait up
// to Timeout (which may be 0) for the process to exit.
type Step struct {
	Signal  unix.Signal
	Timeout time.Duration
	Forever bool
}

// Schedule is a stop schedule in the sense of start-stop-daemon --retry.
type Schedule []Step

// SyntaxError reports a schedule that [Parse] refused.
type SyntaxError struct {
	Schedule string // the whole schedule as given
	Item     int    // 1-based index of the offending item; 0 for the whole
	Text     string // the offending item
	Msg      string // what is wrong with it
}

// Error returns e.g. `STOP_SCHEDULE "TERM/x/KILL": item 2 "x": not a
// signal or a timeout`.
func (e *SyntaxError) Error() string {
	return fmt.Sprintf("STOP_SCHEDULE %q: %s", e.Schedule, e.Detail())
}

// Detail is the error without the schedule it is about: `item 2 "x": not
// a signal or a timeout`, for callers that name the schedule themselves.
func (e *SyntaxError) Detail() string {
	if e.Item == 0 {
		return e.Msg
	}
	return fmt.Sprintf("item %d %q: %s", e.Item, e.Text, e.Msg)
}

// Default returns the default schedule, TERM/30/KILL/5.
func Default() Schedule {
	return Schedule{
		{Signal: unix.SIGTERM}, {Timeout: 30 * time.Second},
		{Signal: unix.SIGKILL}, {Timeout: 5 * time.Second},
	}
}

// Parse parses a schedule in start-stop-daemon --retry syntax, see the
// package documentation. Spaces around the whole schedule and around
// each item are ignored. Errors are of type *[SyntaxError].
func Parse(s string) (Schedule, error) {
	items := strings.Split(strings.TrimSpace(s), "/")
	fail := func(i int, msg string) (Schedule, error) {
		text := ""
		if i > 0 {
			text = items[i-1]
		}
		return nil, &SyntaxError{Schedule: s, Item: i, Text: text, Msg: msg}
	}
	if len(items) == 1 {
		item := strings.TrimSpace(items[0])
		if item == "" {
			return fail(0, "empty schedule")
		}
		d, err := notation.ParseDuration(item)
		if err != nil || !startsWithDigit(item) {
			return fail(0, "a schedule of one item must be a timeout"+
				" (N means TERM/N/KILL/N)")
		}
		return Schedule{
			{Signal: unix.SIGTERM}, {Timeout: d},
			{Signal: unix.SIGKILL}, {Timeout: d},
		}, nil
	}
	sched := make(Schedule, 0, len(items))
	for i, item := range items {
		step, err := parseItem(strings.TrimSpace(item))
		if err != nil {
			return fail(i+1, err.Error())
		}
		sched = append(sched, step)
	}
	if i, msg := sched.checkForever(); msg != "" {
		return fail(i+1, msg)
	}
	return sched, nil
}

// parseItem parses one item of a schedule of several items.
func parseItem(item string) (Step, error) {
	switch {
	case item == "":
		return Step{}, errors.New("empty item")
	case strings.EqualFold(item, "forever"):
		return Step{Forever: true}, nil
	case strings.HasPrefix(item, "-"):
		sig, err := notation.SignalWord(item[1:])
		if err == nil {
			return Step{Signal: sig}, nil
		}
		if _, derr := notation.ParseDuration(item[1:]); derr == nil && !notation.IsDigits(item[1:]) {
			return Step{}, errors.New("negative timeout")
		}
		return Step{}, err
	case startsWithDigit(item):
		d, err := notation.ParseDuration(item)
		if err != nil {
			return Step{}, err
		}
		return Step{Timeout: d}, nil
	}
	sig, err := notation.SignalWord(item)
	if err != nil {
		return Step{}, errors.New("not a signal or a timeout")
	}
	return Step{Signal: sig}, nil
}

// checkForever checks the placement of "forever" items and returns the
// index of a misplaced one with the reason, or "" when all is well.
func (s Schedule) checkForever() (int, string) {
	at := -1
	for i, step := range s {
		if !step.Forever {
			continue
		}
		switch {
		case at >= 0:
			return i, "forever appears more than once"
		case i == 0:
			return i, "forever must follow at least one item"
		case i == len(s)-1:
			return i, "nothing after forever to repeat"
		}
		at = i
	}
	if at < 0 {
		return 0, ""
	}
	for _, step := range s[at+1:] {
		if step.Signal == 0 {
			return 0, ""
		}
	}
	return at, "the items after forever need a timeout, or they repeat without pause"
}

// String returns the schedule in canonical form, e.g. "TERM/30/KILL/5":
// signals by name without SIG (or as -N when they have no name), whole
// seconds as plain numbers, other durations in Go syntax ("500ms").
func (s Schedule) String() string {
	parts := make([]string, len(s))
	for i, step := range s {
		parts[i] = step.String()
	}
	return strings.Join(parts, "/")
}

// String returns the step as a schedule item.
func (st Step) String() string {
	switch {
	case st.Forever:
		return "forever"
	case st.Signal != 0:
		name := notation.SignalName(st.Signal)
		if notation.IsDigits(name) {
			return "-" + name
		}
		return name
	case st.Timeout%time.Second == 0:
		return strconv.FormatInt(int64(st.Timeout/time.Second), 10)
	}
	return st.Timeout.String()
}

// Total returns the sum of the schedule's timeouts, and whether it
// contains "forever" (in which case the sum covers one pass only).
func (s Schedule) Total() (d time.Duration, forever bool) {
	for _, step := range s {
		switch {
		case step.Forever:
			forever = true
		case step.Signal == 0:
			if step.Timeout > math.MaxInt64-d {
				d = math.MaxInt64
			} else {
				d += step.Timeout
			}
		}
	}
	return d, forever
}

// startsWithDigit reports whether s begins with an ASCII digit.
func startsWithDigit(s string) bool {
	return s != "" && s[0] >= '0' && s[0] <= '9'
}
