package live

import (
	"bytes"
	"errors"
	"net/http"
	"strconv"
	"time"
)

// writeTimeout bounds one write to a screen, so a client that stopped
// reading cannot hold its handler for ever; the hub never waits for it anyway.
const writeTimeout = 15 * time.Second

// heartbeatComment is what ServeSSE writes on an idle stream.
var heartbeatComment = []byte(": heartbeat\n\n")

// ServeSSE streams sub's frames to the client as Server-Sent Events until the
// client goes, the request's context ends or the screen is closed; it does not
// close sub. Each frame is one event whose id is the frame's version and whose
// data is the frame's bytes. The first event is always the whole current frame,
// so a browser reconnecting (with a Last-Event-ID or without) is brought up to
// date without more ado. Comments every Hub.Heartbeat keep proxies from
// closing an idle stream. It returns nil when the stream ends normally and the
// write error otherwise.
func ServeSSE(w http.ResponseWriter, r *http.Request, sub *Sub) error {
	rc := http.NewResponseController(w)
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-cache")
	h.Set("X-Accel-Buffering", "no") // nginx would otherwise hold events back
	w.WriteHeader(http.StatusOK)
	// Without a write deadline left behind, a reused connection keeps working.
	defer rc.SetWriteDeadline(time.Time{})

	retry := cmpDuration(sub.hub.Retry, 2*time.Second)
	if err := send(w, rc, []byte("retry: "+strconv.FormatInt(retry.Milliseconds(), 10)+"\n\n")); err != nil {
		return err
	}
	heartbeat := time.NewTicker(cmpDuration(sub.hub.Heartbeat, 20*time.Second))
	defer heartbeat.Stop()
	// last is the version of the frame this stream wrote last, -1 before the
	// first: only a stream that wrote a frame's Base may get its delta.
	last := int64(-1)
	for {
		select {
		case <-r.Context().Done():
			return nil
		case f, ok := <-sub.Frames():
			if !ok {
				return nil
			}
			// Frames reach a screen only through the hub, which encoded
			// both events already.
			ev := f.event
			if f.Delta != nil && last >= 0 && f.Base == last {
				ev = f.deltaEvent
			}
			if err := send(w, rc, ev); err != nil {
				return err
			}
			last = f.Version
		case <-heartbeat.C:
			if err := send(w, rc, heartbeatComment); err != nil {
				return err
			}
		}
	}
}

// send writes b and flushes it to the client.
func send(w http.ResponseWriter, rc *http.ResponseController, b []byte) error {
	if err := rc.SetWriteDeadline(time.Now().Add(writeTimeout)); err != nil && !errors.Is(err, http.ErrNotSupported) {
		return err
	}
	if _, err := w.Write(b); err != nil {
		return err
	}
	return rc.Flush()
}

// encodeEvent encodes a frame's data as one event: its version as the id and
// each line of data as a data line. CR and CRLF end lines too in an event stream, so
// they become LF first; the browser joins the data lines with LF again.
func encodeEvent(version int64, data []byte) []byte {
	if bytes.IndexByte(data, '\r') >= 0 {
		data = bytes.ReplaceAll(data, []byte("\r\n"), []byte("\n"))
		data = bytes.ReplaceAll(data, []byte("\r"), []byte("\n"))
	}
	lines := bytes.Count(data, []byte("\n")) + 1
	b := make([]byte, 0, len(data)+lines*len("data: \n")+32)
	b = append(b, "id: "...)
	b = strconv.AppendInt(b, version, 10)
	b = append(b, '\n')
	for {
		line, rest, more := bytes.Cut(data, []byte("\n"))
		b = append(b, "data: "...)
		b = append(b, line...)
		b = append(b, '\n')
		if !more {
			break
		}
		data = rest
	}
	return append(b, '\n')
}
