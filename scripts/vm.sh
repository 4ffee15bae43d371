#!/usr/bin/env bash
# Runs a command on a real Debian kernel booted in QEMU, for what this machine's kernel lacks
# (sch_netem, sch_prio): the tc netem path is tested there.
#
#   scripts/vm.sh prepare                 install qemu-system-x86 and busybox-static, download Debian's
#                                         kernel package, build the initramfs (idempotent; quick when done)
#   scripts/vm.sh check                   "ready: ..." (exit 0), or "not ready: why; what to do" (exit 1)
#   scripts/vm.sh run [--timeout SECONDS] [--env NAME=VALUE]... -- COMMAND [ARG]...
#
# `run` boots the kernel with this machine's root file system shared read-only over 9p, under an
# overlay whose writes go to memory and vanish with the VM (/tmp included, so a clone there works);
# /run and /dev/shm are fresh and empty. It loads the modules (netem, prio, u32, tbf, htb, nf_tables, veth, ...), brings lo up,
# chroots into that root and runs COMMAND as root in the caller's working directory, with PATH, HOME,
# USER, LANG, TZ, every GAMEDAY_* variable, the --env ones, and GAMEDAY_IN_VM=1. COMMAND's stdout and
# stderr both arrive on stdout as it runs; vm.sh's own messages go to stderr. The exit code is
# COMMAND's, written by the guest to a writable 9p share; 124 when --timeout (default 900) ran out,
# 125 when the VM could not run it. QEMU never outlives this script: it is killed on exit, on
# SIGINT/SIGTERM, at the timeout, and by the kernel (parent-death signal) if the script is SIGKILLed.
#
# Cache: $GAMEDAY_VM_CACHE, default /var/cache/gameday-vm: one directory per kernel release with its
# vmlinuz, the package it came from, and an initramfs-<recipe>.cpio.gz per version of this script
# (two checkouts side by side each boot their own); `current` names the kernel `run` boots.
#
# Acceleration: TCG (software emulation) unless GAMEDAY_VM_ACCEL=kvm and /dev/kvm exists: KVM
# nested in some VMs hangs the guest, so it is used only when asked for (GAMEDAY_VM_CPU overrides
# the CPU model, max for TCG, host for KVM). Under TCG the guest's clock counts instructions
# (-icount shift=0: 1 ns each, a 1 GHz machine; real time while it idles), so a slow or busy host
# makes the VM take longer, never its timeouts shorter: a drill's 500ms timeout is the same in it
# on an idle machine and on one whose cores are taken. It costs the guest a second CPU (icount runs
# one); GAMEDAY_VM_CLOCK=host gives it two with the host's clock, quicker, at the mercy of the host's
# load. The guest boots in about 4 s and has $GAMEDAY_VM_MEMORY (4G) of memory; its clock source is
# the TSC (tsc=reliable): the HPET it would fall back to makes every clock read an emulated device
# access.
set -euo pipefail

CACHE=${GAMEDAY_VM_CACHE:-/var/cache/gameday-vm}
QEMU=${GAMEDAY_VM_QEMU:-qemu-system-x86_64}
BUSYBOX=/bin/busybox
DEFAULT_TIMEOUT=900
MEMORY=${GAMEDAY_VM_MEMORY:-4G}

# The modules the guest loads, with their dependencies (found in each module's .modinfo): the
# 9p root and its overlay, the qdiscs and classifier gameday's tc faults use (htb and ingress for
# the tests' foreign roots), veth for namespaces, nf_tables for port blocks (counters are built
# in; libcrc32c, which it needs, wants a crc32c first), nft_compat and xt matches and targets for iptables-nft,
# and the netfilter queue for the delayer.
MODULES=(
    virtio_pci 9pnet_virtio 9p overlay
    veth sch_netem sch_prio sch_tbf sch_htb sch_ingress cls_u32
    crc32c_generic nf_tables nft_reject_inet nft_ct nft_queue nfnetlink_queue
    nft_compat xt_tcpudp xt_multiport xt_comment xt_NFQUEUE ipt_REJECT ip6t_REJECT
)

say() { echo "vm: $*" >&2; }
die() {
    say "$*"
    exit 125
}

# The guest's /init: a busybox script run as PID 1 from the initramfs.
init_script() {
    cat <<'INIT'
#!/bin/busybox sh
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
say() { echo "vm: $*" >/dev/console; }
stop() {
    sync
    poweroff -f
}
while read -r module; do
    insmod "/modules/$module.ko" || say "cannot load $module"
done </modules.order
mkdir -p /host /job /scratch /root
mount -t 9p -o trans=virtio,version=9p2000.L,msize=262144,cache=loose,ro hostroot /host || { say "cannot mount the host's root"; stop; }
mount -t 9p -o trans=virtio,version=9p2000.L,msize=262144 gdjob /job || { say "cannot mount the job directory"; stop; }
mount -t tmpfs -o mode=0755 scratch /scratch
mkdir -p /scratch/upper /scratch/work
mount -t overlay -o lowerdir=/host,upperdir=/scratch/upper,workdir=/scratch/work overlay /root || { say "cannot mount the overlay"; stop; }
mount -t proc proc /root/proc
mount -t sysfs sysfs /root/sys
mount -t cgroup2 cgroup2 /root/sys/fs/cgroup 2>/dev/null
mount -t devtmpfs devtmpfs /root/dev
mkdir -p /root/dev/pts /root/dev/shm
mount -t devpts -o newinstance,ptmxmode=0666 devpts /root/dev/pts
mount -t tmpfs -o mode=1777 shm /root/dev/shm
mount -t tmpfs -o mode=0755 run /root/run
mkdir -p /root/run/gameday-vm /root/run/lock
mount --bind /job /root/run/gameday-vm
ip link set lo up
hostname gameday-vm
say "booted in $(cut -d' ' -f1 /proc/uptime)s"
# The command's output goes to the first serial port, the host's stdout, with plain newlines; the
# kernel's messages and these go to the second, a log. Through a pipe, so the command's output is
# not a terminal (no colours, no progress lines).
stty -F /dev/ttyS0 -onlcr
{
    chroot /root /bin/bash /run/gameday-vm/job.sh </dev/null
    echo $? >/root/run/gameday-vm/exit-code
} 2>&1 | cat >/dev/ttyS0
say "command done at $(cut -d' ' -f1 /proc/uptime)s"
stop
INIT
}

# The initramfs of this version of the script: named after what it is built from (the init
# script, the modules, busybox), so a changed vm.sh builds its own.
initramfs_name() {
    local recipe
    recipe=$({
        init_script
        echo "${MODULES[*]}"
        sha256sum "$BUSYBOX" | cut -d' ' -f1
    } | sha256sum | cut -c1-16)
    echo "initramfs-$recipe.cpio.gz"
}

need_root() {
    if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
}

# The kernel package linux-image-amd64 points at now (linux-image-6.1.0-57-amd64), or "".
kernel_package() {
    if [ -n "${GAMEDAY_VM_KERNEL_PACKAGE:-}" ]; then
        echo "$GAMEDAY_VM_KERNEL_PACKAGE"
        return
    fi
    apt-cache depends linux-image-amd64 2>/dev/null | sed -n 's/^ *Depends: \(linux-image-[0-9].*\)$/\1/p' | head -1
}

# The file of module NAME under DIR (dashes and underscores are the same in module names).
module_file() {
    local dir=$1 name=$2
    find "$dir" -regextype posix-extended -regex ".*/${name//_/[-_]}\.ko(\.xz|\.zst|\.gz)?" -print -quit
}

# A module's bytes, uncompressed: busybox insmod takes plain .ko files only.
module_bytes() {
    case $1 in
    *.xz) xz -dc "$1" ;;
    *.zst) zstd -dcq "$1" ;;
    *.gz) gzip -dc "$1" ;;
    *) cat "$1" ;;
    esac
}

# Appends NAME's dependencies, then NAME, to the load order (each once).
ORDER=()
add_module() {
    local dir=$1 name=$2 file dep
    for dep in "${ORDER[@]}"; do [ "$dep" = "$name" ] && return 0; done
    file=$(module_file "$dir" "$name")
    if [ -z "$file" ]; then
        # Built into the kernel: nothing to load.
        grep -q "/${name//_/[-_]}\.ko" "$dir/../modules.builtin" 2>/dev/null && return 0
        die "the kernel package has no module $name"
    fi
    for dep in $(module_bytes "$file" | tr '\0' '\n' | sed -n 's/^depends=//p' | tr ',' ' '); do
        add_module "$dir" "$dep"
    done
    ORDER+=("$name")
    module_bytes "$file" >"$ROOTFS/modules/$name.ko"
}

prepare() {
    need_root
    local missing=()
    command -v "$QEMU" >/dev/null 2>&1 || missing+=(qemu-system-x86)
    [ -x "$BUSYBOX" ] && ! ldd "$BUSYBOX" >/dev/null 2>&1 || missing+=(busybox-static)
    command -v setpriv >/dev/null 2>&1 || missing+=(util-linux)
    local package
    package=$(kernel_package)
    if [ ${#missing[@]} -gt 0 ] || [ -z "$package" ]; then
        $SUDO apt-get update -qq
        package=$(kernel_package)
    fi
    if [ ${#missing[@]} -gt 0 ]; then
        say "installing ${missing[*]}"
        DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    fi
    [ -n "$package" ] || die "apt knows no linux-image-amd64 package: is this Debian with its main archive in sources.list?"
    local release=${package#linux-image-}
    local dir=$CACHE/$release
    local initramfs
    initramfs=$(initramfs_name)
    if [ -s "$dir/vmlinuz" ] && [ -s "$dir/$initramfs" ]; then
        $SUDO ln -sfn "$release" "$CACHE/current"
        return 0
    fi
    $SUDO mkdir -p "$dir"
    if ! compgen -G "$dir/${package}_*.deb" >/dev/null; then
        say "downloading $package"
        (cd "$dir" && $SUDO apt-get download -qq "$package") 2>&1 | grep -v '^W: Download is performed unsandboxed' >&2 || true
        compgen -G "$dir/${package}_*.deb" >/dev/null || die "could not download $package"
    fi
    BUILD=$(mktemp -d "${TMPDIR:-/tmp}/gameday-vm-build.XXXXXX")
    trap 'rm -rf "$BUILD"' EXIT
    say "building the initramfs for $release"
    local debs=("$dir/${package}"_*.deb)
    dpkg-deb -x "${debs[0]}" "$BUILD/package"
    local modules=$BUILD/package/lib/modules/$release/kernel
    [ -d "$modules" ] || die "$package has no lib/modules/$release"
    ROOTFS=$BUILD/root
    mkdir -p "$ROOTFS/bin" "$ROOTFS/modules" "$ROOTFS/proc" "$ROOTFS/sys" "$ROOTFS/dev"
    local name
    for name in "${MODULES[@]}"; do add_module "$modules" "$name"; done
    printf '%s\n' "${ORDER[@]}" >"$ROOTFS/modules.order"
    cp "$BUSYBOX" "$ROOTFS/bin/busybox"
    init_script >"$ROOTFS/init"
    chmod 0755 "$ROOTFS/init"
    (cd "$ROOTFS" && find . | "$BUSYBOX" cpio -o -H newc 2>/dev/null | gzip -1) >"$BUILD/initramfs.cpio.gz"
    # Each file replaced in one step: a VM booting meanwhile reads the old one or the new one.
    $SUDO cp "$BUILD/package/boot/vmlinuz-$release" "$dir/vmlinuz.new"
    $SUDO mv -f "$dir/vmlinuz.new" "$dir/vmlinuz"
    $SUDO cp "$BUILD/initramfs.cpio.gz" "$dir/$initramfs.new"
    $SUDO mv -f "$dir/$initramfs.new" "$dir/$initramfs"
    $SUDO ln -sfn "$release" "$CACHE/current"
    say "ready: kernel $release, ${#ORDER[@]} modules, in $dir"
}

# Why the VM cannot run here and what to do, on one line ("reason, reason; advice"); nothing when it can.
problems() {
    local reasons=() advice=()
    if [ "$(id -u)" -ne 0 ]; then
        reasons+=("not root (the VM shares / over 9p, and what runs in it needs root)")
        advice+=("run as root")
    fi
    command -v "$QEMU" >/dev/null 2>&1 || reasons+=("$QEMU is not installed")
    command -v setpriv >/dev/null 2>&1 || reasons+=("setpriv (util-linux) is not installed")
    if [ ! -s "$CACHE/current/vmlinuz" ]; then
        reasons+=("no kernel is prepared in $CACHE")
    elif [ ! -s "$CACHE/current/$(initramfs_name)" ]; then
        reasons+=("$CACHE/current has no initramfs built by this scripts/vm.sh")
    fi
    [ ${#reasons[@]} -eq 0 ] && return 0
    [ ${#reasons[@]} -gt ${#advice[@]} ] && advice+=("run scripts/vm.sh prepare")
    local IFS=
    local text=${reasons[0]} item
    for item in "${reasons[@]:1}"; do text+=", $item"; done
    for item in "${advice[@]}"; do text+="; $item"; done
    echo "$text"
}

accelerator() {
    if [ "${GAMEDAY_VM_ACCEL:-}" = kvm ] && [ -w /dev/kvm ]; then echo kvm; else echo tcg; fi
}

check() {
    local reasons
    reasons=$(problems)
    if [ -n "$reasons" ]; then
        echo "not ready: $reasons"
        return 1
    fi
    local clock=
    [ "$(accelerator)" = tcg ] && clock=", clock: ${GAMEDAY_VM_CLOCK:-instructions}"
    echo "ready: kernel $(basename "$(readlink -f "$CACHE/current")"), $("$QEMU" --version | head -1), $(accelerator)$clock"
}

run() {
    local timeout=$DEFAULT_TIMEOUT
    local extra=()
    while [ $# -gt 0 ]; do
        case $1 in
        --timeout)
            timeout=${2:?--timeout needs seconds}
            shift 2
            ;;
        --env)
            [[ ${2:-} == [A-Za-z_]*=* ]] || die "--env needs NAME=VALUE, not '${2:-}'"
            extra+=("$2")
            shift 2
            ;;
        --)
            shift
            break
            ;;
        *) die "unknown option '$1' (usage: scripts/vm.sh run [--timeout SECONDS] [--env NAME=VALUE]... -- COMMAND...)" ;;
        esac
    done
    [[ $timeout =~ ^[1-9][0-9]*$ ]] || die "--timeout needs a whole number of seconds, not '$timeout'"
    [ $# -gt 0 ] || die "no command (usage: scripts/vm.sh run [--timeout SECONDS] -- COMMAND...)"
    local reasons
    reasons=$(problems)
    [ -z "$reasons" ] || die "cannot run the VM: $reasons"

    # The job directories of runs that were SIGKILLed (their QEMU died with them): not in use, and
    # older than a minute, so never one that a run starting beside this one has just made.
    local stale
    for stale in "${TMPDIR:-/tmp}"/gameday-vm-job.*; do
        if [ -d "$stale" ] && [ -n "$(find "$stale" -maxdepth 0 -mmin +1)" ] && ! pgrep -f "path=$stale," >/dev/null; then
            rm -rf "$stale"
        fi
    done
    JOB=$(mktemp -d "${TMPDIR:-/tmp}/gameday-vm-job.XXXXXX")
    QEMU_PID=
    trap cleanup EXIT
    trap 'say "interrupted: QEMU killed"; exit 130' INT
    trap 'say "terminated: QEMU killed"; exit 143' TERM

    local environment=(GAMEDAY_IN_VM=1) name
    for name in PATH HOME USER LANG LC_ALL TZ $(compgen -v GAMEDAY_); do
        [ "$name" = GAMEDAY_IN_VM ] && continue
        [ -n "${!name+x}" ] && environment+=("$name=${!name}")
    done
    environment+=("${extra[@]}")
    {
        printf 'cd -- %q || { echo "vm: %q is not in the VM (its /run and /dev/shm start empty)" >&2; exit 125; }\n' \
            "$PWD" "$PWD"
        printf 'exec env -i'
        printf ' %q' "${environment[@]}" "$@"
        echo
    } >"$JOB/job.sh"

    local accel cpu=max machine=(-smp 2)
    accel=$(accelerator)
    if [ "$accel" = kvm ]; then
        cpu=host
    elif [ "${GAMEDAY_VM_CLOCK:-instructions}" != host ]; then
        # The guest's time from its instruction count (see the top): icount runs one vCPU only.
        machine=(-icount "shift=0,sleep=on" -smp 1)
    fi
    cpu=${GAMEDAY_VM_CPU:-$cpu}
    # setpriv: QEMU gets SIGKILL if this script dies, even by SIGKILL; it stays in our process group.
    setpriv --pdeathsig KILL -- "$QEMU" -accel "$accel" "${machine[@]}" -cpu "$cpu" -m "$MEMORY" \
        -display none -vga none -monitor none -serial stdio -serial "file:$JOB/console.log" -no-reboot \
        -kernel "$CACHE/current/vmlinuz" -initrd "$CACHE/current/$(initramfs_name)" \
        -append "console=ttyS1 quiet panic=-1 mitigations=off tsc=reliable" \
        -virtfs local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap \
        -virtfs "local,path=$JOB,mount_tag=gdjob,security_model=none" \
        </dev/null &
    QEMU_PID=$!
    local deadline=$((SECONDS + timeout)) timed_out=
    while kill -0 "$QEMU_PID" 2>/dev/null; do
        if [ $SECONDS -ge $deadline ]; then
            timed_out=1
            kill -KILL "$QEMU_PID" 2>/dev/null || true
            break
        fi
        sleep 1
    done
    wait "$QEMU_PID" 2>/dev/null || true
    QEMU_PID=
    if [ -n "$timed_out" ]; then
        say "timed out after ${timeout}s: QEMU killed"
        exit 124
    fi
    local code
    code=$(cat "$JOB/exit-code" 2>/dev/null || true)
    if ! [[ $code =~ ^[0-9]+$ ]]; then
        say "the VM stopped without the command's exit code; its console:"
        tail -n 40 "$JOB/console.log" >&2 || true
        exit 125
    fi
    say "$(grep -o 'booted in .*s' "$JOB/console.log" | head -1), $(grep -o 'command done at .*s' "$JOB/console.log" | head -1), exit $code"
    exit "$code"
}

cleanup() {
    if [ -n "${QEMU_PID:-}" ]; then
        kill -KILL "$QEMU_PID" 2>/dev/null || true
        wait "$QEMU_PID" 2>/dev/null || true
    fi
    [ -n "${JOB:-}" ] && rm -rf "$JOB"
    return 0
}

case ${1:-} in
prepare) prepare ;;
check) check ;;
run)
    shift
    run "$@"
    ;;
*)
    echo "usage: scripts/vm.sh prepare | check | run [--timeout SECONDS] [--env NAME=VALUE]... -- COMMAND..." >&2
    exit 2
    ;;
esac
