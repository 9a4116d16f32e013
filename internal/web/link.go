package web

import (
	"net/url"
	"strings"
)

// textPart is a piece of a line of text: a link when Href is set.
type textPart struct {
	Text string
	Href string
}

// linkParts cuts a line into text and links: each word that is a whole
// http or https address becomes a link. Nothing else does (no javascript:,
// no data:), and punctuation that ends a sentence stays outside the link.
func linkParts(line string) []textPart {
	var parts []textPart
	plain := func(s string) {
		if s == "" {
			return
		}
		if n := len(parts); n > 0 && parts[n-1].Href == "" {
			parts[n-1].Text += s
			return
		}
		parts = append(parts, textPart{Text: s})
	}
	for line != "" {
		i := strings.IndexAny(line, " \t")
		word, rest := line, ""
		if i >= 0 {
			word, rest = line[:i], line[i:]
		}
		// Leading blanks go as text.
		if word == "" {
			plain(line[:1])
			line = line[1:]
			continue
		}
		addr := strings.TrimRight(word, ".,;:!?)»”'\"")
		if href, ok := webAddress(addr); ok {
			parts = append(parts, textPart{Text: addr, Href: href})
			plain(word[len(addr):])
		} else {
			plain(word)
		}
		line = rest
	}
	return parts
}

// webAddress returns s as a link target when it is an http or https address
// with a host.
func webAddress(s string) (string, bool) {
	lower := strings.ToLower(s)
	if !strings.HasPrefix(lower, "http://") && !strings.HasPrefix(lower, "https://") {
		return "", false
	}
	// url.Parse lower-cases the scheme, so the prefix above settles it.
	u, err := url.Parse(s)
	if err != nil || u.Host == "" || u.User != nil {
		return "", false
	}
	return u.String(), true
}
