//go:build !linux

package dirwatch

// Watch watches names in dir. Without inotify it ticks every Interval.
func Watch(dir string, names ...string) *Watcher {
	w := newWatcher()
	go w.tick()
	return w
}

// Rearm has nothing to do where the watcher ticks.
func (w *Watcher) Rearm() {}

// Share has nothing to share where there is no inotify.
func Share(dir string) {}
