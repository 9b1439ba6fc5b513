package boottest

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Machine is a root file system booted with systemd-nspawn: its init
// runs as PID 1 of its own namespaces, on a private network.
type Machine struct {
	Root string // the root file system, a copy of a cached one
	Init string // systemd, sysv, openrc or runit
	Log  string // the console's output, appended to at every boot

	cmd  *exec.Cmd
	done chan struct{}
	exit int // nspawn's exit status once done: 133 after a reboot
	pid  int // the container's init, as the host sees it
}

// nspawnEnv lets systemd-nspawn give the container a cgroup v2 hierarchy
// of its own, which systemd 258 and later require, on a host that mounts
// the hybrid layout.
var nspawnEnv = "SYSTEMD_NSPAWN_UNIFIED_HIERARCHY=1"

// Boot starts the machine and waits until its init has finished booting.
func (m *Machine) Boot(timeout time.Duration) error {
	log, err := os.OpenFile(m.Log, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	fmt.Fprintf(log, "==== boot %s\n", time.Now().Format(time.RFC3339))
	m.cmd = exec.Command("systemd-nspawn", "-D", m.Root, "--register=no", "--keep-unit",
		"--private-network", "-b", "--console=pipe", "--machine=lsbtest-"+strconv.Itoa(os.Getpid()%100000))
	m.cmd.Env = append(os.Environ(), nspawnEnv)
	m.cmd.Stdout, m.cmd.Stderr = log, log
	m.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := m.cmd.Start(); err != nil {
		log.Close()
		return err
	}
	m.done = make(chan struct{})
	go func() {
		err := m.cmd.Wait()
		m.exit = 0
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			m.exit = ee.ExitCode()
		}
		log.Close()
		close(m.done)
	}()
	deadline := time.Now().Add(timeout)
	for m.pid = 0; m.pid == 0; m.pid = childOf(m.cmd.Process.Pid) {
		if time.Now().After(deadline) || m.exited() {
			m.Kill()
			return fmt.Errorf("the container did not start (see %s)", m.Log)
		}
		time.Sleep(50 * time.Millisecond)
	}
	for {
		// nspawn's first child may be a helper that execs or exits on
		// the way to the container's init: look again each time.
		if pid := childOf(m.cmd.Process.Pid); pid != 0 {
			m.pid = pid
		}
		if err := m.booted(); err == nil {
			return nil
		} else if time.Now().After(deadline) || m.exited() {
			m.Kill()
			return fmt.Errorf("%s did not finish booting within %s: %v (see %s)", m.Init, timeout, err, m.Log)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// booted checks that the init has brought the machine up: systemd says
// so; sysvinit and OpenRC reached runlevel 2 / default and their rc has
// finished; runit is in stage 2 and its SysV emulation has finished.
func (m *Machine) booted() error {
	checks := map[string]string{
		"systemd": `s=$(systemctl is-system-running); case $s in running|degraded) exit 0;; esac; echo "$s"; exit 1`,
		"sysv":    `runlevel | grep -q ' 2$' && ! pgrep -x rc >/dev/null && ! pgrep -x startpar >/dev/null`,
		"openrc":  `[ "$(cat /run/openrc/softlevel 2>/dev/null)" = default ] && ! pgrep -x openrc >/dev/null && ! pgrep -x rc >/dev/null`,
		"runit":   `pgrep -x runsvdir >/dev/null && ! pgrep -f '[r]un_sysv_scripts' >/dev/null`,
	}
	out, err := m.Command(30*time.Second, "sh", "-c", checks[m.Init]).CombinedOutput()
	if err != nil {
		return fmt.Errorf("%v %s", err, strings.TrimSpace(string(out)))
	}
	return nil
}

// Command is a command run inside the machine, in all its namespaces,
// with a clean environment, as root, killed after timeout.
func (m *Machine) Command(timeout time.Duration, argv ...string) *exec.Cmd {
	return exec.Command("timeout", m.InArgs(timeout, argv...)...)
}

// InArgs are the arguments of timeout(1) that run argv in the machine.
func (m *Machine) InArgs(timeout time.Duration, argv ...string) []string {
	args := []string{"-k", "5", strconv.Itoa(int(timeout.Seconds())), "nsenter", "-t", strconv.Itoa(m.pid), "-a",
		"env", "-i", "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
		"HOME=/root", "LANG=C.UTF-8", "TERM=dumb"}
	return append(args, argv...)
}

// Reboot reboots the machine the way its init does, waits for it to go
// down, and boots it again.
func (m *Machine) Reboot(timeout time.Duration) error {
	cmds := map[string][]string{
		"systemd": {"systemctl", "reboot"},
		"sysv":    {"reboot"},
		"openrc":  {"openrc-shutdown", "-r", "now"},
		"runit":   {"reboot"},
	}
	if out, err := m.Command(30*time.Second, cmds[m.Init]...).CombinedOutput(); err != nil {
		return fmt.Errorf("%v: %v %s", cmds[m.Init], err, out)
	}
	select {
	case <-m.done:
	case <-time.After(timeout):
		m.Kill()
		return fmt.Errorf("%s did not go down within %s (see %s)", m.Init, timeout, m.Log)
	}
	if m.exit != 133 {
		return fmt.Errorf("systemd-nspawn exited with %d, not 133 (a reboot) (see %s)", m.exit, m.Log)
	}
	return m.Boot(timeout)
}

// Poweroff shuts the machine down the way its init does, and kills it if
// that takes longer than timeout.
func (m *Machine) Poweroff(timeout time.Duration) error {
	if m.cmd == nil || m.exited() {
		return nil
	}
	cmds := map[string][]string{
		"systemd": {"systemctl", "poweroff"},
		"sysv":    {"poweroff"},
		"openrc":  {"openrc-shutdown", "-p", "now"},
		"runit":   {"poweroff"},
	}
	m.Command(30*time.Second, cmds[m.Init]...).Run()
	select {
	case <-m.done:
		return nil
	case <-time.After(timeout):
		m.Kill()
		return fmt.Errorf("%s did not power off within %s", m.Init, timeout)
	}
}

// Kill ends the machine at once: SIGKILL to its init ends every process
// of its PID namespace, and nspawn with it.
func (m *Machine) Kill() {
	if m.cmd == nil || m.exited() {
		return
	}
	if m.pid > 0 {
		syscall.Kill(m.pid, syscall.SIGKILL)
	}
	select {
	case <-m.done:
	case <-time.After(10 * time.Second):
		syscall.Kill(-m.cmd.Process.Pid, syscall.SIGKILL)
		<-m.done
	}
}

func (m *Machine) exited() bool {
	select {
	case <-m.done:
		return true
	default:
		return false
	}
}

// childOf returns a child of process pid, or 0.
func childOf(pid int) int {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/task/%d/children", pid, pid))
	if err != nil {
		return 0
	}
	f := strings.Fields(string(data))
	if len(f) == 0 {
		return 0
	}
	n, _ := strconv.Atoi(f[0])
	return n
}
