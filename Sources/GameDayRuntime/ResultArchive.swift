import Foundation
import GameDayCore

/// Writes a run's result under `results/<drill>/<UTC time>-<run id>/`.
public struct ResultArchive: Sendable {
    public let root: String

    public init(root: String) { self.root = root }

    /// The raw samples beside `result.json` (`run --raw-samples`).
    public static let rawSamplesFile = "samples.ndjson"

    /// The directory for one run.
    public func directory(for result: RunResult) -> String {
        "\(root)/\(result.drill.name)/\(Self.compactTime(result.startedAt))-\(result.runId)"
    }

    /// Writes `result.json` and returns its path.
    @discardableResult
    public func write(_ result: RunResult) throws -> String {
        let directory = directory(for: result)
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let path = "\(directory)/result.json"
        try Self.encode(result).write(to: URL(fileURLWithPath: path), options: .atomic)
        return path
    }

    public static func encode(_ result: RunResult) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        var data = try encoder.encode(result)
        data.append(0x0a)
        return data
    }

    /// `2026-11-21T05:30:00.123Z` → `20261121T053000Z`
    static func compactTime(_ iso: String) -> String {
        let digits = iso.prefix(19).filter { $0.isNumber || $0 == "T" }
        return digits + "Z"
    }
}

/// Wall-clock times for offsets on the run's monotonic clock, anchored once at the start.
public struct WallClock: Sendable {
    private let anchor: Date
    private let anchorOffset: Duration

    public init(clock: any RunClock) {
        anchorOffset = clock.now()
        anchor = Date()
    }

    public func iso8601(_ offset: Duration) -> String {
        let date = anchor.addingTimeInterval((offset - anchorOffset).milliseconds / 1000)
        return Self.format(date)
    }

    public static func format(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: date)
    }

    /// A short random run id: 8 hex digits.
    public static func newRunID() -> String {
        String(UInt32.random(in: .min ... .max), radix: 16).leftPadded(to: 8)
    }
}

extension String {
    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
