import GameDayCore

/// Prints run events as plain lines on stderr, stamped with the run's elapsed time.
struct EventPrinter: RunReporter {
    let clock: any RunClock
    let quiet: Bool

    func report(_ event: RunEvent) {
        let stamp = "[\(Self.stamp(clock.now()))]"
        switch event {
        case .phaseStarted(let phase):
            if !quiet { Terminal.err("\(stamp) == \(phase)") }
        case .note(let text):
            if !quiet { Terminal.err("\(stamp)    \(text)") }
        case .problem(let text):
            Terminal.err("\(stamp) !! \(text)")
        case .userChanged(let user, let sample):
            guard !quiet else { return }
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
