import Foundation

extension TestLab {
    /// Every line of `D/services.jsonl` so far, in the order the supervisors wrote them.
    public func serviceEvents() throws -> [ServiceEvent] {
        guard let text = try? String(contentsOfFile: serviceEventsPath, encoding: .utf8) else { return [] }
        // Only whole lines: a supervisor may be appending one right now.
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        lines.removeLast()
        return try lines.filter { !$0.isEmpty }.map {
            try JSONDecoder().decode(ServiceEvent.self, from: Data($0.utf8))
        }
    }

    /// The first event that satisfies `matches`, once it is logged; nil when none is within `timeout`.
    public func serviceEvent(
        timeout: Duration = .seconds(10), where matches: (ServiceEvent) -> Bool
    ) async throws -> ServiceEvent? {
        let deadline = ContinuousClock.now + timeout
        while true {
            if let event = try serviceEvents().first(where: matches) { return event }
            if ContinuousClock.now >= deadline { return nil }
            try await Task.sleep(for: .milliseconds(5))
        }
    }
}
