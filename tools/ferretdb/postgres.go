package main

// A private PostgreSQL cluster for FerretDB's postgresql backend, owned by
// this helper: created with initdb on first start, run as a child process
// that listens on a Unix socket only (no TCP port), stopped when the helper
// stops. Run as root, PostgreSQL (which refuses root) runs as an ordinary
// user, `postgres` on Debian.
//
// Layout of the -data directory (DATA_DIR/postgres):
//
//	cluster/   the PostgreSQL data directory (owned by that user, 0700)
//	pgsocket/  PostgreSQL's socket directory (owned by that user, 0700)
//	password   the generated password of role aduan (this helper's user, 0600)
//	socket/    FerretDB's own socket, behind the write gate (see main.go)

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"time"
)

const pgRole = "aduan"

type postgres struct {
	cmd    *exec.Cmd
	exited chan struct{}
	url    string
	clean  func()
}

// owner is the account PostgreSQL runs as: nil means this process's own.
type owner struct{ uid, gid int }

func (o *owner) chown(path string) error {
	if o == nil {
		return nil
	}
	return os.Chown(path, o.uid, o.gid)
}

func (o *owner) credential() *syscall.SysProcAttr {
	// Pdeathsig: if this helper is killed outright (SIGKILL, no chance to stop
	// it), the kernel asks PostgreSQL for a fast shutdown instead of leaving it
	// running. Go sets it after switching the user, so the switch does not clear it.
	attr := &syscall.SysProcAttr{Pdeathsig: syscall.SIGINT}
	if o != nil {
		attr.Credential = &syscall.Credential{Uid: uint32(o.uid), Gid: uint32(o.gid)}
	}
	return attr
}

func lookupOwner(name string) (*owner, error) {
	if os.Geteuid() != 0 {
		return nil, nil
	}
	u, err := user.Lookup(name)
	if err != nil {
		return nil, fmt.Errorf("PostgreSQL refuses to run as root and user %q does not exist (-pg-user): %w", name, err)
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	return &owner{uid: uid, gid: gid}, nil
}

// startPostgres initialises the cluster when needed and starts PostgreSQL.
// durable=false (the helper's -sync normal) trades the last commits on an
// operating-system crash for speed, as SQLite's synchronous=normal does.
func startPostgres(dataDir, binDir, osUser string, durable bool) (*postgres, error) {
	// Pdeathsig fires when the spawning OS thread ends: keep this goroutine
	// (main's) on its thread for the life of the process.
	runtime.LockOSThread()

	who, err := lookupOwner(osUser)
	if err != nil {
		return nil, err
	}
	// PostgreSQL's user must be able to pass through here to its own
	// directories, but not to list it or read the password file.
	if err := os.Chmod(dataDir, 0o711); err != nil {
		return nil, err
	}
	cluster := filepath.Join(dataDir, "cluster")
	passwordFile := filepath.Join(dataDir, "password")
	if _, err := os.Stat(filepath.Join(cluster, "PG_VERSION")); errors.Is(err, fs.ErrNotExist) {
		if err := initCluster(dataDir, binDir, who, durable); err != nil {
			return nil, err
		}
	}
	password, err := os.ReadFile(passwordFile)
	if err != nil {
		return nil, fmt.Errorf("cannot read the PostgreSQL password (%s): %w", passwordFile, err)
	}
	stopOrphan(cluster)

	socketDir, clean, err := pgSocketDir(dataDir, who)
	if err != nil {
		return nil, err
	}
	args := []string{
		"-D", cluster,
		"-c", "listen_addresses=", // no TCP at all: the Unix socket below is the only way in
		"-c", "unix_socket_directories=" + socketDir,
		"-c", "unix_socket_permissions=0700",
		"-c", "log_min_messages=warning",
		"-c", "max_connections=200",
	}
	if !durable {
		args = append(args, "-c", "synchronous_commit=off")
	}
	cmd := exec.Command(filepath.Join(binDir, "postgres"), args...)
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	cmd.SysProcAttr = who.credential()
	if err := cmd.Start(); err != nil {
		clean()
		return nil, fmt.Errorf("cannot start PostgreSQL: %w", err)
	}
	pg := &postgres{cmd: cmd, exited: make(chan struct{}), clean: clean}
	go func() {
		_ = cmd.Wait()
		close(pg.exited)
	}()
	if err := pg.waitReady(binDir, socketDir, 60*time.Second); err != nil {
		pg.stop()
		return nil, err
	}
	q := url.Values{"host": {socketDir}}
	pg.url = (&url.URL{Scheme: "postgres", User: url.UserPassword(pgRole, strings.TrimSpace(string(password))), Path: "/postgres", RawQuery: q.Encode()}).String()
	return pg, nil
}

// initCluster runs initdb into a temporary directory renamed into place, so
// an interrupted first start leaves nothing half made.
func initCluster(dataDir, binDir string, who *owner, durable bool) error {
	secret := make([]byte, 24)
	if _, err := rand.Read(secret); err != nil {
		return err
	}
	password := hex.EncodeToString(secret)
	if err := os.WriteFile(filepath.Join(dataDir, "password"), []byte(password+"\n"), 0o600); err != nil {
		return err
	}
	pending := filepath.Join(dataDir, "cluster.initdb")
	if err := os.RemoveAll(pending); err != nil {
		return err
	}
	if err := os.Mkdir(pending, 0o700); err != nil {
		return err
	}
	// initdb runs as PostgreSQL's user, which cannot read the password file: hand it a copy it owns.
	pwfile := filepath.Join(pending, "pwfile")
	if err := os.WriteFile(pwfile, []byte(password+"\n"), 0o600); err != nil {
		return err
	}
	for _, p := range []string{pending, pwfile} {
		if err := who.chown(p); err != nil {
			return err
		}
	}
	cluster := filepath.Join(pending, "data")
	args := []string{"-D", cluster, "-U", pgRole, "--pwfile=" + pwfile, "--auth=scram-sha-256", "-E", "UTF8", "--locale=C"}
	if !durable {
		args = append(args, "--no-sync")
	}
	cmd := exec.Command(filepath.Join(binDir, "initdb"), args...)
	cmd.SysProcAttr = who.credential()
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("initdb failed: %w: %s", err, out)
	}
	if err := os.Rename(cluster, filepath.Join(dataDir, "cluster")); err != nil {
		return err
	}
	return os.RemoveAll(pending)
}

// stopOrphan asks a PostgreSQL left running on this cluster (its helper was
// killed before Pdeathsig could act, e.g. on another OS) to shut down. A live
// helper on this directory was already refused by removeStaleSocket.
func stopOrphan(cluster string) {
	raw, err := os.ReadFile(filepath.Join(cluster, "postmaster.pid"))
	if err != nil {
		return
	}
	pid, err := strconv.Atoi(strings.TrimSpace(strings.SplitN(string(raw), "\n", 2)[0]))
	if err != nil || pid <= 0 {
		return
	}
	comm, err := os.ReadFile(fmt.Sprintf("/proc/%d/comm", pid))
	if err != nil || !strings.HasPrefix(string(comm), "postgres") {
		return // gone (PostgreSQL removes a stale pid file itself) or the pid was reused
	}
	_ = syscall.Kill(pid, syscall.SIGINT)
	for i := 0; i < 300 && syscall.Kill(pid, 0) == nil; i++ {
		time.Sleep(100 * time.Millisecond)
	}
}

// pgSocketDir is <data>/pgsocket, or a temporary directory when that path is
// too long for a socket; only PostgreSQL's user (and root) may enter it.
func pgSocketDir(dataDir string, who *owner) (string, func(), error) {
	dir := filepath.Join(dataDir, "pgsocket")
	clean := func() {}
	if len(filepath.Join(dir, ".s.PGSQL.5432.lock")) > maxSocketPath {
		tmp, err := os.MkdirTemp("", "aduan-pg-")
		if err != nil {
			return "", nil, err
		}
		dir, clean = tmp, func() { _ = os.RemoveAll(tmp) }
	} else if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", nil, err
	}
	if err := os.Chmod(dir, 0o700); err != nil {
		clean()
		return "", nil, err
	}
	if err := who.chown(dir); err != nil {
		clean()
		return "", nil, err
	}
	return dir, clean, nil
}

func (pg *postgres) waitReady(binDir, socketDir string, limit time.Duration) error {
	deadline := time.Now().Add(limit)
	for {
		select {
		case <-pg.exited:
			return errors.New("PostgreSQL exited during start-up (its messages are above)")
		default:
		}
		// pg_isready exits 0 once the server accepts connections (not while it is still starting up).
		if exec.Command(filepath.Join(binDir, "pg_isready"), "-q", "-h", socketDir, "-U", pgRole, "-d", "postgres").Run() == nil {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("PostgreSQL did not accept connections within %s", limit)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// stop asks for a fast shutdown (SIGINT: running transactions are rolled
// back, committed ones are on disk) and waits for it.
func (pg *postgres) stop() {
	defer pg.clean()
	_ = pg.cmd.Process.Signal(syscall.SIGINT)
	select {
	case <-pg.exited:
	case <-time.After(30 * time.Second):
		_ = pg.cmd.Process.Signal(syscall.SIGQUIT)
		<-pg.exited
	}
}
