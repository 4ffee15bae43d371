#!/bin/sh
# Writes the Swift source that tells gameday its version and commit; the GameDayBuildInfo plugin runs
# it before every build (debug and release alike): build-info.sh PACKAGE_DIR OUTPUT_FILE.
# The version is VERSION's (the one source of truth, also for scripts/release.sh); the commit is git's
# HEAD, with ", modified" when tracked files differ from it; outside a git checkout (a source tarball)
# there is no commit and gameday says "unknown commit". The file is rewritten only when its text
# changes, so a build at the same commit recompiles nothing.
set -eu
package=$1
output=$2

version=$(tr -d ' \n' <"$package/VERSION")
if ! printf '%s' "$version" | grep -Eq '^[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.]+)?$'; then
    echo "$package/VERSION: error: '$version' is not a version such as 1.2.3 or 1.2.3-rc.1" >&2
    exit 1
fi

commit=nil
if command -v git >/dev/null 2>&1; then
    # Never take git's index lock (another git command may be running in this checkout), and answer
    # for a checkout owned by another user (CI building a clone as root).
    git_here() { git -C "$package" -c safe.directory='*' --no-optional-locks "$@"; }
    top=$(git_here rev-parse --show-toplevel 2>/dev/null || true)
    # Only this package's own repository: an unpacked tarball inside another checkout has no commit.
    if [ -n "$top" ] && [ "$(cd "$top" && pwd -P)" = "$(cd "$package" && pwd -P)" ]; then
        if hash=$(git_here rev-parse --short=7 HEAD 2>/dev/null); then
            if git_here diff --quiet HEAD -- 2>/dev/null; then
                commit="\"$hash\""
            else
                commit="\"$hash, modified\""
            fi
        fi
    fi
fi

mkdir -p "$(dirname "$output")"
text="// Written by scripts/build-info.sh before every build (the GameDayBuildInfo plugin); not in git.
enum BuildInfo {
    /// The version, from VERSION.
    static let version = \"$version\"
    /// The commit built, abbreviated; \", modified\" when the tree differed from it; nil outside git.
    static let commit: String? = $commit
}"
if [ -f "$output" ] && [ "$(cat "$output")" = "$text" ]; then
    exit 0
fi
printf '%s\n' "$text" >"$output.tmp"
mv "$output.tmp" "$output"
