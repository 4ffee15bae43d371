import Testing

@testable import GameDayCLI

/// The live output's limit on user-change lines: a thousand users changing at a fault must not
/// flood the terminal, and none of the changes may go unmentioned.
@Suite struct UserLinesTests {
    @Test func printsTenASecondAndCountsTheRestOnOneLine() {
        let lines = UserLines()
        let first = (0..<13).map { _ in lines.admit(second: 4) }
        #expect(first.filter(\.print).count == UserLines.perSecond)
        #expect(first.allSatisfy { $0.held == nil })
        // The next second says what the last one held back, and prints again.
        let next = lines.admit(second: 5)
        #expect(next.print)
        #expect(next.held?.hasPrefix("… and 3 more user change(s)") == true)
        #expect(lines.flush() == nil)
    }

    @Test func aPhaseFlushesWhatWasHeldBack() {
        let lines = UserLines()
        for _ in 0..<12 { _ = lines.admit(second: 0) }
        #expect(lines.flush()?.hasPrefix("… and 2 more user change(s)") == true)
        #expect(lines.flush() == nil)
    }
}
