package daemon

// EchoEnv names the descriptor on which a supervisor spawned by `lsbinit
// boot` echoes the daemon's output and its own lines about it, for boot
// to put on its stdout (README, "Containers").
const EchoEnv = "_LSBINIT_ECHO"
