// Package logfile carries a daemon's output into its log file.
//
// The daemon's stdout and stderr are one pipe; a Copier reads it and appends
// to the log file (opened with O_APPEND, created mode 0640, never through a
// symlink). Because the writer is not the daemon, the log can be reopened
// after rotation without the daemon's help, and a full disk or an unwritable
// file never blocks or kills the daemon: the copier keeps draining the pipe
// and drops what it cannot write. The copier also remembers the last lines,
// so a failed start can show them even with LOGFILE=none.
package logfile
