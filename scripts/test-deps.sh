#!/usr/bin/env bash
# test-deps.sh installs what the test suite needs when it is missing:
# Debian's Chromium for the browser test, and the npm packages under tools/
# that the browser test loads into pages. It is safe to run again: it only
# acts on what is missing. It downloads nothing else.
set -euo pipefail
cd "$(dirname "$0")/.."

sudo=""
if [ "$(id -u)" -ne 0 ]; then
	sudo="sudo"
fi

apt_updated=""
apt_install() {
	if ! command -v apt-get >/dev/null 2>&1; then
		echo "test-deps: $* is missing and this system has no apt-get; install it by hand." >&2
		exit 1
	fi
	if [ -z "$apt_updated" ]; then
		$sudo apt-get update
		apt_updated=1
	fi
	$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$@"
}

# The browser test drives Debian's Chromium at /usr/bin/chromium.
if [ ! -x /usr/bin/chromium ]; then
	echo "test-deps: installing chromium (Debian package) for the browser test"
	apt_install chromium
fi

# npm packages of the test tools (e.g. axe-core for accessibility checks),
# installed exactly as locked.
for pkg in tools/*/package.json; do
	[ -e "$pkg" ] || continue
	dir=$(dirname "$pkg")
	if [ -d "$dir/node_modules" ] && [ ! "$dir/package-lock.json" -nt "$dir/node_modules/.package-lock.json" ]; then
		continue
	fi
	if ! command -v npm >/dev/null 2>&1; then
		echo "test-deps: installing nodejs and npm (Debian packages) for $dir"
		apt_install nodejs npm
	fi
	echo "test-deps: installing npm packages in $dir"
	npm ci --prefix "$dir" --no-audit --no-fund
done

# The store tests also run on PostgreSQL at 127.0.0.1:5432 (or
# ROUNDTABLE_TEST_POSTGRES_URL). Say so early when it does not answer; with
# CI=true the tests fail without it, so try to start a local cluster there.
if command -v pg_isready >/dev/null 2>&1 && [ -z "${ROUNDTABLE_TEST_POSTGRES_URL:-}" ]; then
	if ! pg_isready -q -h 127.0.0.1 -p 5432; then
		if [ "${CI:-}" = "true" ] && command -v pg_ctlcluster >/dev/null 2>&1; then
			echo "test-deps: PostgreSQL does not answer; starting the local cluster"
			for version in /etc/postgresql/*/; do
				$sudo pg_ctlcluster --skip-systemctl-redirect "$(basename "$version")" main start || true
			done
		else
			echo "test-deps: PostgreSQL does not answer at 127.0.0.1:5432; the PostgreSQL store suite will be skipped." >&2
		fi
	fi
fi
