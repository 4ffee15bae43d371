import Foundation
import GameDayCore
import GameDayRuntime

/// `gameday-bench probes --target LAB/target.yaml`: the probe engine's throughput beside wrk,
/// its schedule lag at a drill's scale, and its peak memory; prints Markdown tables.
/// No root needed. See bench/RESULTS.md.
enum ProbeBench {
    static func run(_ options: ProbeBenchOptions) async throws -> String {
        guard !options.target.isEmpty else { throw BenchError.usage("--target is required") }
        let target = try DrillLoader.loadTarget(path: options.target)
        let url = target.gatewayURL + options.path
        let throughput = try await ProbeThroughput.measure(url: url, options: options)
        let lag = try await ScheduleLag.measure(url: url, options: options)
        let memory = try await ProbeMemory.measure(url: url, options: options)
        return ProbeResultsTable.render(throughput, lag, memory, options: options)
    }

    /// A prober of `url` (a template) that counts any 200 as healthy.
    static func prober(url: String, interval: Duration, maxInFlight: Int?) -> Prober {
        Prober(
            spec: ProbeSpec(
                interval: interval, timeout: .seconds(5), request: RequestTemplate(url: Template(stringLiteral: url)),
                maxInFlight: maxInFlight),
            transport: CurlHTTPClient(), context: TemplateContext(values: [:], environment: { _ in nil }))
    }
}
