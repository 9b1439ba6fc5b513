// Package notation reads and writes signals and durations as lsbinit's
// config files and messages spell them: signals by name or number
// ("TERM", "SIGTERM", "-15"), durations as seconds or Go durations ("30",
// "2.5", "500ms"). The stop schedule (internal/schedule), READY's delays
// (internal/ready), the config (internal/config) and the description of a
// process's end (internal/proc) all speak it.
package notation
