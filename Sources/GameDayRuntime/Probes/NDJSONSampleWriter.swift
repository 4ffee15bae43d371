import Foundation
import GameDayCore
import Synchronization

/// Writes every raw probe sample to a file, one JSON object per line (NDJSON), in the order they
/// are delivered:
///
/// ```
/// {"user":6000,"seq":12,"sent_ms":1234.567,"lag_ms":0.21,"latency_ms":3.1,"status":200,"unit":"beijing","ok":true,"failure":null,"connect_ms":0.1,"first_byte_ms":2.9,"total_ms":3.0}
/// {"user":6000,"skipped_ms":1300.0}
/// ```
///
/// A probe sent at the focus interval (`probe.focus_interval`) adds `"focused":true`. A skipped slot
/// gives its scheduled time. Thread-safe; lines are buffered and written in blocks of
/// about 64 KiB, so delivering costs no system call. `close()` writes the rest and reports the first
/// write error, if any; after an error, later lines are dropped.
public final class NDJSONSampleWriter: ProbeSink {
    private struct State {
        var file: FileHandle?
        var buffer: [UInt8] = []
        var error: NDJSONWriteError?
    }

    public let path: String
    private let state: Mutex<State>
    private static let blockSize = 64 * 1024

    /// Creates (or truncates) the file at `path`.
    public init(path: String) throws(NDJSONWriteError) {
        // open(2), not FileManager.createFile: that writes atomically, by replacing the file.
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw NDJSONWriteError(path: path, reason: String(cString: strerror(errno)))
        }
        self.path = path
        var initial = State(file: FileHandle(fileDescriptor: descriptor, closeOnDealloc: true))
        initial.buffer.reserveCapacity(Self.blockSize + 1024)
        state = Mutex(initial)
    }

    public func deliver(_ sample: ProbeSample, user: String, sequence: Int) {
        var line = "{\"user\":\(Self.json(user)),\"seq\":\(sequence),\"sent_ms\":\(sample.sentAt.milliseconds)"
        line += ",\"lag_ms\":\(sample.lag.milliseconds),\"latency_ms\":\(sample.latency.milliseconds)"
        line += ",\"status\":\(sample.status.map(String.init) ?? "null"),\"unit\":\(Self.json(sample.unit))"
        line += ",\"ok\":\(sample.ok),\"failure\":\(Self.json(sample.failure))"
        line += ",\"connect_ms\":\(sample.timings.connect.milliseconds)"
        line += ",\"first_byte_ms\":\(sample.timings.firstByte.milliseconds)"
        line += ",\"total_ms\":\(sample.timings.total.milliseconds)"
        line += sample.focused ? ",\"focused\":true}\n" : "}\n"
        append(line)
    }

    public func skipped(user: String, scheduled: Duration) {
        append("{\"user\":\(Self.json(user)),\"skipped_ms\":\(scheduled.milliseconds)}\n")
    }

    /// Writes what is buffered; throws the first error any write met.
    public func flush() throws(NDJSONWriteError) {
        try state.withLock { state throws(NDJSONWriteError) in
            write(&state)
            if let error = state.error { throw error }
        }
    }

    /// Writes what is buffered and closes the file; throws the first error any write met.
    /// Lines delivered afterwards are dropped.
    public func close() throws(NDJSONWriteError) {
        try state.withLock { state throws(NDJSONWriteError) in
            write(&state)
            do {
                try state.file?.close()
            } catch {
                state.error = state.error ?? NDJSONWriteError(path: path, reason: error.localizedDescription)
            }
            state.file = nil
            if let error = state.error { throw error }
        }
    }

    private func append(_ line: String) {
        state.withLock { state in
            guard state.file != nil, state.error == nil else { return }
            state.buffer.append(contentsOf: line.utf8)
            if state.buffer.count >= Self.blockSize { write(&state) }
        }
    }

    /// Writes the whole buffer, or records why not.
    private func write(_ state: inout State) {
        defer { state.buffer.removeAll(keepingCapacity: true) }
        guard let file = state.file, state.error == nil, !state.buffer.isEmpty else { return }
        do {
            try file.write(contentsOf: state.buffer)
        } catch {
            state.error = NDJSONWriteError(path: path, reason: error.localizedDescription)
        }
    }

    /// A JSON string, or `null`.
    private static func json(_ text: String?) -> String {
        text.map(JSONText.quote) ?? "null"
    }
}

/// Writing raw samples failed.
public struct NDJSONWriteError: LocalizedError, Sendable, Equatable {
    public var path: String
    public var reason: String

    public var errorDescription: String? {
        "cannot write probe samples to \(path): \(reason); check that the directory exists and has room, "
            + "then run the drill again"
    }
}
