import Foundation
import GameDayCore
import Testing

/// The `gameday recover` command the run's messages give: exact, so it finds the run's own ledger.
@Suite struct RecoverCommandTests {
    static let here = FileManager.default.currentDirectoryPath

    @Test func theDefaultStateDirectoryIsLeftOut() {
        let command = RecoverCommand(target: "/srv/lab/target.yaml", stateDirectory: ".gameday/state")
        #expect(command.description == "gameday recover --target /srv/lab/target.yaml")
        #expect(RecoverCommand(target: "/srv/lab/target.yaml", stateDirectory: nil) == command)
        #expect(
            RecoverCommand(target: "/srv/lab/target.yaml", stateDirectory: "\(Self.here)/.gameday/./state") == command)
    }

    @Test func anotherStateDirectoryIsGivenAbsolute() {
        let command = RecoverCommand(target: "lab/target.yaml", stateDirectory: "runs/../state")
        #expect(
            command.description
                == "gameday recover --target \(Self.here)/lab/target.yaml --state-dir \(Self.here)/state")
    }

    @Test func aPathAShellWouldSplitIsQuoted() {
        let command = RecoverCommand(target: "/srv/my lab/target.yaml", stateDirectory: "/srv/$state")
        #expect(
            command.description == #"gameday recover --target "/srv/my lab/target.yaml" --state-dir "/srv/\$state""#)
    }
}
