import Foundation
import GameDayCore
import Synchronization

/// Where the CLI writes: results to stdout, progress and errors to stderr.
///
/// On a terminal, stderr may end in a live status line; every line written to stderr goes above
/// it, and the status is drawn again below.
enum Terminal {
    private static let state = Mutex<String?>(nil)
    private static let statusEnded = Atomic<Bool>(false)
    /// A question is the last line (`ask`): the live status waits until it is answered.
    private static let asking = Atomic<Bool>(false)
    /// Erases the current line of a terminal.
    private static let eraseLine = "\r\u{1B}[2K"

    static func out(_ line: String) {
        state.withLock { status in
            if status != nil { write(eraseLine, to: .standardError) }
            write(line + "\n", to: .standardOutput)
            if let status { write(status, to: .standardError) }
        }
    }

    static func err(_ line: String) {
        state.withLock { status in
            write((status == nil ? "" : eraseLine) + line + "\n" + (status ?? ""), to: .standardError)
        }
    }

    /// Shows `line` as the live status (replacing the last one); nil removes it.
    static func status(_ line: String?) {
        state.withLock { status in
            guard !asking.load(ordering: .relaxed) else { return }
            guard line == nil || !statusEnded.load(ordering: .relaxed) else { return }
            guard status != nil || line != nil else { return }
            write(eraseLine + (line ?? ""), to: .standardError)
            status = line
        }
    }

    /// Shows `question` as the last line of stderr in place of the live status, the cursor after
    /// it for the answer; lines written meanwhile go above it. `answered()` gives the line back.
    static func ask(_ question: String) {
        state.withLock { status in
            asking.store(true, ordering: .relaxed)
            write(eraseLine + question, to: .standardError)
            status = question
        }
    }

    /// The answer ended the question's line (the terminal echoed Enter): the status may come back.
    static func answered() {
        state.withLock { status in
            status = nil
            asking.store(false, ordering: .relaxed)
        }
    }

    /// Removes the live status for good: the run is over.
    static func endStatus() {
        statusEnded.store(true, ordering: .relaxed)
        status(nil)
    }

    /// Whether stdout (1) or stderr (2) is a terminal.
    static func isTerminal(_ descriptor: Int32) -> Bool { isatty(descriptor) == 1 }

    /// The width of the terminal on stderr, or 100 when it cannot be known.
    static var width: Int {
        var size = winsize()
        guard ioctl(2, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 else { return 100 }
        return Int(size.ws_col)
    }

    private enum Stream { case standardOutput, standardError }

    private static func write(_ text: String, to stream: Stream) {
        let handle = stream == .standardOutput ? FileHandle.standardOutput : FileHandle.standardError
        handle.write(Data(text.utf8))
    }
}

/// Colour, or none: only on a terminal, never with `NO_COLOR` set (https://no-color.org) or on a
/// `dumb` terminal.
struct TerminalStyle: Sendable {
    let color: Bool

    static let plain = TerminalStyle(color: false)

    init(color: Bool) { self.color = color }

    init(isTerminal: Bool, environment: [String: String]) {
        let noColor = !(environment["NO_COLOR"] ?? "").isEmpty
        color = isTerminal && !noColor && environment["TERM"] != "dumb"
    }

    func green(_ text: String) -> String { paint(text, "32") }
    func red(_ text: String) -> String { paint(text, "31") }
    func yellow(_ text: String) -> String { paint(text, "33") }
    func bold(_ text: String) -> String { paint(text, "1") }
    func dim(_ text: String) -> String { paint(text, "2") }

    func verdict(_ status: Verdict.Status) -> String {
        switch status {
        case .pass: green("PASS")
        case .fail: red(bold("FAIL"))
        case .skipped: yellow("SKIP")
        }
    }

    func outcome(_ outcome: RunOutcome) -> String {
        let text = outcome.rawValue.uppercased()
        return outcome == .pass ? green(bold(text)) : red(bold(text))
    }

    private func paint(_ text: String, _ code: String) -> String {
        color ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text
    }
}
