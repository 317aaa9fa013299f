package contactsim

import (
	"context"
	"errors"
	"net"
	"net/http"
	"sync"
)

// PipeNetwork serves a handler over in-memory connections (net.Pipe) instead of sockets, so that
// HTTP clients and servers can run inside a testing/synctest bubble, where time is fake and only
// in-memory blocking lets it advance. The client's transport dials the pipe whatever the URL's
// host, so use a loopback URL such as http://127.0.0.1 with it.
type PipeNetwork struct {
	srv *http.Server
	ln  *pipeListener
	tr  *http.Transport
}

// NewPipeNetwork starts serving h over pipes. Close it before the bubble ends.
func NewPipeNetwork(h http.Handler) *PipeNetwork {
	ln := &pipeListener{conns: make(chan net.Conn), done: make(chan struct{})}
	srv := &http.Server{Handler: h, ErrorLog: nil}
	go func() { _ = srv.Serve(ln) }()
	tr := &http.Transport{
		DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) { return ln.dial(ctx) },
	}
	return &PipeNetwork{srv: srv, ln: ln, tr: tr}
}

// Client returns a client whose connections go to the handler.
func (p *PipeNetwork) Client() *http.Client { return &http.Client{Transport: p.tr} }

// Transport returns the client transport.
func (p *PipeNetwork) Transport() *http.Transport { return p.tr }

// Close shuts the server and the client's idle connections down.
func (p *PipeNetwork) Close() {
	p.tr.CloseIdleConnections()
	_ = p.srv.Close()
}

type pipeListener struct {
	conns chan net.Conn
	once  sync.Once
	done  chan struct{}
}

func (l *pipeListener) dial(ctx context.Context) (net.Conn, error) {
	c, s := net.Pipe()
	select {
	case l.conns <- s:
		return c, nil
	case <-l.done:
		return nil, errors.New("pipe network closed")
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

func (l *pipeListener) Accept() (net.Conn, error) {
	select {
	case c := <-l.conns:
		return c, nil
	case <-l.done:
		return nil, net.ErrClosed
	}
}

func (l *pipeListener) Close() error {
	l.once.Do(func() { close(l.done) })
	return nil
}

func (l *pipeListener) Addr() net.Addr { return pipeAddr{} }

type pipeAddr struct{}

func (pipeAddr) Network() string { return "pipe" }
func (pipeAddr) String() string  { return "127.0.0.1:0" }
