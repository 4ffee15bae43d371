import Foundation
import GameDayCore
import GameDayRuntime

extension LabSupervisor {
    /// Starts Prometheus and its Pushgateway for the services of `manifest`, each under a companion,
    /// and returns once Prometheus is ready and reports `up == 1` for every target. The caller stops
    /// them (`down`) when this throws.
    func startPrometheus(for manifest: LabManifest, tiedTo: Int32?, timeout: Duration) async throws -> LabPrometheus {
        for program in [LabPrometheus.prometheusProgram, LabPrometheus.pushgatewayProgram]
        where access(program, X_OK) != 0 {
            throw LabError.prometheusMissing(program: program)
        }
        let port = try LabPorts.freePort()
        var pushgatewayPort = try LabPorts.freePort()
        while pushgatewayPort == port { pushgatewayPort = try LabPorts.freePort() }
        let prometheus = LabPrometheus(paths: paths, port: port, pushgatewayPort: pushgatewayPort)
        let fileManager = FileManager.default
        // A new lab's Prometheus starts empty, like its order databases.
        try? fileManager.removeItem(atPath: LabPrometheus.directory(paths))
        try fileManager.createDirectory(atPath: prometheus.dataDirectory, withIntermediateDirectories: true)
        try prometheus.config(services: manifest.services).write(
            toFile: prometheus.configFile, atomically: true, encoding: .utf8)

        var companions: [String: pid_t] = [:]
        for (name, program) in [
            (LabPrometheus.pushgatewayName, prometheus.pushgatewayArguments),
            (LabPrometheus.prometheusName, prometheus.prometheusArguments),
        ] {
            let logFile = paths.logFile(name)
            _ = fileManager.createFile(atPath: logFile, contents: nil)
            companions[name] = try DetachedProcess.spawn(
                executable: executable,
                arguments: Self.companionArguments(
                    name: name, runDirectory: paths.root, tiedTo: tiedTo, program: program),
                logFile: logFile)
        }
        try await waitUntilScraping(
            prometheus, targets: prometheus.targets(services: manifest.services), companions: companions,
            timeout: timeout)
        return prometheus
    }

    /// `lab companion --name NAME --run-dir D [--tied-to PID] -- PROGRAM ARGS...`.
    static func companionArguments(name: String, runDirectory: String, tiedTo: Int32?, program: [String]) -> [String] {
        ["lab", "companion", "--name", name, "--run-dir", runDirectory]
            + (tiedTo.map { ["--tied-to", String($0)] } ?? []) + ["--"] + program
    }

    /// Polls Prometheus until `/-/ready` answers 200 and `up` is 1 for every address of `targets`;
    /// fails early when one of `companions` (name → pid) exits.
    func waitUntilScraping(
        _ prometheus: LabPrometheus, targets: Set<String>, companions: [String: pid_t], timeout: Duration
    ) async throws {
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        // Empty until Prometheus is ready: the error then says it never was.
        var missing: [String] = []
        while true {
            for (name, pid) in companions.sorted(by: { $0.key < $1.key }) where !LabProcessTable.isAlive(pid) {
                throw LabError.companionExited(
                    name: name, logFile: paths.logFile(name), logTail: logTail(paths.logFile(name)))
            }
            if await HealthCheck.isHealthy(prometheus.url + "/-/ready") {
                let up = await Self.upTargets(prometheus.url)
                missing = targets.subtracting(up).sorted()
                if missing.isEmpty { return }
            }
            if clock.now >= deadline {
                throw LabError.prometheusNotScraping(
                    url: prometheus.url, missing: missing, timeout: timeout,
                    logFile: paths.logFile(LabPrometheus.prometheusName),
                    logTail: logTail(paths.logFile(LabPrometheus.prometheusName)))
            }
            try await Task.sleep(for: .milliseconds(200))
        }
    }

    /// Whether a running lab has what `--prometheus` asks for: true without the flag.
    func hasPrometheus(_ manifest: LabManifest, ifRequested requested: Bool) async -> Bool {
        guard requested else { return true }
        guard let prometheus = manifest.prometheus else { return false }
        return await isPrometheusReady(prometheus)
    }

    /// Whether the lab's Prometheus and Pushgateway both answer `/-/ready`.
    func isPrometheusReady(_ prometheus: LabPrometheus) async -> Bool {
        let ready = await HealthCheck.check([prometheus.url + "/-/ready", prometheus.pushgatewayURL + "/-/ready"])
        return ready.values.allSatisfy { $0 } && ready.count == 2
    }

    /// The `instance`s for which Prometheus's `up` is 1 now; empty when it cannot be asked.
    static func upTargets(_ url: String) async -> Set<String> {
        let request = HTTPRequest(url: url + "/api/v1/query?query=up", timeout: .seconds(1))
        guard let response = try? await CurlHTTPClient().send(request), response.status == 200,
            let object = try? JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any],
            let data = object["data"] as? [String: Any], let result = data["result"] as? [[String: Any]]
        else { return [] }
        var up: Set<String> = []
        for series in result {
            guard let labels = series["metric"] as? [String: String], let instance = labels["instance"],
                let value = series["value"] as? [Any], value.count == 2, value[1] as? String == "1"
            else { continue }
            up.insert(instance)
        }
        return up
    }

    /// Stops the lab's companions (each passes SIGTERM on to its program and exits once it has),
    /// then any Prometheus or Pushgateway of this lab still there, found by their files' paths: one
    /// whose companion was killed where `setpriv` is missing. Returns what it stopped.
    func stopPrometheus(grace: Duration) async -> [LabDownReport.Stopped] {
        let companions = LabProcessTable.labCompanionProcesses(runDirectory: paths.root)
        // Before they stop: a process that is gone has no command line to read.
        let names = companions.map { LabProcessTable.companionName(of: $0) ?? "companion" }
        let programs = LabProcessTable.programsUsing(directory: LabPrometheus.directory(paths))
        let programNames = programs.map {
            URL(fileURLWithPath: LabProcessTable.arguments(of: $0)?.first ?? "?").lastPathComponent
        }
        let killedCompanions = await terminate(companions, grace: grace) {
            LabProcessTable.isLabCompanion($0, runDirectory: paths.root)
        }
        // Those a companion took along are gone by now; only strays are left to stop.
        let strays = programs.filter(LabProcessTable.isAlive)
        let directory = LabPrometheus.directory(paths)
        let killedPrograms = await terminate(strays, grace: grace) { LabProcessTable.isProgram($0, using: directory) }
        return zip(companions, names).map {
            LabDownReport.Stopped(name: $1, pid: $0, killed: killedCompanions.contains($0))
        }
            + zip(programs, programNames).filter { strays.contains($0.0) }.map {
                LabDownReport.Stopped(name: $1, pid: $0, killed: killedPrograms.contains($0))
            }
    }
}
