import Foundation
import GameDayCore
import GameDayTestSupport
import Synchronization
import Testing

/// Runs the built `gameday` binary on a drill against a real lab and reads what it left.
struct DrillRun {
    var output: ChildProcess.Output
    var result: RunResult?
    var resultPath: String?

    /// The repository's root, for the shipped drills.
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path

    static func shipped(_ name: String) -> String { "\(repository)/drills/\(name).yaml" }

    /// A copy of a shipped drill with some text replaced, in `directory`.
    static func variant(of name: String, in directory: String, replacing changes: [(String, String)]) throws -> String {
        var text = try String(contentsOfFile: shipped(name), encoding: .utf8)
        for (old, new) in changes {
            #expect(text.contains(old), "the drill \(name) no longer contains \(old)")
            text = text.replacingOccurrences(of: old, with: new)
        }
        let path = "\(directory)/\(name)-variant.yaml"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// `gameday run DRILL --target T --output DIR --state-dir DIR/state`; reads result.json when one
    /// was written. `onStderrLine` sees each progress line as it comes, with the runner's pid.
    static func run(
        _ drill: String, lab: TestLab, output directory: String, environment: [String: String]? = nil,
        target: String? = nil, extra: [String] = [], onStderrLine: (@Sendable (String, pid_t) -> Void)? = nil
    ) async throws -> DrillRun {
        let output = try await ChildProcess.run(
            [
                lab.binary, "run", drill, "--target", target ?? lab.targetPath, "--output", directory, "--state-dir",
                "\(directory)/state",
            ]
                + extra,
            environment: environment, timeout: .seconds(120), onStderrLine: onStderrLine)
        let path = output.stdout.split(separator: "\n").first { $0.contains("result: ") }
            .map { String($0.split(separator: " ").last!) }
        var result: RunResult?
        if let path, let data = FileManager.default.contents(atPath: path) {
            result = try JSONDecoder().decode(RunResult.self, from: data)
            try await validate(path)
        }
        return DrillRun(output: output, result: result, resultPath: path)
    }

    /// Every real result is checked against `schemas/result.schema.json` by Python's jsonschema
    /// (`scripts/validate-result.py`); skipped, with the reason printed, where jsonschema is missing.
    static func validate(_ path: String) async throws {
        let python = try await ChildProcess.run(["/usr/bin/env", "python3", "-c", "import jsonschema"])
        guard python.exitCode == 0 else {
            print("skipped the schema check of \(path): python3 with jsonschema is not installed")
            return
        }
        let check = try await ChildProcess.run([
            "/usr/bin/env", "python3", "\(repository)/scripts/validate-result.py", path,
        ])
        #expect(check.exitCode == 0, "result.json does not follow its schema: \(check.transcript)")
    }

    func verdict(_ name: String) -> Verdict? { result?.verdicts.first { $0.name == name } }

    func user(_ id: Int) -> UserRecord? { user(String(id)) }

    func user(_ id: String) -> UserRecord? { result?.users.first { $0.id == id } }

    /// Sends `signal` to the runner `delay` after it prints the line of `phase` (`[+1.234s] == observe`;
    /// `*` for its first line), once: for `onStderrLine`. `sent` says whether it was sent.
    static func signal(
        _ signal: Int32, when phase: String, after delay: Duration = .zero, sent: SentOnce
    ) -> @Sendable (String, pid_t) -> Void {
        { line, pid in
            guard phase == "*" || line.hasSuffix("] == \(phase)"), sent.take() else { return }
            DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(Int(delay.milliseconds))) {
                kill(pid, signal)
            }
        }
    }
}

/// Something a test does once, and whether it did.
final class SentOnce: Sendable {
    private let done = Mutex(false)

    /// True the first time only.
    func take() -> Bool {
        done.withLock { done in
            defer { done = true }
            return !done
        }
    }

    var happened: Bool { done.withLock { $0 } }
}

/// Wall-clock ISO 8601 (with milliseconds) to Unix milliseconds.
func unixMilliseconds(_ iso: String) -> Double? {
    let formatter = ISO8601DateFormatter()
    formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
    return formatter.date(from: iso).map { $0.timeIntervalSince1970 * 1000 }
}
