#!/usr/bin/env bash
# Builds what a release ships, into dist/:
#   dist/gameday                          the binary, with the Swift runtime linked in: a machine runs
#                                         it with no Swift installed, given the system libraries it names
#   dist/gameday_<version>_<arch>.deb     the Debian package: the binary as /usr/bin/gameday, its bash,
#                                         zsh and fish completions, its man page, the JSON Schemas, and
#                                         the drills, game days and examples as documentation
# and prints what the binary still links dynamically, and why. The version is the VERSION file's (the
# same one `gameday --version` reports); the binary names the commit it was built from.
# Run as root or not (the package's files are owned by root either way); needs only Debian's dpkg-deb.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh

version=$(tr -d ' \n' <VERSION)
# Debian orders 1.2.3~rc.1 before 1.2.3, as semantic versioning orders 1.2.3-rc.1.
deb_version=${version//-/\~}
arch=$(dpkg --print-architecture)
deb="dist/gameday_${deb_version}_${arch}.deb"
log() { echo "release: $*" >&2; }

# MARK: - The binary

# --static-swift-stdlib links the Swift runtime, Foundation, Dispatch and ICU into the binary; only
# the system's C libraries stay dynamic, and apt brings them (the package's Depends). Not
# --static-executable: a static glibc loses getaddrinfo's NSS (DNS as the host configures it), and
# Debian ships no static archive of libcurl's own dependencies (nghttp2, GSSAPI, LDAP) nor of
# libnfnetlink, so that link cannot be made from Debian's packages.
log "building the release binary (swift build -c release --static-swift-stdlib; minutes on a cold build)"
swift build -c release --product gameday --static-swift-stdlib
built="$(swift build -c release --show-bin-path)/gameday"
mkdir -p dist
rm -f dist/gameday dist/gameday_*.deb
# The debug info only: the symbol table stays, so a crash's backtrace still names its functions.
strip --strip-debug -o dist/gameday "$built"
binary=dist/gameday
log "$("$binary" --version), $(du -h "$binary" | cut -f1)"

# MARK: - What it links dynamically

# The package (Debian's) that holds a library ldd found; usr-merged paths are tried both ways.
owner() {
    local path=$1 candidate
    for candidate in "$path" "$(readlink -f "$path")" "/usr$path" "${path#/usr}"; do
        dpkg -S "$candidate" 2>/dev/null | sed -n '1s/:.*//p' | grep . && return 0
    done
    return 1
}
# The dependency the package's own shlibs file declares for that library (e.g. libcurl4 (>= 7.88.1)).
shlibs_dependency() {
    local package=$1 library=$2 name soname file
    name=${library%%.so.*}
    soname=${library##*.so.}
    for file in "/var/lib/dpkg/info/$package:$arch.shlibs" "/var/lib/dpkg/info/$package.shlibs"; do
        [ -f "$file" ] || continue
        awk -v n="$name" -v s="$soname" '$1 == n && $2 == s { $1 = ""; $2 = ""; sub(/^ +/, ""); print; exit }' "$file" |
            grep . && return 0
    done
    echo "$package"
}
why() {
    case $1 in
    libcurl.so.*) echo "HTTP: probes, the cut-over request, webhooks, Prometheus queries (the CCurl shim)" ;;
    libsqlite3.so.*) echo "the lab's order service (each unit's orders.db)" ;;
    libnetfilter_queue.so.*) echo "the latency fault's nfqueue delayer (gameday delayer)" ;;
    libnfnetlink.so.*) echo "netlink under libnetfilter_queue (the delayer)" ;;
    libstdc++.so.*) echo "the C++ parts of the Swift runtime and ICU linked in" ;;
    libgcc_s.so.*) echo "stack unwinding for the Swift runtime" ;;
    libm.so.*) echo "the C math library (Foundation, histograms)" ;;
    libz.so.*) echo "compression (Foundation)" ;;
    libc.so.* | libdl.so.* | libpthread.so.* | librt.so.* | libutil.so.*) echo "the C library (glibc)" ;;
    ld-linux*) echo "the dynamic loader (glibc)" ;;
    *) echo "(not expected: see who needs it with ldd -v)" ;;
    esac
}

mapfile -t needed < <(readelf -d "$binary" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p')
ldd_output=$(ldd "$binary")
depends=()
missing=0
echo "release: $binary links dynamically (readelf -d: NEEDED; ldd: where; dpkg -S: which package):"
for library in "${needed[@]}"; do
    path=$(awk -v l="$library" '$1 == l { print ($3 ~ /^\//) ? $3 : $1 }' <<<"$ldd_output")
    case $library in ld-linux*) path=$(awk -v l="$library" '$1 ~ l { print $1 }' <<<"$ldd_output") ;; esac
    if [ -z "$path" ] || [ "${path#/}" = "$path" ] || ! package=$(owner "$path"); then
        printf '  %-26s %s\n' "$library" "NOT FROM A DEBIAN PACKAGE (${path:-not found})"
        missing=1
        continue
    fi
    printf '  %-26s %-20s %s\n' "$library" "$package" "$(why "$library")"
    depends+=("$(shlibs_dependency "$package" "$library")")
done
if [ "$missing" -ne 0 ]; then
    log "error: the binary needs a library no Debian package provides (the Swift runtime linked dynamically?)"
    exit 1
fi
echo "release: ldd: $(grep -c '=>' <<<"$ldd_output") libraries in all, none of them Swift's"

# MARK: - The package's files

staging=.build/package
root="$staging/gameday_${deb_version}_${arch}"
rm -rf "$staging"
mkdir -p "$root/DEBIAN" "$root/usr/bin" "$root/usr/share/man/man1" "$root/usr/share/gameday" \
    "$root/usr/share/doc/gameday" "$root/usr/share/bash-completion/completions" \
    "$root/usr/share/zsh/vendor-completions" "$root/usr/share/fish/vendor_completions.d"
install -m 0755 "$binary" "$root/usr/bin/gameday"

# Completions, generated by the binary itself (swift-argument-parser), so they match its commands.
"$binary" --generate-completion-script bash >"$root/usr/share/bash-completion/completions/gameday"
"$binary" --generate-completion-script zsh >"$root/usr/share/zsh/vendor-completions/_gameday"
"$binary" --generate-completion-script fish >"$root/usr/share/fish/vendor_completions.d/gameday.fish"

# The man page: swift-argument-parser's generate-manual plugin, from the commands' own help (the
# binary's --experimental-dump-help), so there is no second copy to drift. The plugin builds the
# package first; in the debug configuration, which `swift build` and the test run have built already,
# so it costs no second release build, and the help text is the same source's.
manual_date=$(git -c safe.directory='*' log -1 --format=%cs 2>/dev/null || date -u +%F)
log "writing the man page (swift package plugin generate-manual)"
find .build/plugins -name gameday.1 -delete 2>/dev/null || true
swift package plugin generate-manual --configuration debug --date "$manual_date" >&2
manual=$(find .build/plugins -name gameday.1 -print -quit)
[ -n "$manual" ] || {
    log "error: generate-manual wrote no gameday.1 under .build/plugins"
    exit 1
}
# generate-manual copies help text into the page as is: a line that starts with an apostrophe ('lab up'
# writes …) is a control line to troff, and vanishes. \& before it keeps it text.
sed "s/^'/\\\\\&'/" "$manual" | gzip -9 -n >"$root/usr/share/man/man1/gameday.1.gz"

cp -R schemas "$root/usr/share/gameday/schemas"
doc="$root/usr/share/doc/gameday"
cp -R drills gamedays examples README.md CHANGELOG.md "$doc/"
# gamedays/ name their drills as ../drills/…: the same layout keeps them runnable where installed.

# The copyright file: gameday's, then the license of everything linked into the binary (the Swift
# runtime and each Swift package whose modules the link took), read from the sources built.
{
    echo "gameday $version"
    echo
    echo "Copyright: the gameday authors."
    echo
    echo "/usr/bin/gameday has these linked in statically, each under the license that follows its name:"
    swift_root=$(dirname "$(dirname "$(readlink -f "$(command -v swift)")")")
    echo
    echo "==> the Swift runtime, Foundation and Dispatch ($(swift --version 2>/dev/null | sed -n 1p))"
    cat "$swift_root/share/swift/LICENSE.txt"
    link_list="$(dirname "$built")/gameday.product/Objects.LinkFileList"
    for checkout in .build/checkouts/*/; do
        checkout=${checkout%/}
        linked=0
        for module in "$checkout"/Sources/*/; do
            module=$(basename "$module")
            if grep -q "/$module.build/" "$link_list"; then
                linked=1
                break
            fi
        done
        [ "$linked" -eq 1 ] || continue
        license=$(find "$checkout" -maxdepth 1 -iname 'LICENSE*' -print -quit)
        tag=$(git -c safe.directory='*' -C "$checkout" describe --tags --exact-match 2>/dev/null || echo "?")
        echo
        echo "==> $(basename "$checkout") $tag"
        if [ -n "$license" ]; then cat "$license"; else echo "(no license file in its source)"; fi
    done
} >"$doc/copyright"

chmod -R u=rwX,go=rX "$root/usr"
chmod 0755 "$root/usr/bin/gameday"

# MARK: - The control file

mapfile -t library_depends < <(printf '%s\n' "${depends[@]}" | sort -u)
library_line=$(
    IFS=,
    echo "${library_depends[*]}"
)
# The faults' own tools: nft or iptables for port blocks, ip and tc for namespaces and traffic
# control, kill and pkill for processes, setpriv and nsenter for the lab's namespaces and the stand-ins.
tool_depends="nftables | iptables, iproute2, procps, util-linux"
cat >"$root/DEBIAN/control" <<EOF
Package: gameday
Version: $deb_version
Architecture: $arch
Maintainer: gameday maintainers <gameday@localhost>
Installed-Size: $(du -sk "$root/usr" | cut -f1)
Depends: ${library_line//,/, }, $tool_depends
Suggests: openssh-client, bash-completion, prometheus, prometheus-pushgateway, qemu-system-x86, busybox-static
Section: admin
Priority: optional
Description: rehearse a data-center (unit) failure and measure the cut-over
 gameday runs drills against a multi-unit (multi-active, multi-site) system:
 it injects a fault into one unit (killed or paused processes, blocked ports,
 latency, proxy toxics), asks the control plane to cut the unit's users over,
 and proves with numbers that they are back within the RTO while nobody else
 noticed; every fault is reverted, also after Ctrl-C or a killed run.
 .
 It ships a reference lab (gameday lab up) to rehearse on, ready drills and
 game days under /usr/share/doc/gameday, and JSON Schemas for its files and
 results under /usr/share/gameday/schemas.
 .
 Faults on remote hosts go through ssh (openssh-client); faults in Kubernetes
 pods through kubectl, which is not in Debian (install it from the Kubernetes
 project's own repository). lab up --prometheus runs prometheus and
 prometheus-pushgateway; the tc netem tests of a source checkout boot a VM
 with qemu-system-x86 and busybox-static.
EOF

# MARK: - The .deb

dpkg-deb --root-owner-group -Zxz --build "$root" "$deb" >&2
echo "release: $binary ($("$binary" --version))"
echo "release: $deb, $(du -h "$deb" | cut -f1): Depends: $(dpkg-deb -f "$deb" Depends)"
