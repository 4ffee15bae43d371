import Foundation
import GameDayTestSupport
import Testing

@testable import GameDayCLI

/// `gameday --version`: the version from the `VERSION` file and the commit the build was made from,
/// in every build (the GameDayBuildInfo plugin writes them before each one).
@Suite struct VersionTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path

    /// A git checkout of this package with git to ask (a source tarball has neither).
    static let isGitCheckout =
        FileManager.default.fileExists(atPath: "\(repository)/.git")
        && FileManager.default.isExecutableFile(atPath: "/usr/bin/git")

    @Test func theVersionIsTheVersionFilesAndNamesTheCommit() throws {
        let file = try String(contentsOfFile: "\(Self.repository)/VERSION", encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(GameDayVersion.number == file)
        #expect(GameDay.configuration.version == GameDayVersion.current)
        let line = /gameday \d+\.\d+\.\d+(-[0-9A-Za-z.]+)? \((commit [0-9a-f]{7,}(, modified)?|unknown commit)\)/
        #expect(GameDayVersion.current.wholeMatch(of: line) != nil, "\(GameDayVersion.current)")
    }

    @Test func theReadmeInstallsThisVersionsPackage() throws {
        let readme = try String(contentsOfFile: "\(Self.repository)/README.md", encoding: .utf8)
        #expect(readme.contains("sudo apt install ./gameday_\(GameDayVersion.number)_amd64.deb"))
    }

    @Test(.enabled(if: isGitCheckout, "needs a git checkout of gameday and /usr/bin/git"))
    func aBuildFromACheckoutNamesItsHeadCommit() async throws {
        let head = try await ChildProcess.run(
            ["/usr/bin/git", "-C", Self.repository, "-c", "safe.directory=*", "rev-parse", "HEAD"])
        #expect(head.exitCode == 0, "\(head.transcript)")
        let commit = try #require(GameDayVersion.commit, "built from a checkout, yet no commit")
        let hash = String(commit.prefix { $0 != "," })
        #expect(head.stdout.hasPrefix(hash), "built from \(hash), HEAD is \(head.stdout)")
    }
}
