package generic

import (
	"github.com/lsbinit/lsbinit/internal/config"
	"github.com/lsbinit/lsbinit/internal/ready"
	"github.com/lsbinit/lsbinit/lsb"
)

// ServiceOf turns a loaded config into the lsb.Service that runs it.
func ServiceOf(cfg *config.Config) (lsb.Service, error) {
	s := lsb.Service{
		Name:         cfg.Name,
		Desc:         cfg.Desc,
		PidFile:      cfg.PidFile,
		LogFile:      cfg.LogFile,
		LockFile:     cfg.LockFile,
		Path:         cfg.Daemon,
		Args:         cfg.DaemonArgs,
		Env:          cfg.Exports,
		User:         cfg.User,
		Group:        cfg.Group,
		Dir:          cfg.Chdir,
		Umask:        cfg.Umask,
		Nice:         cfg.Nice,
		StopSchedule: cfg.StopSchedule.String(),
		StartTimeout: cfg.StartTimeout,
		ReloadSignal: cfg.ReloadSignal,
		NoReload:     cfg.ReloadSignal == 0,
		Header: lsb.Header{
			Provides:         cfg.Header.Provides,
			RequiredStart:    cfg.Header.RequiredStart,
			RequiredStop:     cfg.Header.RequiredStop,
			ShouldStart:      cfg.Header.ShouldStart,
			ShouldStop:       cfg.Header.ShouldStop,
			DefaultStart:     cfg.Header.DefaultStart,
			DefaultStop:      cfg.Header.DefaultStop,
			ShortDescription: cfg.Header.ShortDescription,
			Description:      cfg.Header.Description,
			Final:            true,
		},
	}
	if cfg.Umask == 0 {
		s.Umask = -1 // lsb reads zero as "default 022"
	}
	s.Ready = ready.Spec{Kind: cfg.Ready.Kind, Addr: cfg.Ready.Addr, Path: cfg.Ready.Path, Delay: cfg.Ready.Delay}.String()
	s.Respawn = cfg.Respawn
	s.CheckCommand = cfg.CheckCmd
	s.PidFileByDaemon = cfg.PidFileByDaemon
	return s, nil
}
