package markdown

import (
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// xssPayloads are well-known attacks on pages that show user HTML or
// Markdown (from the OWASP XSS filter evasion cheat sheet and Markdown
// renderers' advisories).
var xssPayloads = []string{
	`<script>alert(1)</script>`,
	`<SCRIPT SRC=https://evil.example/xss.js></SCRIPT>`,
	`<img src=x onerror=alert(1)>`,
	`<IMG SRC="javascript:alert('XSS');">`,
	`<IMG SRC=JaVaScRiPt:alert('XSS')>`,
	`<svg onload=alert(1)>`,
	`<svg><script>alert(1)</script></svg>`,
	`<iframe src="https://evil.example"></iframe>`,
	`<iframe srcdoc="<script>alert(1)</script>"></iframe>`,
	`<body onload=alert(1)>`,
	`<a href="javascript:alert(1)">click</a>`,
	`<a href="JAVASCRIPT:alert(1)">click</a>`,
	`<div style="background:url(javascript:alert(1))">x</div>`,
	`<object data="javascript:alert(1)"></object>`,
	`<embed src="javascript:alert(1)">`,
	`<form action="javascript:alert(1)"><button>go</button></form>`,
	`<meta http-equiv="refresh" content="0;url=javascript:alert(1)">`,
	`<link rel=stylesheet href="javascript:alert(1)">`,
	`<base href="javascript:alert(1)//">`,
	`<details open ontoggle=alert(1)>`,
	`<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>`,
	`<style>@import 'javascript:alert(1)';</style>`,
	"[click](javascript:alert(1))",
	"[click](JaVaScRiPt:alert(1))",
	"[click](javascript&#58;alert(1))",
	"[click](&#106;avascript:alert(1))",
	"[click](vbscript:msgbox(1))",
	"[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
	"[click]( javascript:alert(1) )",
	"[click](<javascript:alert(1)>)",
	"![x](javascript:alert(1))",
	`![x](x" onerror="alert(1))`,
	"[a](https://ok.example \"title\" onmouseover=alert(1))",
	"[ref]\n\n[ref]: javascript:alert(1)",
	"<javascript:alert(1)>",
	"`<script>alert(1)</script>`",
	"```html\n<script>alert(1)</script>\n```",
	"> <script>alert(1)</script>",
	"* <img src=x onerror=alert(1)>",
	"| a |\n|---|\n| <script>alert(1)</script> |",
	`<<script>script>alert(1)<</script>/script>`,
	`<scr<script>ipt>alert(1)</scr</script>ipt>`,
	"<a href=\"&#x6A;&#x61;&#x76;&#x61;&#x73;&#x63;&#x72;&#x69;&#x70;&#x74;&#x3A;alert(1)\">x</a>",
	`"><script>alert(1)</script>`,
	`'><img src=x onerror=alert(1)>`,
}

// harmful returns what makes rendered HTML unsafe, or "": an element
// that runs script, embeds a page or restyles it, an event handler, or a
// script-bearing URL. It reads the HTML as a browser would, so text that
// merely looks like an attack (escaped) passes.
func harmful(s string) string {
	z := html.NewTokenizer(strings.NewReader(s))
	for {
		switch z.Next() {
		case html.ErrorToken:
			return ""
		case html.StartTagToken, html.SelfClosingTagToken:
			tok := z.Token()
			switch tok.Data {
			case "script", "iframe", "frame", "object", "embed", "svg", "math", "style", "base", "link", "meta", "form", "body", "details", "button", "textarea", "select":
				return "element " + tok.Data
			}
			for _, a := range tok.Attr {
				if strings.HasPrefix(strings.ToLower(a.Key), "on") || a.Key == "style" || a.Key == "srcdoc" {
					return "attribute " + a.Key
				}
				v := strings.ToLower(strings.Map(func(r rune) rune {
					if r <= ' ' {
						return -1
					}
					return r
				}, a.Val))
				for _, scheme := range []string{"javascript:", "vbscript:", "data:"} {
					if strings.HasPrefix(v, scheme) {
						return a.Key + "=" + a.Val
					}
				}
			}
		}
	}
}

func TestRenderer_HTML_XSS(t *testing.T) {
	for _, p := range []string{`<script>x</script>`, `<img src=x onerror=alert(1)>`, `<a href=" JavaScript:alert(1)">x</a>`} {
		if harmful(p) == "" {
			t.Fatalf("the check passes %q: it would prove nothing", p)
		}
	}
	r := New()
	for _, p := range xssPayloads {
		got := string(r.HTML(p))
		if why := harmful(got); why != "" {
			t.Errorf("payload %q: got %q with %s, want it harmless", p, got, why)
		}
	}
}

func TestRenderer_HTML_Markdown(t *testing.T) {
	r := New()
	if got := string(r.HTML("![x](https://img.example/c.png)")); strings.Contains(got, "<img") {
		t.Errorf("got %q, want no image loaded from elsewhere", got)
	}
	for _, c := range []struct{ in, want string }{
		{"**bold** and *it*", "<strong>bold</strong> and <em>it</em>"},
		{"- one\n- two", "<li>one</li>"},
		{"[site](https://example.org)", `<a href="https://example.org" rel="nofollow noreferrer">site</a>`},
		{"line one\nline two", "line one<br>"},
		{"~~gone~~", "<del>gone</del>"},
		{"- [x] done", `<input checked="" disabled="" type="checkbox"`},
		{"`<b>`", "<code>&lt;b&gt;</code>"},
		{"![our chart](https://img.example/c.png)", `<a href="https://img.example/c.png" rel="nofollow noreferrer">our chart</a>`},
		{"![](https://img.example/c.png)", `>an image</a>`},
	} {
		if got := string(r.HTML(c.in)); !strings.Contains(got, c.want) {
			t.Errorf("%q: got %q, want it to contain %q", c.in, got, c.want)
		}
	}
}
