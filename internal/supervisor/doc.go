// Package supervisor is the resident process of a running service: the
// program re-executed by start (Child), or the process of `run` itself.
// It takes the pidfile's lock, starts the daemon as its child in a new
// session with the service's identity, directory, umask and niceness,
// waits for it to be ready as READY says, carries its output into the log
// across rotations, forwards reload and other signals, restarts it as
// RESPAWN says, puts back its files when they are touched, and runs the
// stop schedule on SIGTERM. As a child subreaper (Linux) it reaps every
// descendant, so no PID it signals can have been reused.
package supervisor
