// Package pidfile implements the locked pidfile an init script relies on.
//
// The file holds exactly one PID in decimal followed by a newline, so that
// `kill $(cat FILE)`, monit, systemd's PIDFile= and start-stop-daemon all
// read it. Whether the PID is current is not decided from the number: the
// process that owns the service holds an exclusive flock(2) on the file for
// its whole life (github.com/gofrs/flock), so a file nobody has locked is
// stale however plausible its PID looks, and a reused PID cannot fool a
// reader.
//
// Discipline (the order matters): lock first, then write the PID into the
// same file; never truncate before holding the lock; remove the file while
// still holding the lock; a reader never creates or deletes anything.
// Files are opened without following symlinks, and as root a pidfile, or a
// pidfile directory, that other users could write is refused.
package pidfile
