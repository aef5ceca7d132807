// Command ferretdb runs an embedded FerretDB (MongoDB wire protocol over SQLite)
// for Aduan's tests and for `npm start` without MONGODB_URI.
//
// It prints one JSON line {"uri": "..."} on stdout once the listener is ready,
// so the parent process learns the (possibly random) port, and it stops when
// it receives SIGINT/SIGTERM or when its stdin is closed (the parent died).
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/FerretDB/FerretDB/ferretdb"
)

func main() {
	dataDir := flag.String("data", "", "directory for the SQLite files (required)")
	listen := flag.String("listen", "127.0.0.1:0", "TCP address to listen on; port 0 picks a free one")
	logLevel := flag.String("log-level", "error", "debug, info, warn or error")
	watchStdin := flag.Bool("watch-stdin", true, "exit when stdin reaches EOF (the parent process is gone)")
	// full: every commit reaches the disk (survives power loss). normal: commits
	// survive a crash of this process but the last ones may be lost on power
	// loss; several times faster, meant for tests and benchmarks.
	sync := flag.String("sync", "full", "SQLite synchronous mode: full or normal")
	flag.Parse()

	if *dataDir == "" {
		fail("-data is required")
	}
	if *sync != "full" && *sync != "normal" {
		fail("-sync must be full or normal, not %q", *sync)
	}
	abs, err := filepath.Abs(*dataDir)
	if err != nil {
		fail("cannot resolve -data: %v", err)
	}
	if err := os.MkdirAll(abs, 0o755); err != nil {
		fail("cannot create data directory %s: %v", abs, err)
	}

	public, err := net.Listen("tcp", *listen)
	if err != nil {
		fail("cannot listen on %s: %v", *listen, err)
	}

	var level slog.Level
	if err := level.UnmarshalText([]byte(*logLevel)); err != nil {
		fail("bad -log-level %q", *logLevel)
	}
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))

	// FerretDB itself listens on a private port; clients reach it through the write gate.
	inner, err := resolveListen("127.0.0.1:0")
	if err != nil {
		fail("cannot pick an internal port: %v", err)
	}
	f, err := ferretdb.New(&ferretdb.Config{
		Listener:  ferretdb.ListenerConfig{TCP: inner},
		Handler:   "sqlite",
		SQLiteURL: "file:" + abs + "/?_pragma=synchronous(" + *sync + ")",
		Logger:    logger,
	})
	if err != nil {
		fail("cannot start FerretDB: %v", err)
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if *watchStdin {
		go func() {
			_, _ = io.Copy(io.Discard, os.Stdin)
			stop()
		}()
	}

	done := make(chan struct{})
	go func() {
		_ = f.Run(ctx)
		close(done)
	}()

	if err := waitForListener(inner, 10*time.Second); err != nil {
		fail("FerretDB did not start listening on %s: %v", inner, err)
	}
	go (&gate{upstream: inner}).serve(public)
	go func() {
		<-ctx.Done()
		public.Close()
	}()
	line, _ := json.Marshal(map[string]string{"uri": "mongodb://" + public.Addr().String() + "/"})
	fmt.Println(string(line))

	<-done
}

// resolveListen replaces port 0 with a concrete free port, because the
// embedded listener does not expose the port it picked before Run.
// (Another process could take the port in between; on loopback that is rare
// enough for a test and development database.)
func resolveListen(listen string) (string, error) {
	host, port, err := net.SplitHostPort(listen)
	if err != nil {
		return "", err
	}
	if port != "0" {
		return listen, nil
	}
	l, err := net.Listen("tcp", net.JoinHostPort(host, "0"))
	if err != nil {
		return "", err
	}
	defer l.Close()
	return l.Addr().String(), nil
}

func waitForListener(addr string, limit time.Duration) error {
	deadline := time.Now().Add(limit)
	for {
		c, err := net.DialTimeout("tcp", addr, 200*time.Millisecond)
		if err == nil {
			c.Close()
			return nil
		}
		if time.Now().After(deadline) {
			return err
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func fail(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "ferretdb: "+format+"\n", args...)
	os.Exit(1)
}
