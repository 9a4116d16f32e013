package web

import "strings"

// browserName makes a short, readable name from a User-Agent header, like
// "Firefox on Windows", for the list of a person's sessions. It only has to
// help people recognise their own devices, so it knows the common browsers
// and systems and says "A browser" or leaves the system out otherwise.
func browserName(ua string) string {
	browser := ""
	for _, b := range []struct{ token, name string }{
		// Order matters: Edge, Opera and Samsung's browser also say Chrome,
		// and every browser on iOS says Safari.
		{"Edg/", "Edge"}, {"EdgiOS/", "Edge"}, {"EdgA/", "Edge"},
		{"OPR/", "Opera"}, {"SamsungBrowser/", "Samsung Internet"},
		{"Firefox/", "Firefox"}, {"FxiOS/", "Firefox"},
		{"CriOS/", "Chrome"}, {"Chromium/", "Chromium"}, {"Chrome/", "Chrome"},
		{"Safari/", "Safari"},
	} {
		if strings.Contains(ua, b.token) {
			browser = b.name
			break
		}
	}
	system := ""
	for _, s := range []struct{ token, name string }{
		{"iPhone", "iPhone"}, {"iPad", "iPad"}, {"Android", "Android"}, {"CrOS", "ChromeOS"},
		{"Windows", "Windows"}, {"Macintosh", "macOS"}, {"Mac OS X", "macOS"}, {"Linux", "Linux"},
	} {
		if strings.Contains(ua, s.token) {
			system = s.name
			break
		}
	}
	switch {
	case browser == "" && system == "":
		return "A browser"
	case browser == "":
		return "A browser on " + system
	case system == "":
		return browser
	}
	return browser + " on " + system
}
