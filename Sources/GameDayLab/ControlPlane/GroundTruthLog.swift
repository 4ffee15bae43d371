import Foundation

/// `D/control-plane.jsonl`: one line per completed phase,
/// `{"cutover":"c-1","phase":"switch","at":"2026-11-21T05:30:00.123Z","unix_ms":1763703000123.4}`,
/// and one per step of the sync wait (`SyncStep`), with the units and positions it is about:
/// `{"cutover":"c-1","phase":"sync_caught_up","at":"...","unix_ms":...,"from":"beijing","to":"hangzhou",
/// "target":42,"applied":42,"via":"database-file"}`.
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
        write(line)
    }

    func append(cutover id: String, step: SyncStep, at: LabTimestamp, progress: SyncProgress) {
        // Unit names are the lab's own (a cut-over naming another is refused), `via` is a fixed
        // vocabulary and the rest are numbers: nothing needs escaping here either.
        var line =
            #"{"cutover":"\#(id)","phase":"\#(step.rawValue)","at":"\#(at.rfc3339)","unix_ms":\#(at.unixMilliseconds)"#
            + #","from":"\#(progress.from)","to":"\#(progress.to)""#
        if let target = progress.target { line += #","target":\#(target)"# }
        if let applied = progress.applied { line += #","applied":\#(applied)"# }
        if let via = progress.via { line += #","via":"\#(via)""# }
        write(line + "}\n")
    }

    /// One write(2) per line with O_APPEND: a line is never interleaved with another.
    private func write(_ line: String) {
        _ = line.utf8CString.withUnsafeBufferPointer { Glibc.write(fd, $0.baseAddress, $0.count - 1) }
    }
}

/// The steps inside a cut-over's `sync_wait` phase, logged beside the phases.
enum SyncStep: String, Sendable, Hashable {
    /// The source's last committed position is known (`via` says from where).
    case target = "sync_target"
    /// The destination has applied up to it.
    case caughtUp = "sync_caught_up"
    /// `--sync-timeout` passed first; the cut-over fails.
    case timedOut = "sync_timed_out"
    /// `--no-sync-wait`: not waited for.
    case skipped = "sync_skipped"
}
