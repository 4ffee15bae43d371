import Foundation
import GameDayCore
import GameDayRuntime

/// `gameday-bench --target LAB/target.yaml`: times each fault kind's apply and revert through its
/// driver, and a whole drill run's overhead, against references measured in the same invocation;
/// prints Markdown tables. Root only; see bench/RESULTS.md.
///
/// `gameday-bench probes --target LAB/target.yaml` measures the probe engine instead (`ProbeBench`);
/// `gameday-bench ssh` a fault across 1, 5 and 20 real sshd hosts (`SSHBench`); `gameday-bench
/// routing` what routing 1,000,000 keys costs per routing model (`RoutingBench`); `gameday-bench delay`
/// how closely the latency fault's nfqueue delayer keeps its delay, beside netem in the VM (`DelayBench`).
@main
struct GameDayBench {
    static func main() async {
        do {
            let arguments = Array(CommandLine.arguments.dropFirst())
            switch arguments.first {
            case "probes":
                print(try await ProbeBench.run(ProbeBenchOptions(Array(arguments.dropFirst()))))
                return
            case "ssh":
                print(try await SSHBench.run(Array(arguments.dropFirst())))
                return
            case "routing":
                print(try RoutingBench.run(Array(arguments.dropFirst())))
                return
            case "delay":
                print(try await DelayBench.run(Array(arguments.dropFirst())))
                return
            case "delay-send":
                print(try DelayBenchSender.run(Array(arguments.dropFirst())))
                return
            case "delay-receive":
                print(try DelayBenchReceiver.run(Array(arguments.dropFirst())))
                return
            case "probe-memory":
                print(try await ProbeMemory.runChild(ProbeBenchOptions(Array(arguments.dropFirst()))))
                return
            default: break
            }
            let options = try BenchOptions(arguments)
            guard getuid() == 0 else { throw BenchError.notRoot }
            print(try await run(options))
        } catch {
            // The library's errors (diagnostics, fault and command errors) describe themselves.
            let message = (error as? BenchError)?.errorDescription ?? "\(error)"
            FileHandle.standardError.write(Data("gameday-bench: error: \(message)\n".utf8))
            exit(1)
        }
    }

    static func run(_ options: BenchOptions) async throws -> String {
        let target = try DrillLoader.loadTarget(path: options.target)
        let port = try BenchFaults.productPort(in: target, targetFile: options.target)
        let processes = ProcessFaultDriver()
        let network = NetworkFaultDriver(runId: options.runID)
        let local = LocalExecutor()
        let runs = options.runs
        var timings: [FaultTiming] = []

        progress("kill-process beijing/product (SIGKILL, restart), \(runs) runs")
        timings.append(
            try await FaultTiming.measure(
                kind: "kill-process", fault: BenchFaults.kill, in: target, driver: processes, reference: local,
                runs: runs))
        progress("pause-process beijing/cart (SIGSTOP, SIGCONT)")
        timings.append(
            try await FaultTiming.measure(
                kind: "pause-process", fault: BenchFaults.pause, in: target, driver: processes, reference: local,
                runs: runs))
        for backend in [FirewallBackend.nftables, .iptables] {
            progress("block-port inbound tcp \(port) with \(backend.rawValue)")
            timings.append(
                try await FaultTiming.measure(
                    kind: "block-port (\(backend.rawValue))", fault: BenchFaults.block(port: port, backend: backend),
                    in: target, driver: network, reference: local, runs: runs))
        }
        progress("bandwidth (tc tbf 1mbit) on a veth in namespace gameday-bench-\(options.runID)-s")
        timings.append(
            try await BenchNamespaces.with(runID: options.runID) { pair in
                var unitTarget = target
                for index in unitTarget.units.indices where unitTarget.units[index].name == BenchFaults.unit {
                    unitTarget.units[index].netns = pair.server.name
                }
                return try await FaultTiming.measure(
                    kind: "bandwidth (tbf)", fault: BenchFaults.bandwidth(interface: pair.serverInterface.name),
                    in: unitTarget, driver: network, reference: NetnsExecutor(namespace: pair.server), runs: runs)
            })

        progress("run overhead: gameday run \(options.drill), \(options.overheadRuns) runs")
        let overhead = try await RunOverhead.measure(
            gameday: options.gameday, drill: options.drill, target: options.target, runs: options.overheadRuns)
        return ResultsTable.render(timings, overhead, runs: runs)
    }

    static func progress(_ line: String) {
        FileHandle.standardError.write(Data("gameday-bench: \(line)\n".utf8))
    }
}
