import Foundation
import GameDayCore
import GameDayRuntime
import Synchronization

/// `trigger: prompt`: shows what was detected on the terminal and asks the operator to confirm
/// (`y`, or Enter) or abort (`n`, `a`: the run is aborted and every fault reverted). Ctrl-C works
/// as always while it waits. Refused in preflight when stdin is not a terminal (CI).
struct TerminalCutoverPrompt: CutoverDecisionSource {
    /// Where the answer is read (stdin).
    var input: Int32 = 0

    func prepare(_ trigger: CutoverTrigger) async throws(CutoverDecisionUnavailable) -> String {
        guard isatty(input) == 1 else {
            throw CutoverDecisionUnavailable(
                "stdin is not a terminal (a CI job?), so nobody can answer the prompt: run the drill from a terminal, "
                    + "give --assume-yes to cut over without asking, or use 'trigger: external'")
        }
        return "the operator is asked on this terminal"
    }

    func decide(_ question: CutoverQuestion) async throws -> CutoverDecision {
        for line in question.lines { Terminal.err(line) }
        // Keys pressed before the question (an Enter during the observe phase) must not answer it.
        tcflush(input, TCIFLUSH)
        let deadline = DurationText.format(question.trigger.timeout)
        while true {
            Terminal.ask(
                "cut over now? y or Enter: cut over; n or a: abort and roll back (aborts by itself in \(deadline)) ")
            let line = try await readLine()
            Terminal.answered()
            guard let line else {
                return CutoverDecision(go: false, decidedBy: .operator, via: "the terminal (its input ended)")
            }
            switch line.trimmingCharacters(in: .whitespaces).lowercased() {
            case "", "y", "yes":
                return CutoverDecision(go: true, decidedBy: .operator, via: "the terminal")
            case "n", "no", "a", "abort":
                return CutoverDecision(go: false, decidedBy: .operator, via: "the terminal")
            default:
                Terminal.err("gameday: answer y (or Enter) to cut over, n or a to abort and roll back")
            }
        }
    }

    /// One line of the terminal, read on a thread of its own; nil at its end (Ctrl-D).
    private func readLine() async throws -> String? {
        let cancelled = CancelFlag()
        let line = await withTaskCancellationHandler {
            await OwnThread.run { [input] in Self.readLine(input, unless: cancelled) }
        } onCancel: {
            cancelled.set()
        }
        try Task.checkCancellation()
        return line
    }

    /// Reads up to a newline, looking every 100ms whether the wait was cancelled.
    private static func readLine(_ fd: Int32, unless cancelled: CancelFlag) -> String? {
        var bytes: [UInt8] = []
        var byte: UInt8 = 0
        var ready = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        while !cancelled.isSet {
            guard poll(&ready, 1, 100) > 0 else { continue }
            let count = read(fd, &byte, 1)
            if count < 0, errno == EINTR || errno == EAGAIN { continue }
            guard count > 0 else { return bytes.isEmpty ? nil : String(decoding: bytes, as: UTF8.self) }
            if byte == UInt8(ascii: "\n") { return String(decoding: bytes, as: UTF8.self) }
            bytes.append(byte)
        }
        return nil
    }
}

/// Set once the wait for the answer is cancelled.
private final class CancelFlag: Sendable {
    private let flag = Atomic<Bool>(false)

    func set() { flag.store(true, ordering: .relaxed) }

    var isSet: Bool { flag.load(ordering: .relaxed) }
}
