package main

import (
	"io"
	"sync"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"
)

// progressSteps is the resolution of progress bars.
const progressSteps = 1000

// progress is a progress bar on a terminal. A nil *progress draws nothing, so
// callers need not ask whether stderr is a terminal.
type progress struct {
	mu   sync.Mutex
	bar  *progressbar.ProgressBar
	last int
	stop chan struct{}
	done chan struct{}
}

// newProgress returns a bar drawn on w when w is a terminal, and nil otherwise
// (a file or a pipe gets no control characters).
func newProgress(w io.Writer, desc string) *progress {
	if !isTerminal(w) {
		return nil
	}
	return &progress{bar: progressbar.NewOptions(progressSteps,
		progressbar.OptionSetWriter(w),
		progressbar.OptionSetDescription(desc),
		progressbar.OptionSetWidth(30),
		progressbar.OptionSetPredictTime(true),
		progressbar.OptionSetElapsedTime(true),
		progressbar.OptionThrottle(100*time.Millisecond),
		progressbar.OptionClearOnFinish(),
	)}
}

// isTerminal reports whether w is a terminal.
func isTerminal(w io.Writer) bool {
	f, ok := w.(interface{ Fd() uintptr })
	return ok && term.IsTerminal(int(f.Fd()))
}

// Set moves the bar to frac (0…1); it never moves back, since searches report
// from several goroutines.
func (p *progress) Set(frac float64) {
	if p == nil {
		return
	}
	n := int(min(max(frac, 0), 1) * progressSteps)
	p.mu.Lock()
	defer p.mu.Unlock()
	if n > p.last {
		p.last = n
		p.bar.Set(n)
	}
}

// Clock moves the bar with the time elapsed out of total until Finish, for
// searches that report no fraction of their own.
func (p *progress) Clock(total time.Duration) {
	if p == nil || total <= 0 {
		return
	}
	p.stop, p.done = make(chan struct{}), make(chan struct{})
	start := time.Now()
	go func() {
		defer close(p.done)
		t := time.NewTicker(200 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-p.stop:
				return
			case <-t.C:
				p.Set(float64(time.Since(start)) / float64(total))
			}
		}
	}()
}

// Finish stops the clock and clears the bar, so that the summary follows on a
// clean line.
func (p *progress) Finish() {
	if p == nil {
		return
	}
	if p.stop != nil {
		close(p.stop)
		<-p.done
		p.stop = nil
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.bar.Finish()
}
