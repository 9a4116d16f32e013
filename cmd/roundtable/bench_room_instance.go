package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"sync"
	"time"
)

// roomInstance is one app instance of bench room: a child process.
type roomInstance struct {
	cmd   *exec.Cmd
	stdin io.WriteCloser
	base  string // http://127.0.0.1:port
	once  sync.Once
}

// startRoomInstance starts this program as `bench room --serve` and waits
// for the address it serves on.
func startRoomInstance(ctx context.Context, engine, dbURL string, meetings int, stderr io.Writer) (*roomInstance, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, err
	}
	cmd := exec.CommandContext(ctx, exe, "bench", "room", "--serve", "--db", engine, "--serve-db", dbURL, "--meetings", strconv.Itoa(meetings))
	cmd.Env = append(os.Environ(), benchRoomServeEnv+"=1")
	cmd.Stderr = stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	in := &roomInstance{cmd: cmd, stdin: stdin}
	var hello struct{ Addr string }
	line, err := bufio.NewReader(stdout).ReadBytes('\n')
	if err == nil {
		err = json.Unmarshal(line, &hello)
	}
	if err != nil || hello.Addr == "" {
		in.stop()
		return nil, fmt.Errorf("no address from the instance (%v): %q", err, line)
	}
	in.base = "http://" + hello.Addr
	return in, nil
}

// stop ends the instance: its standard input closing tells it to go.
func (in *roomInstance) stop() {
	in.once.Do(func() {
		in.stdin.Close()
		done := make(chan struct{})
		go func() {
			in.cmd.Wait()
			close(done)
		}()
		select {
		case <-done:
		case <-time.After(30 * time.Second):
			in.cmd.Process.Kill()
			<-done
		}
	})
}

// round asks the instance to change every meeting once and returns the
// changes it made.
func (in *roomInstance) round(ctx context.Context, interval time.Duration, spread bool) ([]roomChange, error) {
	path := "/bench/round"
	if spread {
		path += "?spread=" + interval.String()
	}
	var changes []roomChange
	return changes, in.call(ctx, "POST", path, &changes)
}

// roomStats reads every instance's stats.
func roomStats(ctx context.Context, insts []*roomInstance) ([]roomServerStats, error) {
	out := make([]roomServerStats, len(insts))
	for i, in := range insts {
		if err := in.call(ctx, "GET", "/bench/stats", &out[i]); err != nil {
			return nil, fmt.Errorf("stats of instance %d: %w", i+1, err)
		}
	}
	return out, nil
}

// call sends a request to one of the instance's bench routes and decodes
// its JSON answer into out.
func (in *roomInstance) call(ctx context.Context, method, path string, out any) error {
	req, err := http.NewRequestWithContext(ctx, method, in.base+path, nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(resp.Body)
		return fmt.Errorf("%s: %s", resp.Status, b)
	}
	return json.NewDecoder(resp.Body).Decode(out)
}

// lockedWriter serializes writes from several goroutines.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// Fd lets a progress bar see whether the writer is a terminal.
func (l *lockedWriter) Fd() uintptr {
	if f, ok := l.w.(interface{ Fd() uintptr }); ok {
		return f.Fd()
	}
	return ^uintptr(0)
}
