import Foundation
import GameDayCore
import GameDayRuntime

/// `gameday-bench delay`: how closely the latency fault's nfqueue delayer keeps to the delay it is
/// asked for, at which packet rate it stops keeping within 1 ms, and what it costs in CPU; and the
/// same measurement with tc netem inside the VM (`scripts/vm.sh`), whose kernel has netem, in the
/// same invocation. Root only; see bench/RESULTS.md.
///
/// Every delayed run is read against a reference run without any delay on the same path, at the
/// same rate, taken just before it: the added delay is the one-way latency minus the reference's
/// median.
enum DelayBench {
    /// One delayed run's shape: the jitter around the delay, and whether packets may overtake.
    struct Setting: Sendable {
        var jitter: Duration
        var reorders: Bool
    }

    static func run(_ arguments: [String]) async throws -> String {
        let options = try DelayBenchOptions(arguments)
        guard getuid() == 0 else { throw BenchError.notRoot }
        let executable = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")
        var report = DelayBenchReport()
        report.rows = try await measure(options, executable: executable)
        if options.vm != "none" {
            let (outcome, rows) = await DelayBenchVM.measure(options, executable: executable)
            report.vm = outcome
            report.rows += rows
        }
        switch options.emit {
        case .json:
            let encoder = JSONEncoder()
            encoder.outputFormatting = .sortedKeys
            return DelayBenchVM.resultPrefix + String(decoding: try encoder.encode(report), as: UTF8.self)
        case .table:
            return DelayBenchTable.render(report, options: options)
        }
    }

    /// Every step here, in a fresh pair of namespaces: at the accuracy rate, the reference and one
    /// run per backend and setting; then, per rate, the reference and one run per backend.
    static func measure(_ options: DelayBenchOptions, executable: String) async throws -> [DelayBenchRow] {
        let delay = Duration.milliseconds(options.delayMilliseconds)
        let jitter = Duration.milliseconds(options.jitterMilliseconds)
        var settings = [Setting(jitter: .zero, reorders: false)]
        if jitter > .zero {
            settings += [Setting(jitter: jitter, reorders: false), Setting(jitter: jitter, reorders: true)]
        }
        return try await BenchNamespaces.with(runID: options.runID) { pair in
            let path = DelayBenchPath(
                pair: pair, queueRule: options.queueRule, executable: executable, runID: options.runID)
            var rows = try await measure(
                .accuracy, rate: options.accuracyRate, seconds: options.accuracySeconds, delay: delay,
                settings: settings, on: path, options: options)
            for rate in options.rates {
                rows += try await measure(
                    .rate, rate: rate, seconds: options.rateSeconds, delay: delay,
                    settings: [Setting(jitter: .zero, reorders: false)], on: path, options: options)
            }
            return rows
        }
    }

    /// The reference at `rate`, then each backend with each setting it can take.
    static func measure(
        _ kind: DelayBenchRow.Kind, rate: Int, seconds: Int, delay: Duration, settings: [Setting],
        on path: DelayBenchPath, options: DelayBenchOptions
    ) async throws -> [DelayBenchRow] {
        progress("\(rate) packets/s for \(seconds) s: reference (nothing on the path)")
        let (referenceSender, reference) = try await path.measure(
            rate: rate, seconds: seconds, tail: .milliseconds(100), undelayedBelow: .zero)
        var rows: [DelayBenchRow] = []
        for backend in options.backends {
            // netem always lets jittered packets overtake: it has no order-keeping setting to compare.
            for setting in settings where !(backend == .netem && setting.jitter > .zero && !setting.reorders) {
                var row = DelayBenchRow(
                    kind: kind, place: place, backend: name(backend, options),
                    delayMilliseconds: Int(delay.milliseconds),
                    jitterMilliseconds: Int(setting.jitter.milliseconds), reorders: setting.reorders, rate: rate,
                    referenceSender: referenceSender, reference: reference, sender: DelayBenchSender.Report(),
                    measured: DelayBenchReceiver.Summary())
                progress("\(rate) packets/s for \(seconds) s: \(row.backend), \(row.setting)")
                try await delayed(
                    &row, backend: backend, delay: delay, setting: setting, seconds: seconds, on: path,
                    gameday: options.gameday)
                rows.append(row)
            }
        }
        return rows
    }

    /// Puts `backend` on the path, measures, and takes it away again (also when the measurement fails).
    static func delayed(
        _ row: inout DelayBenchRow, backend: DelayBenchOptions.Backend, delay: Duration, setting: Setting,
        seconds: Int, on path: DelayBenchPath, gameday: String
    ) async throws {
        let tail = delay + setting.jitter + .milliseconds(200)
        let undelayedBelow = (delay - setting.jitter) / 2
        switch backend {
        case .netem:
            try await path.addNetem(delay: delay, jitter: setting.jitter)
            do {
                (row.sender, row.measured) = try await path.measure(
                    rate: row.rate, seconds: seconds, tail: tail, undelayedBelow: undelayedBelow)
            } catch {
                try? await path.removeNetem()
                throw error
            }
            try await path.removeNetem()
        case .nfqueue:
            let delayer = try await DelayBenchDelayer.start(
                gameday: gameday, namespace: path.pair.server, queue: DelayBenchPath.queue,
                delay: delay, jitter: setting.jitter, reorder: setting.reorders, runID: path.runID)
            do {
                try await path.addQueueRule()
                let (before, started) = (delayer.cpu(), ContinuousClock.now)
                (row.sender, row.measured) = try await path.measure(
                    rate: row.rate, seconds: seconds, tail: tail, undelayedBelow: undelayedBelow)
                row.cpu = delayer.cpu() - before
                row.cpu?.wallMilliseconds = (ContinuousClock.now - started).milliseconds
                try await path.removeQueueRule()
            } catch {
                try? await path.removeQueueRule()
                _ = await delayer.stop()
                throw error
            }
            row.tally = await delayer.stop()
        }
    }

    static func name(_ backend: DelayBenchOptions.Backend, _ options: DelayBenchOptions) -> String {
        backend == .netem ? "netem" : "nfqueue (\(options.queueRule.rawValue))"
    }

    /// Where the rows were measured: this machine or the VM, with the kernel's release.
    static var place: String {
        let release = (try? String(contentsOfFile: "/proc/sys/kernel/osrelease", encoding: .utf8)) ?? "?"
        let inVM = ProcessInfo.processInfo.environment["GAMEDAY_IN_VM"] == "1"
        return (inVM ? "VM " : "host ") + release.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    static func progress(_ line: String) {
        FileHandle.standardError.write(Data("gameday-bench: delay: \(line)\n".utf8))
    }
}
