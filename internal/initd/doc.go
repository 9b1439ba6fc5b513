// Package initd is the client side of an init script's actions: it runs
// in the operator's process (`/etc/init.d/NAME start`, `service NAME
// status`, monit, Ansible) and carries out one action for a resolved
// service (spec.Spec): it parses [-q] ACTION, hands off to systemctl
// where systemd owns the service, serialises the actions that change
// state under the action lock, reads the pidfile and sidecar to tell the
// service's state, starts the supervisor (internal/supervisor) for start,
// asks it to stop, or stops a daemon whose supervisor is gone itself.
//
// It never signals a process it has not proved to be the service's: every
// PID is checked against the start time recorded for it, and held through
// a pidfd from then on.
package initd
