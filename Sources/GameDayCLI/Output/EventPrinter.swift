import GameDayCore
import Synchronization

/// How much the run prints while it goes.
enum Verbosity: Sendable {
    /// Problems only (and the summary).
    case quiet
    /// Phases, notes, user changes (at most `UserLines.perSecond` a second).
    case normal
    /// Also every user change, the commands run and each state of a cut-over.
    case verbose
}

/// Prints run events as plain lines on stderr, stamped with the run's elapsed time; on a
/// terminal, also a live status line below them (phase, elapsed, each group's success and unit).
///
/// User changes are limited to `UserLines.perSecond` lines a second unless verbose: with a
/// thousand users a fault changes them all at once, and the rest are counted on one line instead.
struct EventPrinter: RunReporter {
    let clock: any RunClock
    let verbosity: Verbosity
    let style: TerminalStyle
    /// Draw the live status line (stderr is a terminal).
    let live: Bool
    private let userLines = UserLines()
    private let groupWidths = GroupWidths()

    init(clock: any RunClock, verbosity: Verbosity, style: TerminalStyle = .plain, live: Bool = false) {
        self.clock = clock
        self.verbosity = verbosity
        self.style = style
        self.live = live
    }

    var statusInterval: Duration? { live && verbosity != .quiet ? .milliseconds(250) : nil }

    func report(_ event: RunEvent) {
        let now = clock.now()
        let stamp = style.dim("[\(Self.stamp(now))]")
        let quiet = verbosity == .quiet
        switch event {
        case .phaseStarted(let phase):
            if !quiet { printPhase(phase.rawValue, stamp: stamp) }
        case .archiving:
            Terminal.status(nil)
            if !quiet { printPhase("archive", stamp: stamp) }
        case .note(let text):
            if !quiet { Terminal.err("\(stamp)    \(text)") }
        case .detail(let text):
            if verbosity == .verbose { Terminal.err("\(stamp)    \(style.dim(text))") }
        case .problem(let text):
            Terminal.err("\(stamp) \(style.red("!! \(text)"))")
        case .userChanged(let user, let sample):
            guard !quiet else { return }
            if verbosity != .verbose {
                let (print, held) = userLines.admit(second: Int(now / .seconds(1)))
                if let held { Terminal.err("\(stamp)    \(held)") }
                guard print else { return }
            }
            Terminal.err("\(stamp)    \(Self.userLine(user, sample, style: style))")
        case .status(let status):
            guard live, !quiet else { return }
            let widths = groupWidths.widths(after: status)
            Terminal.status(Self.statusLine(status, width: Terminal.width, style: style, widths: widths))
        }
    }

    /// `== observe`, after the user changes held back so far.
    private func printPhase(_ name: String, stamp: String) {
        if let held = userLines.flush() { Terminal.err("\(stamp)    \(held)") }
        Terminal.err("\(stamp) \(style.bold("== \(name)"))")
    }

    /// `user 6000 FAILING (status 503) from the probe sent at +2.302s, served by -`: the line is
    /// printed when the answer came, and names the probe's send time, which is what the timeline's
    /// moments (`detect`, `recovered`) and the summary use.
    static func userLine(_ user: TestUser, _ sample: ProbeSample, style: TerminalStyle) -> String {
        let state = sample.ok ? style.green("ok") : style.red("FAILING (\(sample.failure ?? "failed"))")
        return
            "user \(user.id) \(state) from the probe sent at \(stamp(sample.sentAt)), served by \(sample.unit ?? "-")"
    }

    /// `[+3.200s] observe │ beijing-users 0% beijing │ hangzhou-users 100% hangzhou │ +3 more (1 failing)`:
    /// one line of at most `width` columns whatever the number of groups. The widest groups come
    /// first (by `widths`, else by their answers in the span: every user is probed alike, so a
    /// group's answers count its users); those that do not fit are counted, and so are the failing
    /// ones among them.
    static func statusLine(
        _ status: LiveStatus, width: Int, style: TerminalStyle, widths: [String: Int] = [:]
    ) -> String {
        let head = "[\(stamp(status.elapsed))] \(status.phase?.rawValue ?? "")"
        let groups = status.groups.enumerated().sorted { a, b in
            let (wa, wb) = (widths[a.element.name] ?? a.element.answered, widths[b.element.name] ?? b.element.answered)
            return wa != wb ? wa > wb : a.offset < b.offset
        }
        .map(\.element)
        let parts = groups.map { group in
            let rate =
                group.answered == 0 ? "-" : "\(Int((Double(group.ok) / Double(group.answered) * 100).rounded()))%"
            return " │ \(group.name) \(rate) \(group.unit ?? "-")"
        }
        // Failing groups from each index on, for ` │ +3 more (1 failing)` about the groups from there.
        var failingFrom = Array(repeating: 0, count: groups.count + 1)
        for index in groups.indices.reversed() {
            failingFrom[index] = failingFrom[index + 1] + (groups[index].failed > 0 ? 1 : 0)
        }
        func more(_ shown: Int) -> String {
            guard shown < groups.count else { return "" }
            let failing = failingFrom[shown]
            return " │ +\(groups.count - shown) more" + (failing > 0 ? " (\(failing) failing)" : "")
        }
        var shown = 0
        var used = head.count
        while shown < parts.count, used + parts[shown].count + more(shown + 1).count <= width {
            used += parts[shown].count
            shown += 1
        }
        var line = style.bold(head)
        for (group, part) in zip(groups, parts).prefix(shown) {
            line +=
                group.answered == 0
                ? part : group.failed == 0 ? style.green(part) : group.ok == 0 ? style.red(part) : style.yellow(part)
        }
        let rest = more(shown)
        if !rest.isEmpty, used + rest.count <= width { line += rest.contains("failing") ? style.red(rest) : rest }
        return line
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

/// The most answers each group had in a status's span so far. Ordering the status line by it, not
/// by the answers of the moment, keeps groups of the same size from swapping places every redraw.
final class GroupWidths: Sendable {
    private let state = Mutex<[String: Int]>([:])

    /// Each group's width, with `status` counted.
    func widths(after status: LiveStatus) -> [String: Int] {
        state.withLock { widths in
            for group in status.groups { widths[group.name] = max(widths[group.name] ?? 0, group.answered) }
            return widths
        }
    }
}

extension LiveStatus.Group {
    /// Probes answered in the span, ok or failed.
    var answered: Int { ok + failed }
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
