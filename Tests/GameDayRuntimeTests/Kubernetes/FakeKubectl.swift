import Foundation
import GameDayTestSupport

/// A stand-in `kubectl` for logic tests (no cluster can be reached here): a shell script in a
/// temporary directory that appends its argv to `calls.log` (arguments separated by 0x1F, one
/// call a line) and answers by the pod name after `exec`, or with the pod list for `get pods`.
struct FakeKubectl {
    let directory: String
    var program: String { directory + "/kubectl" }

    init() throws {
        directory = NSTemporaryDirectory() + "gameday-kubectl-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try KubectlFixtures.podList.write(toFile: directory + "/pods.json", atomically: true, encoding: .utf8)
        try ExecutableFile.write(Self.script, to: program)
    }

    /// The test-support writer (close-on-exec, probe-run until it starts), for the scripts of other tests.
    static func writeExecutable(_ text: String, to path: String) throws {
        try ExecutableFile.write(text, to: path)
    }

    /// Every call so far, as argv without the program.
    func calls() throws -> [[String]] {
        guard FileManager.default.fileExists(atPath: directory + "/calls.log") else { return [] }
        return try String(contentsOfFile: directory + "/calls.log", encoding: .utf8)
            .split(separator: "\n").map {
                $0.split(separator: "\u{1F}", omittingEmptySubsequences: false).dropLast().map(String.init)
            }
    }

    func remove() { try? FileManager.default.removeItem(atPath: directory) }

    /// Answers as kubectl v1.32 does: the command's exit code with `command terminated…` on
    /// stderr, kubectl's own errors with exit 1 and its messages.
    static let script = #"""
        #!/bin/sh
        [ "$1" = "--fake-probe" ] && exit 0
        here=$(dirname "$0")
        for a in "$@"; do printf '%s\037' "$a"; done >> "$here/calls.log"
        printf '\n' >> "$here/calls.log"
        verb=""; pod=""; after=""
        for a in "$@"; do
          case "$a" in
            --*) ;;
            *) if [ -z "$verb" ]; then verb=$a; elif [ -z "$pod" ]; then pod=$a; fi ;;
          esac
          [ "$a" = "--" ] && break
        done
        if [ "$verb" = "get" ] && [ "$pod" = "pods" ]; then cat "$here/pods.json"; exit 0; fi
        case "$pod" in
          web-0) echo "out"; exit 0 ;;
          exit-3) echo "partial"; echo "boom" >&2; echo "command terminated with exit code 3" >&2; exit 3 ;;
          app-pid1) echo "1"; exit 0 ;;
          app) echo "12 7"; exit 0 ;;
          gone) echo 'Error from server (NotFound): pods "gone" not found' >&2; exit 1 ;;
          locked) echo 'Error from server (Forbidden): pods "locked" is forbidden: User "drill" cannot create resource "pods/exec" in API group "" in the namespace "shop"' >&2; exit 1 ;;
          unreachable) echo 'The connection to the server 127.0.0.1:6443 was refused - did you specify the right host or port?' >&2; exit 1 ;;
          hang) sleep 30 & echo $! > "$here/hang.pid"; wait ;;
          *) echo "error: fake kubectl has no answer for $pod" >&2; exit 1 ;;
        esac
        """#
}
