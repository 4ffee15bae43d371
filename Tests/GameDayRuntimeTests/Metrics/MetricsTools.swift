import Foundation
import GameDayCore

/// The Prometheus tools the metrics tests run for real (Debian's `prometheus` and
/// `prometheus-pushgateway` packages): found where they are installed, or the reason they are not,
/// for a test to print when it skips.
enum PrometheusTool {
    case promtool
    case pushgateway

    var name: String {
        switch self {
        case .promtool: "promtool"
        case .pushgateway: "prometheus-pushgateway"
        }
    }

    var package: String {
        switch self {
        case .promtool: "prometheus"
        case .pushgateway: "prometheus-pushgateway"
        }
    }

    /// The first executable `name` in `directories`, or why there is none.
    func find(in directories: [String] = ["/usr/bin", "/usr/local/bin"]) -> Result<String, Missing> {
        for directory in directories where access("\(directory)/\(name)", X_OK) == 0 {
            return .success("\(directory)/\(name)")
        }
        return .failure(
            Missing(
                reason:
                    "\(name) is not installed in \(directories.joined(separator: " or ")) (Debian's \(package) package)"
            ))
    }

    struct Missing: Error, CustomStringConvertible {
        var reason: String
        var description: String { reason }
    }

    /// The tool's path; nil after printing why the calling test skips.
    func located(for test: String) -> String? {
        switch find() {
        case .success(let path): return path
        case .failure(let missing):
            print("skipped \(test): \(missing.reason)")
            return nil
        }
    }

    /// Runs `argv` to its end with `input` on stdin; returns its exit status and its output
    /// (stdout and stderr together).
    static func run(_ argv: [String], input: String = "") throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: argv[0])
        process.arguments = Array(argv.dropFirst())
        let stdin = Pipe()
        let stdout = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stdout
        try process.run()
        stdin.fileHandleForWriting.write(Data(input.utf8))
        try stdin.fileHandleForWriting.close()
        let output = stdout.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: output, as: UTF8.self))
    }
}

/// The archived results under `Tests/GameDayCoreTests/Fixtures/results`, read from the source tree.
enum ResultFixture {
    static func result(_ name: String) throws -> RunResult {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("GameDayCoreTests/Fixtures/results/\(name).json")
        return try RunResult.read(try Data(contentsOf: path))
    }
}
