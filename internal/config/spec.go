package config

import (
	"github.com/lsbinit/lsbinit/internal/spec"
)

// Spec is the resolved service the configuration describes, for the
// actions to run: every value as Load parsed and defaulted it. The
// service's messages go to stdout and stderr (set by the caller).
func (cfg *Config) Spec() *spec.Spec {
	return &spec.Spec{
		Name:            cfg.Name,
		Desc:            cfg.Desc,
		PidFile:         cfg.PidFile,
		LogFile:         cfg.LogFile,
		LockFile:        cfg.LockFile,
		Path:            cfg.Daemon,
		Args:            cfg.DaemonArgs,
		ReloadSignal:    cfg.ReloadSignal,
		NoReload:        cfg.ReloadSignal == 0,
		Env:             cfg.Exports,
		User:            cfg.User,
		Group:           cfg.Group,
		Dir:             cfg.Chdir,
		Umask:           cfg.Umask,
		Nice:            cfg.Nice,
		Schedule:        cfg.StopSchedule,
		StartTimeout:    cfg.StartTimeout,
		Ready:           cfg.Ready,
		PidFileByDaemon: cfg.PidFileByDaemon,
		Listen:          cfg.Listen,
		Restart:         cfg.Restart,
		FDStoreMax:      cfg.FDStoreMax,
		Respawn:         cfg.Respawn,
		CheckCommand:    cfg.CheckCmd,
		Header:          cfg.Header,
	}
}
