import Foundation
import GameDayCore

extension TestLab {
    /// Starts a lab, runs `body` with it, and always takes it down and removes its run directory,
    /// whether `body` returns or throws. The lab is tied to this test process, so even a crash of
    /// the test run leaves no service behind.
    ///
    /// Labs take a slot of `LabSlots.shared` first: only a few run at once.
    ///
    /// With `isolation: .netns` (root only) each unit runs in its own network namespace.
    /// `syncWait: false` is `lab up --no-sync-wait`: cut-overs switch without waiting for replication.
    /// `units` is `--units` (nil: the lab's default, beijing and hangzhou); `unitIn` is `--unit-in`
    /// (nil: the default, both); `routing` is `--routing` (nil: modulo). `exclusive` (the default
    /// for more than two units) keeps every other lab of the test run waiting while this one runs.
    /// `prometheus` is `--prometheus`: the lab's Prometheus and Pushgateway, at `prometheusURL` and
    /// `pushgatewayURL`.
    public static func withLab<T>(
        syncWait: Bool = true, switchDelay: Duration = .zero, replicationLag: Duration = .milliseconds(100),
        syncTimeout: Duration = .seconds(5), isolation: Isolation = .loopback, units: [String]? = nil,
        unitIn: String? = nil, routing: String? = nil, exclusive: Bool? = nil, prometheus: Bool = false,
        _ body: (TestLab) async throws -> T
    ) async throws -> T {
        var extra: [String] = []
        if let units { extra += ["--units", units.joined(separator: ",")] }
        if let unitIn { extra += ["--unit-in", unitIn] }
        if let routing { extra += ["--routing", routing] }
        if prometheus { extra.append("--prometheus") }
        let wide = exclusive ?? ((units?.count ?? 2) > 2)
        return try await LabSlots.shared.with(slots: wide ? LabSlots.shared.width : 1) {
            try await run(
                syncWait: syncWait, switchDelay: switchDelay, replicationLag: replicationLag, syncTimeout: syncTimeout,
                isolation: isolation, extra: extra, body)
        }
    }

    private static func run<T>(
        syncWait: Bool, switchDelay: Duration, replicationLag: Duration, syncTimeout: Duration, isolation: Isolation,
        extra: [String], _ body: (TestLab) async throws -> T
    ) async throws -> T {
        let binary = try GameDayBinary.path
        let runDirectory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: runDirectory) }

        let up = try await ChildProcess.run(
            [
                binary, "lab", "up", "--run-dir", runDirectory, "--base-port", "0", "--tied-to", String(getpid()),
                syncWait ? "--sync-wait" : "--no-sync-wait", "--sync-timeout", DurationText.format(syncTimeout),
                "--replication-lag", DurationText.format(replicationLag), "--switch-delay",
                DurationText.format(switchDelay),
                "--isolation", isolation.rawValue,
            ] + extra, timeout: .seconds(60))

        let result: Result<T, any Error>
        if up.exitCode != 0 {
            result = .failure(TestLabError.upFailed(up))
        } else {
            do {
                let lab = try load(runDirectory: runDirectory, binary: binary)
                result = .success(try await body(lab))
            } catch {
                result = .failure(error)
            }
        }
        // Always, even after a failed `up`: it may have started some services before failing.
        let down = try await ChildProcess.run(
            [binary, "lab", "down", "--run-dir", runDirectory], timeout: .seconds(30))
        let value = try result.get()
        if down.exitCode != 0 { throw TestLabError.downFailed(down) }
        return value
    }

    /// Reads `lab.json` and the token of a lab that is up.
    static func load(runDirectory: String, binary: String) throws -> TestLab {
        struct Manifest: Decodable {
            var tokenFile: String
            var targetFile: String
            var groundTruthLog: String
            var serviceEventLog: String?
            var gatewayURL: String
            var controlPlaneURL: String
            var services: [Service]
            var isolation: String?
            var namespaces: [Namespace]?
            var units: [String]?
            var prometheus: Prometheus?

            struct Prometheus: Decodable {
                var url: String
                var pushgatewayURL: String
                enum CodingKeys: String, CodingKey {
                    case url
                    case pushgatewayURL = "pushgateway_url"
                }
            }

            enum CodingKeys: String, CodingKey {
                case isolation, namespaces, units, prometheus
                case tokenFile = "token_file"
                case targetFile = "target_file"
                case groundTruthLog = "ground_truth_log"
                case serviceEventLog = "service_event_log"
                case gatewayURL = "gateway_url"
                case controlPlaneURL = "control_plane_url"
                case services
            }
        }
        let path = runDirectory + "/lab.json"
        let manifest: Manifest
        do {
            manifest = try JSONDecoder().decode(Manifest.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
        } catch {
            throw TestLabError.unreadableManifest(path: path, reason: "\(error)")
        }
        let token = try String(contentsOfFile: manifest.tokenFile, encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        var lab = TestLab(
            runDirectory: runDirectory, targetPath: manifest.targetFile, tokenPath: manifest.tokenFile, token: token,
            gatewayURL: manifest.gatewayURL, controlPlaneURL: manifest.controlPlaneURL,
            groundTruthPath: manifest.groundTruthLog,
            serviceEventsPath: manifest.serviceEventLog ?? runDirectory + "/services.jsonl",
            services: manifest.services, binary: binary,
            isolation: manifest.isolation.flatMap(Isolation.init(rawValue:)) ?? .loopback,
            namespaces: manifest.namespaces ?? [], units: manifest.units ?? ["beijing", "hangzhou"])
        lab.prometheusURL = manifest.prometheus?.url
        lab.pushgatewayURL = manifest.prometheus?.pushgatewayURL
        return lab
    }

    /// A fresh directory under the system's temporary directory.
    public static func makeTemporaryDirectory(prefix: String = "gameday-lab") throws -> String {
        var template = Array((NSTemporaryDirectory() + "/\(prefix)-XXXXXX").utf8CString)
        guard let created = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
            throw CocoaError(.fileWriteUnknown)
        }
        return URL(fileURLWithPath: String(cString: created)).standardizedFileURL.path
    }
}
