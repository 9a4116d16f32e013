package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"testing"
)

func envFunc(env map[string]string) func(string) string {
	return func(k string) string { return env[k] }
}

func TestParseConfig(t *testing.T) {
	for _, tc := range []struct {
		name string
		env  map[string]string
		args []string
		want func(c Config) string // "" when fine, else what is wrong
	}{
		{"Defaults", nil, nil, func(c Config) string {
			if c.Addr != ":8080" || c.DatabaseURL != "sqlite:./roundtable-data/roundtable.db" || c.BaseURL != "" || c.SMTPTLS != "starttls" || c.LogLevel != "info" {
				return "unexpected defaults"
			}
			return ""
		}},
		{"Env", map[string]string{
			"ROUNDTABLE_ADDR": ":9090", "ROUNDTABLE_DATABASE_URL": "postgres://db/rt", "ROUNDTABLE_BASE_URL": "https://circles.example.org",
			"ROUNDTABLE_SMTP_HOST": "smtp.example.org", "ROUNDTABLE_SMTP_PORT": "2525", "ROUNDTABLE_SMTP_USERNAME": "u",
			"ROUNDTABLE_SMTP_PASSWORD": "p", "ROUNDTABLE_SMTP_FROM": "circles@example.org", "ROUNDTABLE_SMTP_TLS": "tls",
			"ROUNDTABLE_LOG_LEVEL": "debug", "ROUNDTABLE_MAIL_DIR": "/tmp/out", "ROUNDTABLE_TRUSTED_PROXIES": "10.0.0.0/8, fd00::/8",
			"ROUNDTABLE_AUDIT_DAYS": "90",
		}, nil, func(c Config) string {
			want := Config{Addr: ":9090", DatabaseURL: "postgres://db/rt", BaseURL: "https://circles.example.org", MailDir: "/tmp/out", LogLevel: "debug",
				TrustedProxies: "10.0.0.0/8, fd00::/8", AuditDays: 90,
				SMTPHost: "smtp.example.org", SMTPPort: 2525, SMTPUsername: "u", SMTPPassword: "p", SMTPFrom: "circles@example.org", SMTPTLS: "tls"}
			if c != want {
				return "environment not applied"
			}
			return ""
		}},
		{"FlagWinsOverEnv", map[string]string{"ROUNDTABLE_ADDR": ":9090", "ROUNDTABLE_SMTP_PORT": "2525"},
			[]string{"--addr", "127.0.0.1:7000", "-smtp-port=465"}, func(c Config) string {
				if c.Addr != "127.0.0.1:7000" || c.SMTPPort != 465 {
					return "flag did not win: " + c.Addr
				}
				return ""
			}},
		{"DocumentQuota", map[string]string{"ROUNDTABLE_DOCUMENT_QUOTA_MB": "50"}, nil, func(c Config) string {
			if c.DocumentQuotaMB != 50 {
				return "document quota not applied"
			}
			return ""
		}},
		{"SQLitePath", nil, []string{"--database-url", "sqlite:/var/lib/roundtable/rt.db"}, func(c Config) string {
			if c.DatabaseURL != "sqlite:/var/lib/roundtable/rt.db" {
				return c.DatabaseURL
			}
			return ""
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := parseConfig(newFlagSet("serve", stdio{Err: io.Discard}), tc.args, envFunc(tc.env))
			if err != nil {
				t.Fatalf("parseConfig: %v", err)
			}
			if msg := tc.want(c); msg != "" {
				t.Errorf("%s: %+v", msg, c)
			}
		})
	}
}

func TestParseConfig_Errors(t *testing.T) {
	for _, tc := range []struct {
		name   string
		env    map[string]string
		args   []string
		wantIn string
	}{
		{"UnknownFlag", nil, []string{"--colour", "blue"}, "flag provided but not defined"},
		{"Argument", nil, []string{"now"}, `unexpected argument "now"`},
		{"BadAddr", nil, []string{"--addr", "8080"}, "--addr"},
		{"BadEnvPort", map[string]string{"ROUNDTABLE_SMTP_PORT": "many"}, nil, "ROUNDTABLE_SMTP_PORT"},
		{"BadFlagPort", nil, []string{"--smtp-port", "many"}, "smtp-port"},
		{"BadLogLevel", nil, []string{"--log-level", "loud"}, "--log-level"},
		{"BadBaseURL", nil, []string{"--base-url", "circles.example.org"}, "--base-url"},
		{"BadTLS", nil, []string{"--smtp-host", "smtp.example.org", "--smtp-from", "a@example.org", "--smtp-tls", "ssl"}, "TLS mode"},
		{"SMTPWithoutFrom", nil, []string{"--smtp-host", "smtp.example.org"}, "sender"},
		{"EmptyDatabase", map[string]string{}, []string{"--database-url", ""}, "--database-url"},
		{"BadTrustedProxy", nil, []string{"--trusted-proxies", "10.0.0.0/8,10.1.0.0/33"}, `--trusted-proxies: "10.1.0.0/33" is not a CIDR`},
		{"BadAuditDaysEnv", map[string]string{"ROUNDTABLE_AUDIT_DAYS": "a year"}, nil, "ROUNDTABLE_AUDIT_DAYS"},
		{"NegativeAuditDays", nil, []string{"--audit-days", "-5"}, "--audit-days"},
		{"BadTrustedProxyEnv", map[string]string{"ROUNDTABLE_TRUSTED_PROXIES": "proxy.internal"}, nil, `"proxy.internal"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := parseConfig(newFlagSet("serve", stdio{Err: io.Discard}), tc.args, envFunc(tc.env))
			if err == nil {
				t.Fatal("got no error, want one")
			}
			if !errors.As(err, new(usageError)) {
				t.Errorf("got %T, want a usageError", err)
			}
			if !strings.Contains(err.Error(), tc.wantIn) {
				t.Errorf("error: got %q, want it to contain %q", err, tc.wantIn)
			}
		})
	}
}

func TestConfig_TrustedProxies(t *testing.T) {
	for in, want := range map[string]string{
		"":                                    "[]",
		"10.0.0.0/8":                          "[10.0.0.0/8]",
		" 10.0.0.0/8 , 192.168.1.7 ,fd00::/8": "[10.0.0.0/8 192.168.1.7/32 fd00::/8]",
		"172.16.5.9/12,2001:db8::1":           "[172.16.0.0/12 2001:db8::1/128]",
	} {
		c, err := parseConfig(newFlagSet("serve", stdio{Err: io.Discard}), []string{"--trusted-proxies", in}, envFunc(nil))
		if err != nil {
			t.Fatalf("%q: %v", in, err)
		}
		got, err := c.trustedProxies()
		if err != nil {
			t.Fatalf("%q: %v", in, err)
		}
		if s := fmt.Sprint(got); s != want {
			t.Errorf("%q: got %s, want %s", in, s, want)
		}
	}
}

func TestParseConfig_Help(t *testing.T) {
	var out strings.Builder
	_, err := parseConfig(newFlagSet("serve", stdio{Err: &out}), []string{"-h"}, envFunc(nil))
	if !errors.Is(err, flag.ErrHelp) {
		t.Fatalf("got %v, want flag.ErrHelp", err)
	}
	for _, want := range []string{"-addr", "ROUNDTABLE_ADDR", "-database-url", "-smtp-password", "ROUNDTABLE_SMTP_TLS", "ROUNDTABLE_TRUSTED_PROXIES"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("help does not mention %s:\n%s", want, out.String())
		}
	}
}
