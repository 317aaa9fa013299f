// Package redistest runs a real redis-server for tests: each Start launches one on a free
// loopback port with a data directory of its own, no persistence, and stops it when the test
// ends.
//
// When redis-server is not on PATH, Start skips the test with a message saying how to install
// it, unless the environment variable CI is set: then it fails the test, so that CI cannot pass
// without running the Redis tests.
package redistest

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// Server is a redis-server started by Start.
type Server struct {
	// Addr is the server's host:port on the loopback interface.
	Addr string
	// Password is the password clients must give (AUTH), or "" when none is required.
	Password string

	cmd      *exec.Cmd
	dir      string        // its working directory, removed by Kill
	done     chan struct{} // closed when the process has exited
	stopOnce sync.Once
}

// Options tune Start. The zero value starts a server without a password.
type Options struct {
	Password string   // when set, the server requires it (requirepass)
	Args     []string // more redis-server arguments, such as "--maxmemory", "10mb"
}

// ErrNotInstalled is returned by Launch when redis-server is not on PATH.
var ErrNotInstalled = errors.New("redis-server is not on PATH (install it: apt-get install -y redis-server)")

// Start launches a redis-server for the test t and returns once it answers PING. The server is
// killed and waited for, and its directory removed, when t ends (t.Cleanup), so no process
// outlives the test. Without redis-server on PATH it skips t, or fails it when CI is set.
func Start(t testing.TB, opts Options) *Server {
	t.Helper()
	s, err := Launch(opts)
	if errors.Is(err, ErrNotInstalled) {
		if os.Getenv("CI") != "" {
			t.Fatalf("%v; CI is set, so the Redis tests must run", err)
		}
		t.Skipf("%v; skipping (set CI=1 to make this a failure)", err)
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Kill)
	return s
}

// Launch is Start for code without a testing.TB (a TestMain, an example's setup): the caller
// must call Kill. It returns ErrNotInstalled when redis-server is not on PATH.
func Launch(opts Options) (*Server, error) {
	path, err := exec.LookPath("redis-server")
	if err != nil {
		return nil, ErrNotInstalled
	}
	var lastErr error
	for range 5 { // a free port can be taken between probing it and the server binding it
		s, err := launch(path, opts)
		if err == nil {
			return s, nil
		}
		lastErr = err
	}
	return nil, fmt.Errorf("redistest: %w", lastErr)
}

func launch(path string, opts Options) (*Server, error) {
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "redistest-")
	if err != nil {
		return nil, err
	}
	args := []string{
		"--port", strconv.Itoa(port), "--bind", "127.0.0.1",
		"--dir", dir, "--save", "", "--appendonly", "no",
		"--daemonize", "no", "--loglevel", "warning", "--logfile", "",
	}
	if opts.Password != "" {
		args = append(args, "--requirepass", opts.Password)
	}
	args = append(args, opts.Args...)
	cmd := exec.Command(path, args...)
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := startChild(cmd); err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("start redis-server: %w", err)
	}
	s := &Server{Addr: net.JoinHostPort("127.0.0.1", strconv.Itoa(port)), Password: opts.Password, cmd: cmd, dir: dir, done: make(chan struct{})}
	go func() { _ = cmd.Wait(); close(s.done) }()
	deadline := time.Now().Add(10 * time.Second)
	for {
		err := s.ping()
		if err == nil {
			return s, nil
		}
		if time.Now().After(deadline) {
			s.Kill()
			return nil, fmt.Errorf("redis-server on port %d did not answer PING: %v; its output: %s", port, err, out.String())
		}
		select {
		case <-s.done:
			s.Kill()
			return nil, fmt.Errorf("redis-server on port %d exited at start: %s", port, out.String())
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// URL is the server's redis:// URL for database db, with the password when there is one.
func (s *Server) URL(db int) string {
	auth := ""
	if s.Password != "" {
		auth = ":" + s.Password + "@"
	}
	return "redis://" + auth + s.Addr + "/" + strconv.Itoa(db)
}

// Kill stops the server at once (SIGKILL, as a crash would), waits for it to exit and removes its
// directory. It may be called more than once.
func (s *Server) Kill() {
	s.stopOnce.Do(func() {
		_ = s.cmd.Process.Kill()
		<-s.done
		_ = os.RemoveAll(s.dir)
	})
}

// Pause stops the server's process (SIGSTOP), as a host that stalls would: connections stay
// open and requests wait unanswered until Resume.
func (s *Server) Pause() error { return s.cmd.Process.Signal(syscall.SIGSTOP) }

// Resume continues a server stopped by Pause (SIGCONT).
func (s *Server) Resume() error { return s.cmd.Process.Signal(syscall.SIGCONT) }

// ping sends PING over a fresh connection, authenticating first when the server has a password.
func (s *Server) ping() error {
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", s.Addr)
	if err != nil {
		return err
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(time.Second))
	r := bufio.NewReader(conn)
	if s.Password != "" {
		if _, err := fmt.Fprintf(conn, "AUTH %s\r\n", s.Password); err != nil {
			return err
		}
		if line, err := r.ReadString('\n'); err != nil {
			return err
		} else if !strings.HasPrefix(line, "+OK") {
			return fmt.Errorf("AUTH answered %q", strings.TrimSpace(line))
		}
	}
	if _, err := fmt.Fprint(conn, "PING\r\n"); err != nil {
		return err
	}
	line, err := r.ReadString('\n')
	if err != nil {
		return err
	}
	if !strings.HasPrefix(line, "+PONG") {
		return fmt.Errorf("PING answered %q", strings.TrimSpace(line))
	}
	return nil
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("find a free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}
