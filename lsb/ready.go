package lsb

import (
	"github.com/coreos/go-systemd/v22/daemon"
)

// Ready tells lsbinit, from inside a daemon whose Service.Ready is
// WhenNotified(), that the daemon is ready to serve: start
// returns then. It speaks the sd_notify protocol, so it tells systemd the
// same under Type=notify. It reports false where no one is listening.
func Ready() (bool, error) {
	return daemon.SdNotify(false, daemon.SdNotifyReady)
}
