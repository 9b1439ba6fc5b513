// Package boottest boots real init systems as PID 1 in containers, for
// the tests that prove `lsbinit install` and `/etc/init.d/NAME ACTION` on
// each (README, "Registering a service at boot"): it builds Debian root
// file systems with debootstrap (cached between runs), starts them with
// systemd-nspawn, runs commands inside with nsenter, and reboots them.
//
// The scripts are testdata/boot/*.txtar, run by TestBoot when
// LSBINIT_BOOT=1 (`make boot`, part of `make test`).
package boottest
