import Testing

@testable import GameDayRuntime

@Suite struct HostSelectionTests {
    let hosts = (1...10).map { "10.0.0.\($0)" }

    @Test(arguments: [
        (HostSelection.all, 10, 10), (.count(3), 10, 3), (.count(10), 10, 10),
        (.percent(50), 10, 5), (.percent(25), 10, 2), (.percent(33), 5, 1), (.percent(1), 5, 1),
        (.percent(100), 5, 5), (.percent(99.9), 5, 4), (.percent(60), 5, 3),
    ])
    func sizeRoundsDownButTakesAtLeastOne(selection: HostSelection, total: Int, size: Int) throws {
        #expect(try selection.size(of: total) == size)
    }

    @Test(arguments: [
        HostSelection.count(0), .count(11), .count(-1), .percent(0), .percent(-5), .percent(101), .percent(.nan),
    ])
    func refusesSelectionsThatCannotBeTaken(selection: HostSelection) {
        #expect(throws: SSHError.self) { try selection.choose(from: hosts, runID: "r1", name: { $0 }) }
    }

    /// The refusal names what is chosen among: hosts, or pods.
    @Test func aRefusalSaysWhatItChoseAmong() {
        #expect(throws: SSHError.invalidSelection("count 11 must be between 1 and the 10 hosts available")) {
            try HostSelection.count(11).choose(from: hosts, runID: "r1", name: { $0 })
        }
        #expect(throws: SSHError.invalidSelection("count 11 must be between 1 and the 10 pods available")) {
            try HostSelection.count(11).choose(from: hosts, runID: "r1", noun: "pods", name: { $0 })
        }
    }

    @Test func theSameRunChoosesTheSameHostsInTheirOrder() throws {
        let first = try HostSelection.count(4).choose(from: hosts, runID: "8f3a", name: { $0 })
        let again = try HostSelection.count(4).choose(from: hosts.reversed(), runID: "8f3a", name: { $0 })
        #expect(first.count == 4)
        #expect(Set(first) == Set(again))
        #expect(first == hosts.filter(first.contains))
    }

    @Test func otherRunsChooseOtherSubsets() throws {
        let subsets = Set(
            try (0..<20).map { try HostSelection.percent(30).choose(from: hosts, runID: "run-\($0)", name: { $0 }) })
        #expect(subsets.count > 1)
    }

    /// FNV-1a is fixed (values from an independent implementation): a selection recorded with a run
    /// can be recomputed by any later build, on any machine.
    @Test func theRankIsStableAcrossProcesses() throws {
        #expect(HostSelection.rank("a", "b") == 0xe5d2_9919_0426_66b2)
        #expect(
            try HostSelection.count(3).choose(from: hosts, runID: "8f3a", name: { $0 }) == [
                "10.0.0.2", "10.0.0.3", "10.0.0.10",
            ])
    }

    @Test func describesItself() {
        #expect(HostSelection.all.description == "all hosts")
        #expect(HostSelection.count(1).description == "1 host")
        #expect(HostSelection.percent(50).description == "50% of hosts")
        #expect(HostSelection.percent(12.5).description == "12.5% of hosts")
    }
}
