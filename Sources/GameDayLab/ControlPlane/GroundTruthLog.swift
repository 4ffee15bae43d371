import Foundation

/// `D/control-plane.jsonl`: one line per completed phase,
/// `{"cutover":"c-1","phase":"switch","at":"2026-11-21T05:30:00.123Z","unix_ms":1763703000123.4}`.
/// Tests compare the runner's measurements with it, so each line is written straight away.
actor GroundTruthLog {
    private let fd: Int32

    init(path: String) throws {
        fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: path]) }
    }

    deinit { close(fd) }

    func append(cutover id: String, phase: CutoverPhase, at: LabTimestamp) {
        // Written by hand to keep the documented key order; every value is generated here
        // (ids are "c-N", phases and timestamps are fixed vocabularies), so nothing needs escaping.
        let line =
            #"{"cutover":"\#(id)","phase":"\#(phase.rawValue)","at":"\#(at.rfc3339)","unix_ms":\#(at.unixMilliseconds)}"#
            + "\n"
        // One write(2) per line with O_APPEND: a line is never interleaved with another.
        _ = line.utf8CString.withUnsafeBufferPointer { write(fd, $0.baseAddress, $0.count - 1) }
    }
}
