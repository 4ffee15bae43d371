import ArgumentParser
import Foundation
import GameDayCore
import GameDayTestSupport
import Testing

@testable import GameDayCLI

/// `gameday init`'s arguments, and its service against a fake system: the files written, never
/// over existing ones without `--force`.
@Suite struct InitCommandTests {
    @Test func initTakesEveryOptionAndItsDefaults() throws {
        let plain = try CommandLineTests.parse(
            ["init", "--gateway", "http://gw:8080", "--control-plane", "http://cp:9000"], as: GameDay.Init.self)
        #expect(plain.gateway == "http://gw:8080" && plain.controlPlane == "http://cp:9000")
        #expect(plain.units == nil && plain.path == nil && plain.routing == nil && !plain.force)
        #expect(plain.keyParam == "userId" && plain.keys.isEmpty && plain.service == "product")
        #expect(plain.modulo == 10000 && plain.output == "." && plain.name == "my-system")

        let full = try CommandLineTests.parse(
            [
                "init", "--gateway", "http://gw", "--control-plane", "https://cp", "--units", "beijing,hangzhou",
                "--path", "/api/storefront", "--key-param", "uid", "--key", "1", "--key", "7000", "--service", "cart",
                "--modulo", "100", "--routing", "0-49=hangzhou,50-99=beijing", "--name", "staging", "-o", "starter",
                "--force",
            ], as: GameDay.Init.self)
        #expect(full.units == "beijing,hangzhou" && full.path == "/api/storefront" && full.keyParam == "uid")
        #expect(full.keys == [1, 7000] && full.service == "cart" && full.modulo == 100)
        #expect(full.routing == "0-49=hangzhou,50-99=beijing" && full.name == "staging" && full.output == "starter")
        #expect(full.force)
    }

    @Test func initRefusesWhatCannotBeMeant() {
        let base = ["init", "--gateway", "http://gw", "--control-plane", "http://cp"]
        for extra in [
            ["--gateway", "gw:8080"],
            ["--units", "beijing,,hangzhou"],
            ["--units", "bei jing"],
            ["--path", "storefront"],
            ["--routing", "0-4999=hangzhou"],
            ["--routing", "0-4999=hangzhou,4000-9999=beijing"],
            ["--routing", "0-4999:hangzhou,5000-9999:beijing"],
            ["--routing", "0-4999=hangzhou,5000-9999=shenzhen", "--units", "beijing,hangzhou"],
            ["--modulo", "0"],
            ["--service", "product;rm"],
        ] {
            let arguments = base + extra
            let code = GameDay.exitCode(for: CommandLineTests.error(arguments))
            #expect(code.rawValue == 64, "\(arguments): exit \(code.rawValue)")
        }
    }

    @Test func theServiceWritesBothFilesAndNeverOverwritesWithoutForce() async throws {
        let directory = try TestLab.makeTemporaryDirectory(prefix: "gameday-init")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let settings = StarterSettings(
            gatewayURL: FakeSystem.gateway, controlPlaneURL: FakeSystem.controlPlane, path: "/storefront")
        let service = StarterService(
            settings: settings, directory: "\(directory)/new", force: false, transport: FakeSystem())
        let lines = try await service.run()
        #expect(lines.contains { $0.hasPrefix("wrote \(directory)/new/target.yaml (") })
        let target = try String(contentsOfFile: "\(directory)/new/target.yaml", encoding: .utf8)
        #expect(target.contains("unit: beijing"))
        #expect(FileManager.default.fileExists(atPath: "\(directory)/new/drill.yaml"))

        // Nothing is asked or written when a file is there.
        try "mine\n".write(toFile: "\(directory)/new/drill.yaml", atomically: true, encoding: .utf8)
        let system = FakeSystem()
        var again = service
        again.transport = system
        let refusing = again
        let error = await #expect(throws: StarterError.self) { try await refusing.run() }
        #expect(error == .wouldOverwrite(["\(directory)/new/target.yaml", "\(directory)/new/drill.yaml"]))
        #expect(system.requests.withLock { $0.isEmpty })
        #expect(try String(contentsOfFile: "\(directory)/new/drill.yaml", encoding: .utf8) == "mine\n")

        again.force = true
        _ = try await again.run()
        #expect(try String(contentsOfFile: "\(directory)/new/drill.yaml", encoding: .utf8).hasPrefix("# A starter"))
    }
}
