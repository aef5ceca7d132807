// Command ferretdb runs an embedded FerretDB (MongoDB wire protocol over
// PostgreSQL or SQLite) for Aduan's tests and for `npm start` without
// MONGODB_URI. With -backend postgresql it creates, starts and stops its own
// private PostgreSQL cluster (postgres.go).
//
// It prints one JSON line {"uri": "..."} on stdout once the listener is ready,
// so the parent process learns the (possibly random) port, and it stops when
// it receives SIGINT/SIGTERM or when its stdin is closed (the parent died).
//
// That TCP port, served by the write gate (gate.go), is its only one: FerretDB
// itself listens on a Unix socket in a directory only this user can enter
// (<data>/socket/, or a temporary directory when that path is too long).
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"runtime/pprof"
	"syscall"
	"time"

	"github.com/FerretDB/FerretDB/ferretdb"
)

func main() {
	dataDir := flag.String("data", "", "directory for the SQLite files or the PostgreSQL cluster (required)")
	backend := flag.String("backend", "sqlite", "sqlite or postgresql")
	pgBin := flag.String("pg-bin", "", "directory of PostgreSQL's initdb, postgres and pg_isready (-backend postgresql)")
	pgUser := flag.String("pg-user", "postgres", "the account PostgreSQL runs as when this helper runs as root")
	listen := flag.String("listen", "127.0.0.1:0", "TCP address to listen on; port 0 picks a free one")
	logLevel := flag.String("log-level", "error", "debug, info, warn or error")
	watchStdin := flag.Bool("watch-stdin", true, "exit when stdin reaches EOF (the parent process is gone)")
	// full: every commit reaches the disk (survives power loss). normal: commits
	// survive a crash of this process but the last ones may be lost on power
	// loss; several times faster, meant for tests and benchmarks.
	// PostgreSQL: normal sets synchronous_commit=off (same trade-off).
	sync := flag.String("sync", "full", "SQLite synchronous mode: full or normal")
	flag.Parse()

	// FerretDB allocates heavily per command (JSON documents decoded into its own types): collecting
	// garbage at 4x the live heap instead of Go's default 2x cut the helper's CPU per message by a
	// fifth in `npm run bench`, for some 40 MB more memory. GOGC, when set, still decides.
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(400)
	}

	// A CPU profile of the helper for `go tool pprof` (benchmarks; see README, Writes per message).
	if path := os.Getenv("ADUAN_FERRETDB_CPUPROFILE"); path != "" {
		if out, err := os.Create(path); err == nil && pprof.StartCPUProfile(out) == nil {
			defer pprof.StopCPUProfile()
		}
	}

	if *dataDir == "" {
		fail("-data is required")
	}
	if *sync != "full" && *sync != "normal" {
		fail("-sync must be full or normal, not %q", *sync)
	}
	if *backend != "sqlite" && *backend != "postgresql" {
		fail("-backend must be sqlite or postgresql, not %q", *backend)
	}
	if *backend == "postgresql" && *pgBin == "" {
		fail("-backend postgresql needs -pg-bin")
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

	// FerretDB itself listens only on a Unix socket in a private directory, so
	// the gate's TCP port is the one way in: a second TCP port would let a
	// client bypass the write gate and lose single-document atomicity.
	socketDir, cleanup, err := privateSocketDir(abs)
	if err != nil {
		fail("cannot prepare the socket directory: %v", err)
	}
	defer cleanup()
	socket := filepath.Join(socketDir, socketName)
	if err := removeStaleSocket(socket); err != nil {
		cleanup()
		fail("%v", err)
	}
	config := &ferretdb.Config{
		Listener:  ferretdb.ListenerConfig{Unix: socket},
		Handler:   "sqlite",
		SQLiteURL: "file:" + abs + "/?_pragma=synchronous(" + *sync + ")",
		Logger:    logger,
	}
	var pg *postgres
	if *backend == "postgresql" {
		if pg, err = startPostgres(abs, *pgBin, *pgUser, *sync == "full"); err != nil {
			cleanup()
			fail("%v", err)
		}
		config.Handler, config.SQLiteURL, config.PostgreSQLURL = "postgresql", "", pg.url
	}
	// The database server stops after FerretDB, last, on every way out.
	quit := func(format string, args ...any) {
		if pg != nil {
			pg.stop()
		}
		cleanup()
		fail(format, args...)
	}
	f, err := ferretdb.New(config)
	if err != nil {
		quit("cannot start FerretDB: %v", err)
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if *watchStdin {
		go func() {
			_, _ = io.Copy(io.Discard, os.Stdin)
			stop()
		}()
	}

	if pg != nil {
		go func() {
			<-pg.exited // PostgreSQL died under FerretDB: exit too, so the parent sees it
			stop()
		}()
	}

	done := make(chan struct{})
	go func() {
		_ = f.Run(ctx)
		close(done)
	}()

	if err := waitForListener(socket, 10*time.Second); err != nil {
		quit("FerretDB did not start listening on %s: %v", socket, err)
	}
	go (&gate{upstream: socket, cores: newCores(os.Getenv("GOMAXPROCS") != "")}).serve(public)
	go func() {
		<-ctx.Done()
		public.Close()
	}()
	line, _ := json.Marshal(map[string]string{"uri": "mongodb://" + public.Addr().String() + "/", "backend": *backend})
	fmt.Println(string(line))

	<-done
	if pg != nil {
		pg.stop()
	}
}

const socketName = "ferretdb.sock"

// A Unix socket path must fit in sockaddr_un.sun_path (108 bytes on Linux,
// 104 on macOS, including the terminating NUL).
const maxSocketPath = 100

// privateSocketDir returns a directory only this user can enter (0700) for
// FerretDB's socket: <data>/socket, or a fresh temporary directory when that
// path would be too long for a socket; cleanup removes what was created here.
func privateSocketDir(dataDir string) (string, func(), error) {
	dir := filepath.Join(dataDir, "socket")
	if len(filepath.Join(dir, socketName)) <= maxSocketPath {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return "", nil, err
		}
		// MkdirAll keeps the mode of an existing directory; make sure it is private.
		if err := os.Chmod(dir, 0o700); err != nil {
			return "", nil, err
		}
		return dir, func() {}, nil
	}
	dir, err := os.MkdirTemp("", "aduan-ferretdb-") // created with mode 0700
	if err != nil {
		return "", nil, err
	}
	return dir, func() { _ = os.RemoveAll(dir) }, nil
}

// removeStaleSocket deletes a socket file left by a helper that was killed,
// which would make listening fail, and refuses to start when a live helper
// still answers on it (two helpers on one SQLite directory would interleave
// their writes outside either gate).
func removeStaleSocket(path string) error {
	if _, err := os.Lstat(path); errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if c, err := net.DialTimeout("unix", path, 200*time.Millisecond); err == nil {
		c.Close()
		return fmt.Errorf("another helper is serving this data directory (%s answers)", path)
	}
	return os.Remove(path)
}

func waitForListener(socket string, limit time.Duration) error {
	deadline := time.Now().Add(limit)
	for {
		c, err := net.DialTimeout("unix", socket, 200*time.Millisecond)
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
