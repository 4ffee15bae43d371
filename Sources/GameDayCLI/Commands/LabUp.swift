import ArgumentParser
import Foundation
import GameDayLab

extension GameDay.Lab {
    /// `gameday lab up`: start every service and wait until all are healthy.
    struct Up: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "up",
            abstract: "Start the lab and wait until every service answers /health.",
            discussion: """
                Ports from the base port N: gateway N, control plane N+1, beijing storefront/product/cart \
                N+10..12, its fault proxy's Toxiproxy-compatible admin API N+13 and its proxies to product and \
                cart N+14..15 (the storefront calls them through these), its order service N+16, hangzhou \
                N+20..26 likewise, and each further unit of --units 10 ports higher. Each unit's orders are in D/<unit>/orders.db, which a new 'lab up' empties. \
                The control plane token comes from $GAMEDAY_LAB_TOKEN when set, \
                else a new one is written to D/token (mode 0600).
                """)

        @OptionGroup var location: LabRunDirectoryOptions

        @Option(help: "Gateway port; the others follow it. 0 picks free ports.")
        var basePort: Int = 9300

        @Flag(
            inversion: .prefixedNo,
            help: ArgumentHelp(
                "Whether each cut-over waits, after its write block, until the destination unit has applied "
                    + "every write the source committed. --no-sync-wait switches at once: writes not yet "
                    + "replicated are lost."))
        var syncWait: Bool = true

        @Option(help: "How long a sync wait may take before the cut-over fails (and lifts its block); 0 to 1h.")
        var syncTimeout: LabDuration = LabDuration(.seconds(5))

        @Option(help: "How old a unit's order must be before it is replicated to the other units; 0 to 1h.")
        var replicationLag: LabDuration = LabDuration(.milliseconds(100))

        @Option(help: "Extra pause before each cut-over's switch, to make slow cut-overs; 0 to 1h.")
        var switchDelay: LabDuration = LabDuration(.zero)

        @Option(help: ArgumentHelp("Every service exits by itself once this process is gone.", valueName: "pid"))
        var tiedTo: Int32?

        @Option(
            help: ArgumentHelp(
                "loopback: every service on 127.0.0.1. netns: each unit in its own network namespace (needs root), "
                    + "so nftables and tc faults hit one unit; without root the lab falls back to loopback. "
                    + "Default: loopback, or what a running lab has."))
        var isolation: LabIsolation?

        @Option(
            help: ArgumentHelp(
                "The units, comma-separated, two or more distinct names of lowercase letters, digits and hyphens "
                    + "(in port order). The starting rule splits userId % 10000 evenly, the first unit taking the "
                    + "top range; every unit replicates its orders to every other. Default: beijing,hangzhou, "
                    + "or what a running lab has.",
                valueName: "unit,unit,..."))
        var units: String?

        @Option(
            help: ArgumentHelp(
                "Where the gateway names the unit that served a request: the X-Unit header, a top-level \"unit\" "
                    + "field of the JSON body, or both. Default: both, or what a running lab has."))
        var unitIn: UnitMarking?

        @Option(
            help: ArgumentHelp(
                "How the gateway routes: modulo (userId % 10000 in ranges, AppActive), hash (crc32 of memberId "
                    + "into 64 slots, 8 shards), geo (a location in fences, two per unit, Ele.me) or regex (an nginx "
                    + "map on the user id's tail). Default: modulo, or what a running lab has."))
        var routing: LabRoutingModel?

        @Flag(
            help: ArgumentHelp(
                "Also start Prometheus and its Pushgateway (Debian's prometheus and prometheus-pushgateway) on free "
                    + "loopback ports, scraping every service's /metrics each second, and name Prometheus in "
                    + "target.yaml. Both stop with the lab."))
        var prometheus = false

        /// `--units` as a checked layout, nil without it.
        var layout: LabLayout? {
            get throws {
                guard let units else { return nil }
                do {
                    return try LabLayout(
                        units: units.split(separator: ",", omittingEmptySubsequences: false).map {
                            $0.trimmingCharacters(in: .whitespaces)
                        })
                } catch {
                    throw ValidationError(error.localizedDescription)
                }
            }
        }

        func validate() throws {
            _ = try layout
            guard basePort == 0 || (1024...65_500).contains(basePort) else {
                throw ValidationError("--base-port must be 0 (free ports) or between 1024 and 65500, not \(basePort)")
            }
            if let tiedTo, tiedTo <= 0 { throw ValidationError("--tied-to must be a process id, not \(tiedTo)") }
            try syncTimeout.check("--sync-timeout")
            try replicationLag.check("--replication-lag")
            try switchDelay.check("--switch-delay")
        }

        func run() async throws {
            let supervisor = LabSupervisor(runDirectory: location.runDirectory)
            let token = ProcessInfo.processInfo.environment[LabToken.environmentVariable].flatMap {
                $0.isEmpty ? nil : $0
            }
            let options = LabUpOptions(
                basePort: basePort, syncWait: syncWait, syncTimeout: syncTimeout.duration,
                replicationLag: replicationLag.duration, switchDelay: switchDelay.duration, tiedTo: tiedTo,
                environmentToken: token, isolation: isolation, layout: try layout, unitIn: unitIn,
                routing: routing, prometheus: prometheus)
            let outcome = try await supervisor.up(options)
            switch outcome {
            case .alreadyRunning:
                print("The lab in \(supervisor.paths.root) is already up and healthy.")
            case .started:
                print("Lab up in \(supervisor.paths.root)")
            }
            if let reason = outcome.manifest.isolationFallback {
                Terminal.err(
                    "warning: --isolation netns is not possible here (\(reason)); the lab runs on loopback, so "
                        + LabIsolation.unisolatedFaults
                        + ". Run 'gameday lab up --isolation netns' as root to isolate them.")
            }
            let status = try await supervisor.status()
            print(LabStatusTable.isolationLine(status))
            print(LabStatusTable.unitsLine(status))
            print(LabStatusTable.render(status.services))
            for line in LabStatusTable.prometheusLines(status) { print(line) }
            print("target: \(outcome.manifest.targetFile)")
        }
    }
}

extension LabIsolation: ExpressibleByArgument {}
extension UnitMarking: ExpressibleByArgument {}
extension LabRoutingModel: ExpressibleByArgument {}
