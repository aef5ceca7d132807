package main

// The write gate: a wire-protocol proxy in front of FerretDB that lets only
// one mutating command run at a time.
//
// FerretDB 1.24 over SQLite executes an update as a read followed by a write
// with no lock between them, so concurrent updates of one document lose
// changes (measured here: 100 concurrent {$inc: {seq: 1}} on one document
// left seq at 10, and 20 concurrent conditional updates all reported
// success). MongoDB guarantees single-document atomicity and Aduan relies on
// it (ticket numbers, state transitions, leases). Serialising the commands
// that modify data restores that guarantee; reads still run concurrently.

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"sync"
)

const (
	opMsg       = 2013
	headerSize  = 16
	maxMsgSize  = 48 * 1024 * 1024
	moreToCome  = 1 << 1
	flagsOffset = headerSize
)

var mutating = map[string]bool{
	"insert": true, "update": true, "delete": true, "findandmodify": true,
	"create": true, "createindexes": true, "drop": true, "dropdatabase": true,
	"dropindexes": true, "renamecollection": true, "collmod": true,
}

type gate struct {
	upstream string // FerretDB's Unix socket
	writes   sync.Mutex
	cores    *cores // nil: GOMAXPROCS as Go sets it (cores.go)
}

func (g *gate) serve(l net.Listener) {
	for {
		client, err := l.Accept()
		if err != nil {
			return
		}
		go g.handle(client)
	}
}

func (g *gate) handle(client net.Conn) {
	defer client.Close()
	server, err := net.Dial("unix", g.upstream)
	if err != nil {
		return
	}
	defer server.Close()
	for {
		request, err := readMessage(client)
		if err != nil {
			return
		}
		if err := g.roundTrip(request, client, server); err != nil {
			return
		}
	}
}

// roundTrip forwards one request and every reply that belongs to it.
func (g *gate) roundTrip(request []byte, client, server net.Conn) error {
	if isMutating(request) {
		g.writes.Lock()
		defer g.writes.Unlock()
	}
	defer g.cores.watch()() // from here: the time waiting for the gate is not the command's
	if _, err := server.Write(request); err != nil {
		return err
	}
	if hasMoreToCome(request) {
		return nil // fire-and-forget request: no reply
	}
	for {
		reply, err := readMessage(server)
		if err != nil {
			return err
		}
		if _, err := client.Write(reply); err != nil {
			return err
		}
		if !hasMoreToCome(reply) {
			return nil
		}
	}
}

func readMessage(r io.Reader) ([]byte, error) {
	header := make([]byte, headerSize)
	if _, err := io.ReadFull(r, header); err != nil {
		return nil, err
	}
	size := int(int32(binary.LittleEndian.Uint32(header)))
	if size < headerSize || size > maxMsgSize {
		return nil, fmt.Errorf("bad message length %d", size)
	}
	msg := make([]byte, size)
	copy(msg, header)
	if _, err := io.ReadFull(r, msg[headerSize:]); err != nil {
		return nil, err
	}
	return msg, nil
}

func opCode(msg []byte) int32 { return int32(binary.LittleEndian.Uint32(msg[12:16])) }

func hasMoreToCome(msg []byte) bool {
	return opCode(msg) == opMsg && len(msg) >= flagsOffset+4 && binary.LittleEndian.Uint32(msg[flagsOffset:])&moreToCome != 0
}

// isMutating reads the command name: the first key of the OP_MSG body section.
func isMutating(msg []byte) bool {
	name, err := commandName(msg)
	return err == nil && mutating[strings.ToLower(name)]
}

func commandName(msg []byte) (string, error) {
	if opCode(msg) != opMsg {
		return "", errors.New("not OP_MSG")
	}
	i := flagsOffset + 4
	for i < len(msg) {
		kind := msg[i]
		i++
		if kind == 0 { // body: one BSON document; its first element names the command
			start := i + 4 + 1 // document length, then element type
			end := start
			for end < len(msg) && msg[end] != 0 {
				end++
			}
			if end >= len(msg) {
				return "", errors.New("truncated body")
			}
			return string(msg[start:end]), nil
		}
		if kind != 1 || i+4 > len(msg) { // kind 1: document sequence with its own length
			return "", errors.New("unknown section")
		}
		i += int(int32(binary.LittleEndian.Uint32(msg[i:])))
	}
	return "", errors.New("no body section")
}
