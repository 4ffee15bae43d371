#!/usr/bin/env bash
# The Debian package as a user gets it: builds it with scripts/release.sh (or takes GAMEDAY_DEB, a
# .deb built earlier in the same run), installs it with dpkg -i (apt-get install -f when a dependency
# is missing), then checks the installed gameday: --version, validate on the installed drills and game
# days, the completion scripts, the man page, the library it links, and a run of the storefront drill
# against a lab, from a directory outside the checkout. The lab is taken down and the package removed
# afterwards, whatever failed. Needs root and dpkg; skipped, with the reason, without them.
set -euo pipefail
cd "$(dirname "$0")/.."

skip() {
    echo "package-test: skipped: $*" >&2
    exit 0
}
[ "$(id -u)" -eq 0 ] || skip "needs root to install the package (dpkg -i)"
command -v dpkg >/dev/null 2>&1 || skip "no dpkg here: the package is for Debian"
if dpkg -s gameday >/dev/null 2>&1; then
    skip "a gameday package is installed on this machine already ($(dpkg-query -W -f='${Version}' gameday)); it is not this test's to replace"
fi

version=$(tr -d ' \n' <VERSION)
deb=${GAMEDAY_DEB:-}
if [ -z "$deb" ]; then
    scripts/release.sh
    deb="$PWD/dist/gameday_${version//-/\~}_$(dpkg --print-architecture).deb"
fi
deb=$(readlink -f "$deb")

work=$(mktemp -d /tmp/gameday-package-test.XXXXXX)
gameday=/usr/bin/gameday
installed=0
cleanup() {
    local code=$?
    if [ -f "$work/lab/lab.json" ] && [ -x "$gameday" ]; then
        "$gameday" lab down --run-dir "$work/lab" >/dev/null 2>&1 || true
    fi
    if [ "$installed" -eq 1 ] || dpkg -s gameday >/dev/null 2>&1; then
        if ! dpkg -r gameday >/dev/null; then
            echo "package-test: error: dpkg -r gameday failed; remove it by hand" >&2
            code=1
        fi
    fi
    rm -rf "$work"
    if [ "$code" -eq 0 ]; then
        echo "package-test: passed (installed, checked and removed $(basename "$deb"))" >&2
    else
        echo "package-test: FAILED (exit $code); the package and the lab were removed" >&2
    fi
    exit "$code"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
step() { echo "package-test: $*" >&2; }
fail() {
    echo "package-test: error: $*" >&2
    exit 1
}

# MARK: - Install

step "dpkg -i $(basename "$deb")"
installed=1
# Minimal images (debian:*-slim) tell dpkg to leave out /usr/share/doc and /usr/share/man; the test
# checks what the package holds, so it takes gameday's back in (later options win over dpkg.cfg.d).
include=(--path-include='/usr/share/doc/gameday/*' --path-include='/usr/share/man/man1/gameday.1.gz')
if ! dpkg -i "${include[@]}" "$deb"; then
    step "dependencies missing: apt-get install -f"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -f -y -qq >/dev/null
fi
grep -q '^Status: install ok installed' <<<"$(dpkg -s gameday 2>&1)" || fail "gameday is not installed after dpkg -i"

# MARK: - The installed files

line=$("$gameday" --version)
step "gameday --version: $line"
[[ $line =~ ^gameday\ ${version//./\\.}\ \((commit\ [0-9a-f]{7,}(,\ modified)?|unknown\ commit)\)$ ]] ||
    fail "--version says '$line', expected 'gameday $version (commit …)'"
if [ -d .git ] && [[ $line == *"unknown commit"* ]]; then
    fail "built from a git checkout, yet --version names no commit"
fi

libraries=$(ldd "$gameday")
if grep -Eq 'not found|libswift|libFoundation|libdispatch' <<<"$libraries"; then
    echo "$libraries" >&2
    fail "the installed binary needs a library the package does not bring, or the Swift runtime"
fi

step "validate the installed drills and game days"
shopt -s nullglob
drills=(/usr/share/doc/gameday/drills/*.yaml)
[ "${#drills[@]}" -eq "$(find drills -maxdepth 1 -name '*.yaml' | wc -l)" ] ||
    fail "${#drills[@]} drills under /usr/share/doc/gameday/drills, the checkout has $(find drills -name '*.yaml' | wc -l)"
"$gameday" validate "${drills[@]}" /usr/share/doc/gameday/gamedays/*.yaml >&2
for schema in schemas/*.json; do
    cmp -s "$schema" "/usr/share/gameday/schemas/$(basename "$schema")" || fail "/usr/share/gameday/$schema differs or is missing"
done
[ -s /usr/share/doc/gameday/copyright ] || fail "no /usr/share/doc/gameday/copyright"

step "completions"
bash -n /usr/share/bash-completion/completions/gameday
# Sourced, it registers the completion function for the command gameday.
bash -c 'source /usr/share/bash-completion/completions/gameday && complete -p gameday' >/dev/null ||
    fail "the bash completion script does not register 'complete … gameday'"
grep -q '^#compdef gameday' /usr/share/zsh/vendor-completions/_gameday || fail "_gameday is not a zsh completion"
grep -Eq "complete -c '?gameday'? " /usr/share/fish/vendor_completions.d/gameday.fish || fail "gameday.fish completes nothing"
if command -v zsh >/dev/null 2>&1; then zsh -n /usr/share/zsh/vendor-completions/_gameday; else step "zsh -n skipped: no zsh here"; fi
if command -v fish >/dev/null 2>&1; then fish -n /usr/share/fish/vendor_completions.d/gameday.fish; else step "fish -n skipped: no fish here"; fi

step "man -l the manual"
if ! command -v man >/dev/null 2>&1; then
    step "installing man-db to read it"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends man-db >/dev/null
fi
page=$(MANPAGER=cat MANWIDTH=100 man -l --pager=cat --warnings /usr/share/man/man1/gameday.1.gz 2>"$work/man.err") ||
    fail "man -l failed: $(cat "$work/man.err")"
for expected in NAME SYNOPSIS DESCRIPTION "EXIT STATUS" "--target" "--base-port" "--tied-to"; do
    grep -qF -- "$expected" <<<"$page" || fail "the man page has no '$expected'"
done
# troff drops a line it takes for an unknown macro, silently but for this warning.
if grep -E 'not defined|cannot' "$work/man.err" >&2; then fail "man -l warned of text it could not render"; fi

# MARK: - A drill through the installed binary

# From a directory of its own: the installed gameday needs nothing from the checkout.
cd "$work"
step "lab up (tied to this script, pid $$)"
"$gameday" lab up --run-dir "$work/lab" --base-port 0 --tied-to $$ >&2
step "run the installed storefront-strong-dependency drill against it"
code=0
"$gameday" run /usr/share/doc/gameday/drills/storefront-strong-dependency.yaml --target "$work/lab/target.yaml" \
    --output "$work/results" --state-dir "$work/state" >"$work/run.out" 2>"$work/run.err" || code=$?
if [ "$code" -ne 0 ] || ! grep -q 'storefront-strong-dependency against lab: PASS (exit 0)' "$work/run.out"; then
    cat "$work/run.out" "$work/run.err" >&2
    fail "the drill exited $code, expected a PASS"
fi
sed -n 1p "$work/run.out" >&2
"$gameday" lab down --run-dir "$work/lab" >&2
cd - >/dev/null

step "dpkg -r gameday"
installed=0
dpkg -r gameday >/dev/null
if dpkg -s gameday >/dev/null 2>&1 || [ -e "$gameday" ]; then fail "gameday is still installed after dpkg -r"; fi
