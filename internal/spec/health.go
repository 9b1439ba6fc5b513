package spec

import (
	"fmt"
	"time"
)

// The health check's defaults (README, "Health checks").
const (
	DefaultHealthInterval = 30 * time.Second
	DefaultHealthTimeout  = 10 * time.Second
	DefaultHealthRetries  = 3
)

// The words of the health check's state, as the sidecar records it and
// status reports it; "" when the service has no check.
const (
	HealthPending   = "pending"   // no result yet for this daemon
	HealthHealthy   = "healthy"   // the last check passed
	HealthUnhealthy = "unhealthy" // HealthRetries checks failed in a row
)

// fillHealthDefaults sets what is unset of the health check's timing.
func (s *Spec) fillHealthDefaults() {
	if s.HealthInterval == 0 {
		s.HealthInterval = DefaultHealthInterval
	}
	if s.HealthTimeout == 0 {
		s.HealthTimeout = DefaultHealthTimeout
	}
	if s.HealthRetries == 0 {
		s.HealthRetries = DefaultHealthRetries
	}
}

// checkHealth refuses a negative interval, timeout or retry count, and
// names the key.
func (s *Spec) checkHealth() (key string, err error) {
	switch {
	case s.HealthInterval < 0:
		return "HEALTH_INTERVAL", fmt.Errorf("%v: must be longer than 0", s.HealthInterval)
	case s.HealthTimeout < 0:
		return "HEALTH_TIMEOUT", fmt.Errorf("%v: must be longer than 0", s.HealthTimeout)
	case s.HealthRetries < 0:
		return "HEALTH_RETRIES", fmt.Errorf("%d: must be at least 1", s.HealthRetries)
	}
	return "", nil
}

// HealthChecked reports whether the service has a health check: a Go
// program's Health, or HEALTH_CMD.
func (s *Spec) HealthChecked() bool { return s.Health != nil || len(s.HealthCommand) > 0 }
