package dirwatch

import (
	"bufio"
	"errors"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// The conversation between a process and the server of its watches is
// lines, each field a space apart, paths and names quoted as Go quotes:
//
//	a ID FLAGS MASK PATH   add a watch (client)
//	r ID                   remove it (client)
//	o ID                   added (server)
//	e ID ERRNO             not added, and why (server)
//	v ID MASK NAME         an event of watch ID (server)
//
// The server never waits for a client: a client too slow to take its
// events (its socket's buffer full) is dropped, and hears "lost".

// peerWait bounds how long a client waits for the server's answer or for
// room to write: a stopped server is a lost one.
const peerWait = time.Second

var errGone = errors.New("dirwatch: the server of the watches went")

// A peer is the client's end: the server's instance, as this process
// uses it.
type peer struct {
	c       *net.UnixConn
	server  int32      // its PID
	req     sync.Mutex // one add at a time, to pair it with its answer
	wmu     sync.Mutex // one write at a time, under its deadline
	replies chan string
	done    chan struct{}

	mu   sync.Mutex
	subs map[int32]*sub
	next int32
	dead bool
	slow bool // it was ended for not answering, or not reading, in time

	// Events wait here for the dispatcher: a watch's callback may add
	// watches, whose answers the reader must be free to take.
	qmu   sync.Mutex
	queue []event
	wake  chan struct{}
}

// An event is one call of a watch's callback.
type event struct {
	s    *sub
	mask uint32
	name string
}

func newPeer(c *net.UnixConn, server int32) *peer {
	p := &peer{c: c, server: server, replies: make(chan string, 1), done: make(chan struct{}), subs: map[int32]*sub{},
		wake: make(chan struct{}, 1)}
	go p.read()
	go p.dispatch()
	return p
}

// post queues events for the dispatcher.
func (p *peer) post(evs ...event) {
	p.qmu.Lock()
	p.queue = append(p.queue, evs...)
	p.qmu.Unlock()
	select {
	case p.wake <- struct{}{}:
	default:
	}
}

// dispatch calls the callbacks of the events posted, in order, until the
// reader has posted its last.
func (p *peer) dispatch() {
	for range p.wake {
		p.qmu.Lock()
		q := p.queue
		p.queue = nil
		p.qmu.Unlock()
		for _, e := range q {
			e.s.fn(e.mask, e.name)
		}
	}
}

// kill ends the peer at once: what is added from now on fails, and the
// reader then tells every watch on it.
func (p *peer) kill() {
	p.mu.Lock()
	if !p.dead {
		p.dead = true
		close(p.done)
	}
	p.mu.Unlock()
	p.c.Close()
}

func (p *peer) add(path string, flags uint32, s *sub) (int32, error) {
	if !filepath.IsAbs(path) {
		return 0, syscall.EINVAL // the server's working directory is not this one's
	}
	p.req.Lock()
	defer p.req.Unlock()
	p.mu.Lock()
	if p.dead {
		p.mu.Unlock()
		return 0, errGone
	}
	p.next++
	id := p.next
	p.subs[id] = s
	p.mu.Unlock()
	err := p.write("a " + strconv.Itoa(int(id)) + " " + utoa(flags) + " " + utoa(s.mask) + " " + strconv.Quote(path) + "\n")
	if err == nil {
		err = p.answer(id)
	}
	if err != nil {
		p.mu.Lock()
		delete(p.subs, id)
		p.mu.Unlock()
		return 0, err
	}
	return id, nil
}

// answer waits for the server's answer to add id. A server that does not
// answer in time, or answers another, is ended.
func (p *peer) answer(id int32) error {
	t := time.NewTimer(peerWait)
	defer t.Stop()
	select {
	case line := <-p.replies:
		f := strings.Fields(line)
		switch {
		case len(f) < 2 || f[1] != strconv.Itoa(int(id)):
		case f[0] == "o":
			return nil
		case len(f) == 3:
			if n, err := strconv.Atoi(f[2]); err == nil && n > 0 {
				return syscall.Errno(n)
			}
		}
	case <-p.done:
		return errGone
	case <-t.C:
		p.stalled()
	}
	p.kill()
	return errGone
}

// stalled records that the server did not keep up: stopped, or stuck.
func (p *peer) stalled() {
	p.mu.Lock()
	p.slow = true
	p.mu.Unlock()
}

// wasSlow reports whether the peer was ended for not keeping up.
func (p *peer) wasSlow() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.slow
}

func (p *peer) remove(id int32, s *sub) {
	p.mu.Lock()
	if p.subs[id] != s || p.dead {
		p.mu.Unlock()
		return
	}
	delete(p.subs, id)
	p.mu.Unlock()
	p.write("r " + strconv.Itoa(int(id)) + "\n")
}

func (p *peer) gone() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.dead
}

// write sends a line, and ends the peer when it cannot.
// The deadline is cleared after: its timer would wake an idle process.
func (p *peer) write(line string) error {
	p.wmu.Lock()
	defer p.wmu.Unlock()
	p.c.SetWriteDeadline(time.Now().Add(peerWait))
	_, err := p.c.Write([]byte(line))
	p.c.SetWriteDeadline(time.Time{})
	if err != nil {
		if errors.Is(err, os.ErrDeadlineExceeded) {
			p.stalled()
		}
		p.kill()
		return errGone
	}
	return nil
}

// read hands answers to add, and events to their watches, until the
// connection ends; then every watch hears "lost".
func (p *peer) read() {
	r := bufio.NewReaderSize(p.c, 512)
	for {
		line, err := readLine(r)
		if err != nil {
			break
		}
		f := strings.SplitN(strings.TrimSuffix(line, "\n"), " ", 4)
		switch {
		case (f[0] == "o" || f[0] == "e") && len(f) >= 2:
			select {
			case p.replies <- line:
			default: // an answer nobody waits for any more
			}
		case f[0] == "v" && len(f) == 4:
			p.event(f[1], f[2], f[3])
		}
	}
	p.kill()
	p.mu.Lock()
	subs := p.subs
	p.subs = nil
	p.mu.Unlock()
	for _, s := range subs {
		p.post(event{s, lost, ""})
	}
	close(p.wake) // the last post: the dispatcher ends once it has run them
}

// event delivers one event line's fields to its watch.
func (p *peer) event(id, mask, quoted string) {
	n, err1 := strconv.Atoi(id)
	m, err2 := strconv.ParseUint(mask, 10, 32)
	name, err3 := strconv.Unquote(quoted)
	if err1 != nil || err2 != nil || err3 != nil {
		return
	}
	p.mu.Lock()
	s := p.subs[int32(n)]
	p.mu.Unlock()
	if s != nil && uint32(m)&(s.mask|gone) != 0 {
		p.post(event{s, uint32(m), name})
	}
}

// maxLine bounds a line of the conversation: a quoted path of PATH_MAX
// bytes, each escaped, and the fields before it.
const maxLine = 4*4096 + 64

var errLong = errors.New("dirwatch: a line too long")

// readLine reads a line of at most maxLine bytes.
func readLine(r *bufio.Reader) (string, error) {
	var line []byte
	for {
		frag, err := r.ReadSlice('\n')
		line = append(line, frag...)
		switch {
		case len(line) > maxLine:
			return "", errLong
		case err == nil:
			return string(line), nil
		case err != bufio.ErrBufferFull:
			return "", err
		}
	}
}

func utoa(v uint32) string { return strconv.FormatUint(uint64(v), 10) }

// maxServed bounds the watches a server keeps for one client: a
// supervisor has five at most.
const maxServed = 64

// A session is the server's end of one client.
type session struct {
	h    *hub
	c    *net.UnixConn
	wmu  sync.Mutex
	subs map[string]served // by the client's ID
}

// served is one watch the server added for a client.
type served struct {
	wd int32
	s  *sub
}

// client serves one connection, until it ends or misbehaves.
func (h *hub) client(c *net.UnixConn) {
	defer c.Close()
	if kin(c) == 0 {
		return
	}
	s := &session{h: h, c: c, subs: map[string]served{}}
	defer s.end()
	r := bufio.NewReaderSize(c, 512)
	for {
		line, err := readLine(r)
		if err != nil || !s.handle(strings.TrimSuffix(line, "\n")) {
			return
		}
	}
}

// handle carries out one request; false ends the session.
func (s *session) handle(line string) bool {
	f := strings.SplitN(line, " ", 5)
	switch {
	case f[0] == "r" && len(f) == 2:
		if w, ok := s.subs[f[1]]; ok {
			delete(s.subs, f[1])
			s.h.remove(w.wd, w.s)
		}
		return true
	case f[0] == "a" && len(f) == 5:
		return s.addFor(f[1], f[2], f[3], f[4])
	}
	return false
}

// addFor adds what a client asked for. Only absolute paths, and only
// inotify's events and the flags a watch of this package uses.
func (s *session) addFor(id, flags, mask, quoted string) bool {
	fl, err1 := strconv.ParseUint(flags, 10, 32)
	m, err2 := strconv.ParseUint(mask, 10, 32)
	path, err3 := strconv.Unquote(quoted)
	_, dup := s.subs[id]
	if err1 != nil || err2 != nil || err3 != nil || dup || len(s.subs) >= maxServed || !filepath.IsAbs(path) ||
		fl&^(unix.IN_DONT_FOLLOW|unix.IN_ONLYDIR) != 0 || m == 0 || m&^unix.IN_ALL_EVENTS != 0 {
		return false
	}
	sb := &sub{mask: uint32(m), fn: func(mask uint32, name string) {
		s.send("v " + id + " " + utoa(mask) + " " + strconv.Quote(name) + "\n")
	}}
	wd, err := s.h.add(path, uint32(fl), sb)
	if err != nil {
		errno, _ := err.(syscall.Errno)
		s.send("e " + id + " " + strconv.Itoa(int(errno)) + "\n")
		return true
	}
	s.subs[id] = served{wd, sb}
	s.send("o " + id + "\n")
	return true
}

// send writes a line without waiting: a client that has no room for it
// is dropped (it hears "lost" and adds its watches again).
func (s *session) send(line string) {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	raw, err := s.c.SyscallConn()
	if err != nil {
		return
	}
	n := 0
	raw.Write(func(fd uintptr) bool {
		n, err = unix.Write(int(fd), []byte(line))
		return true
	})
	if err != nil || n != len(line) {
		s.c.Close()
	}
}

// end removes the client's watches.
func (s *session) end() {
	for _, w := range s.subs {
		s.h.remove(w.wd, w.s)
	}
}
