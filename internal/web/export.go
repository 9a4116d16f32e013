package web

import (
	"archive/zip"
	_ "embed"
	"encoding/json"
	"fmt"
	"html/template"
	"net/http"
	"time"

	"github.com/roundtable/roundtable"
)

// exportCopyText is the readable copy in a person's download: one
// self-contained page, its style inline, nothing fetched from anywhere.
//
//go:embed export_copy.html
var exportCopyText string

var exportCopy = template.Must(template.New("export").Funcs(template.FuncMap{
	"when": func(loc *time.Location, t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.In(loc).Format("Mon 2 Jan 2006, 15:04")
	},
	"whenp": func(loc *time.Location, t *time.Time) string {
		if t == nil {
			return ""
		}
		return t.In(loc).Format("Mon 2 Jan 2006, 15:04")
	},
}).Parse(exportCopyText))

// exportData is what the readable copy shows.
type exportData struct {
	*roundtable.DataExport
	Loc  *time.Location
	Zone string
}

// handleExport sends the signed-in person her data: a zip of a JSON file and
// a readable HTML copy, written to the response as it is made. The data is
// gathered first, so a failure shows an error page rather than a broken
// file.
func (s *Server) handleExport(w http.ResponseWriter, r *http.Request) error {
	u, err := requireUser(r)
	if err != nil {
		return err
	}
	data, err := s.svc.Export.ExportMyData(r.Context())
	if err != nil {
		return fmt.Errorf("export data: %w", err)
	}
	name := "roundtable-data-" + data.ExportedAt.In(u.Location()).Format(roundtable.DateLayout)
	w.Header().Set("Content-Type", "application/zip")
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`.zip"`)
	w.Header().Set("Cache-Control", "no-store")
	zw := zip.NewWriter(w)
	if err := writeExport(zw, name, data, u); err != nil {
		// The headers are out: the download stops short, and the log says why.
		s.log.Error("write data export", "err", err)
		return nil
	}
	if err := zw.Close(); err != nil {
		s.log.Error("finish data export", "err", err)
	}
	return nil
}

// writeExport writes the two files of the download into zw.
func writeExport(zw *zip.Writer, name string, data *roundtable.DataExport, u *roundtable.User) error {
	mod := data.ExportedAt
	jw, err := zw.CreateHeader(&zip.FileHeader{Name: name + "/data.json", Method: zip.Deflate, Modified: mod})
	if err != nil {
		return err
	}
	enc := json.NewEncoder(jw)
	enc.SetIndent("", "  ")
	if err := enc.Encode(data); err != nil {
		return err
	}
	hw, err := zw.CreateHeader(&zip.FileHeader{Name: name + "/data.html", Method: zip.Deflate, Modified: mod})
	if err != nil {
		return err
	}
	loc := u.Location()
	return exportCopy.Execute(hw, exportData{DataExport: data, Loc: loc, Zone: loc.String()})
}
