// Package schedule parses the stop schedules of start-stop-daemon(8)'s
// --retry option, as used by the STOP_SCHEDULE config key, and converts
// signal names and numbers both ways.
//
// A schedule is a list of steps separated by "/": a signal to send
// ("TERM", "-TERM", "SIGTERM", "-15"), a timeout to wait for the process
// to exit ("30", and as extensions "2.5" or "500ms"), or "forever", which
// repeats the steps after it until the process is gone. A lone timeout N
// is short for "TERM/N/KILL/N". The package only parses and prints
// schedules; running one (sending signals, waiting) is the caller's job.
//
// Decisions where start-stop-daemon is silent or lax:
//
//   - Signal names are accepted with or without the SIG prefix and in
//     any case; a bare number is always a timeout, a number after "-" is
//     always a signal.
//   - "forever" may appear once, not first and not last, and the steps
//     after it must contain a timeout, so that repeating them cannot spin.
//   - A schedule may end with a signal and no timeout after it, as
//     start-stop-daemon allows: the caller sends it and gives up at once.
//   - Timeouts above [MaxTimeout] are refused as mistakes.
package schedule
