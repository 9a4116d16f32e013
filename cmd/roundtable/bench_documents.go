package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/roundtable/roundtable"
	"github.com/roundtable/roundtable/internal/sqldb"
)

// Targets of issue 13's documents benchmark.
const (
	documentsTargetP99    = 50 * time.Millisecond
	documentsTargetMemory = 8 << 20
)

// runBenchDocuments measures a circle's documents page with many documents
// under load, and how much the server's memory rises while a file of the
// largest size goes up and comes down through the real server.
func runBenchDocuments(ctx context.Context, args []string, std stdio) error {
	fs := newFlagSet("bench documents", std)
	engine := fs.String("db", "sqlite", "database engine: sqlite or postgres")
	pgURL := fs.String("postgres", defaultBenchPostgres, "PostgreSQL `URL` of a database through which the benchmark's own is created and dropped")
	docs := fs.Int("documents", 200, "documents in the circle: a quarter files, the rest links")
	concurrency := fs.Int("concurrency", 16, "requests for the page in flight at once")
	duration := fs.Duration("duration", 3*time.Second, "time the page is measured")
	warmup := fs.Duration("warmup", time.Second, "time the page is asked for before it is measured")
	size := fs.Int("size", roundtable.MaxDocumentSize, "bytes of the file sent up and down")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the measured page to `FILE`")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	switch {
	case *concurrency < 1 || *duration <= 0 || *warmup < 0 || *docs < 1:
		return usageError{"--documents, --concurrency and --duration must be positive, --warmup not negative"}
	case *size < 1024 || *size > roundtable.MaxDocumentSize:
		return usageError{fmt.Sprintf("--size between 1024 and %d", roundtable.MaxDocumentSize)}
	case *engine != "sqlite" && *engine != "postgres":
		return usageError{"--db sqlite or postgres"}
	}
	tuneServerGC(os.Getenv) // the server as `serve` runs it
	dbURL, drop, err := benchDatabase(ctx, *engine, *pgURL)
	if err != nil {
		return err
	}
	defer drop()
	m, err := startPagesApp(ctx, dbURL)
	if err != nil {
		return err
	}
	defer m.Close()
	token, err := sqldb.NewAuthService(m.DB).CreateSession(ctx, m.Demo.Users[m.Demo.MemberEmail])
	if err != nil {
		return fmt.Errorf("sign in the member: %w", err)
	}
	if err := fillShelf(ctx, m, *docs); err != nil {
		return err
	}
	fmt.Fprintf(std.Out, "Documents benchmark: the real server on %s with the demo data and %d documents in the member's circle; cores %d (GOMAXPROCS %d)%s.\n",
		*engine, *docs, runtime.NumCPU(), runtime.GOMAXPROCS(0), loadAverage())

	load := pagesLoad{concurrency: *concurrency, duration: *duration, warmup: *warmup, trips: m.DB.RoundTrips}
	client := newPagesClient(*concurrency)
	defer client.CloseIdleConnections()
	page := pageCase{Page: "documents", Role: "member", Session: token,
		Path: "/circles/" + url.PathEscape(m.Demo.MemberCircleID) + "/documents", Marker: "Bench link " + strconv.Itoa(*docs-1) + "<"}
	stopProfile := func() {}
	if *cpuProfile != "" {
		if stopProfile, err = startCPUProfile(*cpuProfile); err != nil {
			return err
		}
	}
	res, err := load.run(ctx, client, m.URL(), page)
	stopProfile()
	if err != nil {
		return err
	}
	pageOK := res.P99 <= documentsTargetP99 && res.Errors == 0 && res.Requests > 0
	fmt.Fprintf(std.Out, "documents page, %d in flight: %.0f req/s, p50 %.2f ms, p99 %.2f ms, CPU %.0f µs a request, %.1f KB, %.1f trips, %d errors  %s (p99 ≤ %v)\n",
		*concurrency, res.PerSecond, ms(res.P50), ms(res.P99), float64(res.CPU)/1e3, float64(res.Bytes)/1024, res.Trips, res.Errors, verdict(pageOK), documentsTargetP99)

	up, down, err := transferFile(ctx, m, token, *size)
	if err != nil {
		return err
	}
	memOK := up.rise() < documentsTargetMemory && down.rise() < documentsTargetMemory
	for _, t := range []struct {
		what string
		mem  memoryWatch
	}{{"upload", up}, {"download", down}} {
		fmt.Fprintf(std.Out, "%s of %.1f MB: %v, %.1f MB/s; heap in use %.1f MB before, peak %.1f MB: rise %.1f MB; RSS %.1f → %.1f MB (peak %.1f MB)\n",
			t.what, float64(*size)/(1<<20), t.mem.took.Round(time.Millisecond), float64(*size)/(1<<20)/t.mem.took.Seconds(),
			mb(t.mem.before), mb(t.mem.peak), mb(int64(t.mem.rise())), mb(t.mem.rssBefore), mb(t.mem.rssAfter), mb(t.mem.rssPeak))
	}
	fmt.Fprintf(std.Out, "Targets: documents page p99 ≤ %v: %s; heap rise < %d MB for upload and download: %s.\n",
		documentsTargetP99, verdict(pageOK), documentsTargetMemory>>20, verdict(memOK))
	return pagesErrors([]pagesResult{res})
}

func mb(n int64) float64 { return float64(n) / (1 << 20) }

// fillShelf adds n documents to the member's circle: every fourth a small
// PDF, the others links; the first few are readings for the next meeting.
func fillShelf(ctx context.Context, m *Main, n int) error {
	user, err := sqldb.NewUserService(m.DB).FindUserByID(roundtable.NewSystemContext(ctx), m.Demo.Users[m.Demo.MemberEmail])
	if err != nil {
		return err
	}
	as := roundtable.NewContextWithUser(ctx, user)
	docs := sqldb.NewDocumentService(m.DB)
	circle := m.Demo.MemberCircleID
	pdf := bytes.Repeat([]byte("%PDF-1.7 bench page\n"), 200)
	for i := range n {
		d := &roundtable.Document{CircleID: circle, Title: "Bench link " + strconv.Itoa(i), URL: "https://library.example.org/reading/" + strconv.Itoa(i)}
		if i%4 == 0 {
			d, err = docs.UploadDocument(as, &roundtable.DocumentUpload{CircleID: circle, Title: d.Title, FileName: "bench.pdf", Body: bytes.NewReader(pdf)})
		} else {
			err = docs.AddLink(as, d)
		}
		if err != nil {
			return fmt.Errorf("add document %d: %w", i, err)
		}
		if i < 5 {
			if err := docs.AttachDocument(as, d.ID, m.Demo.MeetingIDs[0]); err != nil {
				return fmt.Errorf("attach document %d: %w", i, err)
			}
		}
	}
	return nil
}

// memoryWatch is the server process's memory around one transfer: the
// heap in use after a collection before it, the highest seen while it ran
// (sampled), and the resident set.
type memoryWatch struct {
	before, peak                 int64
	rssBefore, rssAfter, rssPeak int64
	took                         time.Duration
}

func (w memoryWatch) rise() int64 { return max(w.peak-w.before, 0) }

// watchMemory runs fn while sampling the heap in use every few ms.
func watchMemory(fn func() error) (memoryWatch, error) {
	runtime.GC()
	var w memoryWatch
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	w.before, w.peak = int64(ms.HeapInuse), int64(ms.HeapInuse)
	w.rssBefore = procStatus("VmRSS")
	resetPeakRSS()
	var peak atomic.Int64
	peak.Store(w.peak)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		t := time.NewTicker(2 * time.Millisecond)
		defer t.Stop()
		var s runtime.MemStats
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				runtime.ReadMemStats(&s)
				if v := int64(s.HeapInuse); v > peak.Load() {
					peak.Store(v)
				}
			}
		}
	})
	start := time.Now()
	err := fn()
	w.took = time.Since(start)
	close(stop)
	wg.Wait()
	w.peak = peak.Load()
	w.rssAfter, w.rssPeak = procStatus("VmRSS"), procStatus("VmHWM")
	return w, err
}

// procStatus reads a size in kB from Linux's /proc/self/status, in bytes;
// 0 elsewhere.
func procStatus(field string) int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, field+":"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			return kb << 10
		}
	}
	return 0
}

// resetPeakRSS starts Linux's peak resident set (VmHWM) again from now.
func resetPeakRSS() { _ = os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) }

// transferFile uploads a PDF of size bytes through the documents form and
// downloads it again, streaming both ways on the client too, and watches
// the memory around each.
func transferFile(ctx context.Context, m *Main, session string, size int) (up, down memoryWatch, err error) {
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }, Timeout: 5 * time.Minute}
	base := m.URL()
	up, err = watchMemory(func() error {
		pr, pw := io.Pipe()
		mw := multipart.NewWriter(pw)
		go func() {
			fw, err := mw.CreateFormFile("file", "large.pdf")
			if err == nil {
				_, err = io.Copy(fw, &pdfStream{left: size})
			}
			if err == nil {
				err = mw.Close()
			}
			pw.CloseWithError(err)
		}()
		req, err := http.NewRequestWithContext(ctx, "POST", base+"/circles/"+url.PathEscape(m.Demo.MemberCircleID)+"/documents/files", pr)
		if err != nil {
			return err
		}
		req.Header.Set("Content-Type", mw.FormDataContentType())
		req.Header.Set("Cookie", "rt_session="+session)
		req.Header.Set("Origin", base)
		resp, err := client.Do(req)
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		io.Copy(io.Discard, resp.Body)
		if resp.StatusCode != http.StatusSeeOther {
			return fmt.Errorf("upload answered %s", resp.Status)
		}
		return nil
	})
	if err != nil {
		return up, down, err
	}
	id, err := largestDocument(ctx, m)
	if err != nil {
		return up, down, err
	}
	down, err = watchMemory(func() error {
		req, err := http.NewRequestWithContext(ctx, "GET", base+"/documents/"+url.PathEscape(id), nil)
		if err != nil {
			return err
		}
		req.Header.Set("Cookie", "rt_session="+session)
		resp, err := client.Do(req)
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		n, err := io.Copy(io.Discard, resp.Body)
		switch {
		case err != nil:
			return err
		case resp.StatusCode != http.StatusOK:
			return fmt.Errorf("download answered %s", resp.Status)
		case n != int64(size):
			return fmt.Errorf("downloaded %d bytes, want %d", n, size)
		}
		return nil
	})
	return up, down, err
}

// largestDocument returns the member's circle's largest file.
func largestDocument(ctx context.Context, m *Main) (string, error) {
	user, err := sqldb.NewUserService(m.DB).FindUserByID(roundtable.NewSystemContext(ctx), m.Demo.Users[m.Demo.MemberEmail])
	if err != nil {
		return "", err
	}
	sh, err := sqldb.NewDocumentService(m.DB).FindDocumentShelf(roundtable.NewContextWithUser(ctx, user), m.Demo.MemberCircleID, 1)
	if err != nil {
		return "", err
	}
	var best *roundtable.Document
	for _, d := range sh.Documents {
		if best == nil || d.Size > best.Size {
			best = d
		}
	}
	if best == nil {
		return "", errors.New("the upload stored nothing")
	}
	return best.ID, nil
}

// pdfStream reads a PDF-looking stream of left bytes without holding it.
type pdfStream struct {
	left int
	sent bool
}

func (p *pdfStream) Read(b []byte) (int, error) {
	if p.left == 0 {
		return 0, io.EOF
	}
	n := min(len(b), p.left)
	for i := range b[:n] {
		b[i] = byte('a' + i%26)
	}
	if !p.sent {
		copy(b[:n], "%PDF-1.7\n")
		p.sent = true
	}
	p.left -= n
	return n, nil
}
