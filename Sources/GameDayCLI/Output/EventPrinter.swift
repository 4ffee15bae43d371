import GameDayCore
import Synchronization

/// Prints run events as plain lines on stderr, stamped with the run's elapsed time.
///
/// User changes are limited to `UserLines.perSecond` lines a second: with a thousand users a
/// fault changes them all at once, and the rest are counted on one line instead.
struct EventPrinter: RunReporter {
    let clock: any RunClock
    let quiet: Bool
    private let userLines = UserLines()

    init(clock: any RunClock, quiet: Bool) {
        self.clock = clock
        self.quiet = quiet
    }

    func report(_ event: RunEvent) {
        let now = clock.now()
        let stamp = "[\(Self.stamp(now))]"
        switch event {
        case .phaseStarted(let phase):
            guard !quiet else { return }
            if let held = userLines.flush() { Terminal.err("\(stamp)    \(held)") }
            Terminal.err("\(stamp) == \(phase)")
        case .note(let text):
            if !quiet { Terminal.err("\(stamp)    \(text)") }
        case .problem(let text):
            Terminal.err("\(stamp) !! \(text)")
        case .userChanged(let user, let sample):
            guard !quiet else { return }
            let (print, held) = userLines.admit(second: Int(now / .seconds(1)))
            if let held { Terminal.err("\(stamp)    \(held)") }
            guard print else { return }
            let state = sample.ok ? "ok" : "FAILING (\(sample.failure ?? "failed"))"
            Terminal.err("\(stamp)    user \(user.id) \(state), served by \(sample.unit ?? "-")")
        }
    }

    static func stamp(_ offset: Duration) -> String {
        let ms = Int(offset.milliseconds.rounded())
        let seconds = ms / 1000
        let millis = ms % 1000
        return "+\(seconds).\(String(millis).leftPad(3))s"
    }
}

extension String {
    func leftPad(_ width: Int, with pad: Character = "0") -> String {
        count >= width ? self : String(repeating: pad, count: width - count) + self
    }

    func rightPad(_ width: Int) -> String {
        count >= width ? self : self + String(repeating: " ", count: width - count)
    }
}

/// How many user-change lines this second may still print, and how many were held back.
final class UserLines: Sendable {
    static let perSecond = 10
    private let state = Mutex((second: -1, printed: 0, held: 0))

    /// Whether to print this change, and a line for the changes held back in an earlier second.
    func admit(second: Int) -> (print: Bool, held: String?) {
        state.withLock { state in
            var note: String?
            if state.second != second {
                note = Self.note(state.held)
                state = (second, 0, 0)
            }
            guard state.printed < Self.perSecond else {
                state.held += 1
                return (false, note)
            }
            state.printed += 1
            return (true, note)
        }
    }

    /// The line for the changes held back so far, if any.
    func flush() -> String? {
        state.withLock { state in
            defer { state.held = 0 }
            return Self.note(state.held)
        }
    }

    private static func note(_ held: Int) -> String? {
        held > 0 ? "… and \(held) more user change(s) (every change is in result.json and --raw-samples)" : nil
    }
}
