//go:build darwin

package launchd

import (
	"os"
	"runtime"
	"syscall"
	"unsafe"
)

// Sockets returns the sockets launchd created under name in this job's
// plist, as launch_activate_socket(3) hands them over (each call gets
// descriptors of its own). ErrNoSockets: not a launchd job, or no such
// entry.
func Sockets(name string) ([]*os.File, error) {
	cname, err := syscall.BytePtrFromString(name)
	if err != nil {
		return nil, err
	}
	// Heap cells, which do not move while libSystem writes them.
	fds, cnt := new(unsafe.Pointer), new(uintptr)
	r, _, _ := syscall_syscall(libc_launch_activate_socket_trampoline_addr,
		uintptr(unsafe.Pointer(cname)), uintptr(unsafe.Pointer(fds)), uintptr(unsafe.Pointer(cnt)))
	runtime.KeepAlive(cname)
	runtime.KeepAlive(fds)
	runtime.KeepAlive(cnt)
	switch errno := syscall.Errno(r); errno {
	case 0:
	case syscall.ENOENT, syscall.ESRCH:
		return nil, ErrNoSockets
	default:
		return nil, errno
	}
	n := int(*cnt)
	files := make([]*os.File, 0, n)
	if *fds != nil {
		for _, fd := range unsafe.Slice((*int32)(*fds), n) {
			syscall.CloseOnExec(int(fd))
			files = append(files, os.NewFile(uintptr(fd), name))
		}
		syscall_syscall(libc_free_trampoline_addr, uintptr(*fds), 0, 0)
	}
	return files, nil
}

// Implemented in the runtime (runtime/sys_darwin.go), as golang.org/x/sys
// reaches libSystem without cgo.
//
//go:linkname syscall_syscall syscall.syscall
func syscall_syscall(fn, a1, a2, a3 uintptr) (r1, r2 uintptr, err syscall.Errno)

var libc_launch_activate_socket_trampoline_addr uintptr

//go:cgo_import_dynamic libc_launch_activate_socket launch_activate_socket "/usr/lib/libSystem.B.dylib"

var libc_free_trampoline_addr uintptr

//go:cgo_import_dynamic libc_free free "/usr/lib/libSystem.B.dylib"
