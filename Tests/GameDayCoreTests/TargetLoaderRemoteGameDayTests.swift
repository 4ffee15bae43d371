import Testing

@testable import GameDayCore

/// `ssh.gameday`: where gameday is on a unit's hosts. A path there, never one of this machine, so
/// a relative path (which the target's rule would read from this file's folder) is refused.
@Suite struct TargetLoaderRemoteGameDayTests {
    static func target(ssh: String) throws(DiagnosticsError) -> Target {
        let yaml = """
            target: remote-gameday
            gateway: { url: "http://127.0.0.1:1" }
            control_plane: { url: "http://127.0.0.1:2" }
            routing:
              ranges:
                - { from: 0, to: 9999, unit: beijing }
            units:
              beijing:
                ssh: \(ssh)
                services:
                  product: { hosts: ["10.0.1.11"], process: { port: 9311 } }
            """
        return try DrillLoader.parseTarget(yaml: yaml, file: "/drills/target.yaml")
    }

    @Test func defaultsToGameDayOnTheHostsPath() throws {
        #expect(try Self.target(ssh: "{ user: root }").unit(named: "beijing")?.ssh?.gameday == "gameday")
    }

    @Test(arguments: ["/usr/local/bin/gameday", "gameday-1.4"])
    func takesAnAbsolutePathOrABareNameAsWritten(_ gameday: String) throws {
        let ssh = try Self.target(ssh: "{ gameday: \"\(gameday)\" }").unit(named: "beijing")?.ssh
        #expect(ssh?.gameday == gameday, "not resolved against the target file's folder")
    }

    @Test(arguments: ["./bin/gameday", "bin/gameday", "-gameday"])
    func refusesARelativePathWithItsLocation(_ gameday: String) throws {
        do {
            _ = try Self.target(ssh: "{ gameday: \"\(gameday)\" }")
            Issue.record("'\(gameday)' was accepted")
        } catch {
            let text = error.description
            #expect(text.contains("/drills/target.yaml:9:"), "\(text)")
            #expect(text.contains("units.beijing.ssh.gameday"), "\(text)")
        }
    }
}
