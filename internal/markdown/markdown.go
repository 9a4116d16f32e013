// Package markdown turns what members write (Markdown) into HTML that is
// safe to show: goldmark renders it, without raw HTML, and bluemonday keeps
// only the elements and attributes user content may have, so scripts,
// iframes, event handlers and javascript: links come out harmless.
package markdown

import (
	"bytes"
	"html/template"
	"regexp"

	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/renderer/html"
	"github.com/yuin/goldmark/util"
)

// Renderer renders and sanitises Markdown. It is safe for concurrent use.
type Renderer struct {
	md     goldmark.Markdown
	policy *bluemonday.Policy
}

// New returns a renderer: CommonMark with tables, strikethrough, task lists
// and links made from bare addresses; line breaks kept as written.
func New() *Renderer {
	md := goldmark.New(
		goldmark.WithExtensions(extension.Table, extension.Strikethrough, extension.Linkify, extension.TaskList),
		// Raw HTML is dropped by goldmark already; bluemonday is the
		// second wall, in case a construct slips through.
		goldmark.WithRendererOptions(html.WithHardWraps(),
			renderer.WithNodeRenderers(util.Prioritized(imageLinks{}, 100))),
	)
	p := bluemonday.UGCPolicy()
	p.RequireNoReferrerOnLinks(true)
	p.AddTargetBlankToFullyQualifiedLinks(false)
	// Task lists' boxes, and nothing else an input could be.
	p.AllowAttrs("type").Matching(regexp.MustCompile(`^checkbox$`)).OnElements("input")
	p.AllowAttrs("checked", "disabled").OnElements("input")
	return &Renderer{md: md, policy: p}
}

// HTML renders src and returns sanitised HTML. Should rendering fail, the
// text is shown escaped, as written.
func (r *Renderer) HTML(src string) template.HTML {
	var b bytes.Buffer
	if err := r.md.Convert([]byte(src), &b); err != nil {
		return template.HTML("<p>" + template.HTMLEscapeString(src) + "</p>")
	}
	return template.HTML(r.policy.SanitizeBytes(b.Bytes()))
}

// imageLinks renders an image as a link to it, named by its alternative
// text: a circle's pages load nothing from elsewhere (the site's content
// policy would block it anyway), and an e-mail of a post tells no image
// host who read it, or when.
type imageLinks struct{}

// RegisterFuncs implements renderer.NodeRenderer.
func (imageLinks) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(ast.KindImage, func(w util.BufWriter, _ []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
		img := n.(*ast.Image)
		if !entering {
			w.WriteString("</a>")
			return ast.WalkContinue, nil
		}
		w.WriteString(`<a href="`)
		if !html.IsDangerousURL(img.Destination) {
			w.Write(util.EscapeHTML(util.URLEscape(img.Destination, true)))
		}
		w.WriteString(`">`)
		if !n.HasChildren() {
			w.WriteString("an image")
		}
		return ast.WalkContinue, nil
	})
}
