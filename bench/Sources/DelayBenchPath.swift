import Foundation
import GameDayCore
import GameDayRuntime

/// The measured one-way path: a sender in the client namespace (10.232.0.1) sending UDP over the
/// veth to a receiver in the server namespace (10.232.0.2, port 39999), where the NFQUEUE rule and
/// the delayer sit; netem goes on the sender's veth instead, the same direction of the same link.
struct DelayBenchPath: Sendable {
    static let port: UInt16 = 39_999
    static let queue: UInt16 = 31_001
    static let receiverAddress = "10.232.0.2"
    /// nft's table for the queue rule (inside the server namespace, which the bench deletes).
    static let nftTable = "gameday_bench"

    let pair: BenchNamespaces
    let queueRule: DelayBenchOptions.QueueRule
    /// This executable, run as `delay-send` and `delay-receive` inside the namespaces.
    let executable: String
    let runID: String

    // MARK: - One measurement

    /// Starts a receiver, sends `rate × seconds` datagrams paced at `rate`, and returns both ends'
    /// accounts. `tail`: how long the sender waits before its end marker (longer than any hold).
    func measure(rate: Int, seconds: Int, tail: Duration, undelayedBelow: Duration) async throws -> (
        sender: DelayBenchSender.Report, receiver: DelayBenchReceiver.Summary
    ) {
        let ready = "/tmp/gameday-bench-\(runID)-receiver.ready"
        unlink(ready)
        let tailMilliseconds = Int(tail.milliseconds.rounded(.up))
        let receiverArgv = NetnsExecutor.wrap(
            [
                executable, "delay-receive", "--port", "\(Self.port)", "--ready", ready, "--seconds",
                "\(seconds + tailMilliseconds / 1_000 + 15)", "--expect", "\(rate * seconds)", "--undelayed-below-us",
                "\(Int(undelayedBelow.milliseconds * 1_000))",
            ], in: pair.server)
        let receiver = try Spawn(
            receiverArgv, searchesPath: true, standardOutput: .temporaryFile, standardError: .temporaryFile
        ).start()
        let deadline = ContinuousClock.now + .seconds(10)
        while !FileManager.default.fileExists(atPath: ready), ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(5))
        }
        let senderArgv = NetnsExecutor.wrap(
            [
                executable, "delay-send", "--to", Self.receiverAddress, "--port", "\(Self.port)", "--rate", "\(rate)",
                "--seconds", "\(seconds)", "--tail-ms", "\(tailMilliseconds)",
            ], in: pair.client)
        // The receiver is always finished (reaped), also when the sender could not run.
        var sent: Result<CommandOutput, CommandError>?
        if FileManager.default.fileExists(atPath: ready) {
            do {
                sent = .success(try await LocalExecutor().run(senderArgv, timeout: .seconds(seconds + 30)))
            } catch {
                sent = .failure(error)
            }
        }
        if (try? sent?.get())?.exitCode != 0 { receiver.cancel() }
        let received = await OwnThread.run { receiver.finish(deadline: .now + .seconds(seconds + 30)) }
        unlink(ready)
        guard let sent = try sent?.get() else {
            throw BenchError.commandFailed(
                argv: receiverArgv, exitCode: received.exitCode, lastLine: "not ready within 10 s: \(received.stderr)")
        }
        guard sent.exitCode == 0 else {
            throw BenchError.commandFailed(argv: senderArgv, exitCode: sent.exitCode, lastLine: sent.lastLine)
        }
        guard received.exitCode == 0 else {
            throw BenchError.commandFailed(argv: receiverArgv, exitCode: received.exitCode, lastLine: received.stderr)
        }
        let decoder = JSONDecoder()
        return (
            try decoder.decode(DelayBenchSender.Report.self, from: Data(sent.stdout.utf8)),
            try decoder.decode(DelayBenchReceiver.Summary.self, from: Data(received.stdout.utf8))
        )
    }

    // MARK: - What delays the path

    /// Sends the receiver's inbound datagrams to `queue`, with `bypass`: they pass undelayed while no
    /// delayer is bound.
    func addQueueRule() async throws {
        switch queueRule {
        case .iptables:
            try await server(["iptables", "-w", "-A", "INPUT"] + Self.iptablesMatch)
        case .nft:
            try await server(["nft", "add", "table", "ip", Self.nftTable])
            try await server(
                ["nft", "add", "chain", "ip", Self.nftTable, "input", "{ type filter hook input priority 0; }"])
            try await server(
                [
                    "nft", "add", "rule", "ip", Self.nftTable, "input", "udp", "dport", "\(Self.port)", "queue", "num",
                    "\(Self.queue)", "bypass",
                ])
        }
    }

    func removeQueueRule() async throws {
        switch queueRule {
        case .iptables: try await server(["iptables", "-w", "-D", "INPUT"] + Self.iptablesMatch)
        case .nft: try await server(["nft", "delete", "table", "ip", Self.nftTable])
        }
    }

    /// netem on the sender's veth: every datagram to the receiver waits there on its way out.
    func addNetem(delay: Duration, jitter: Duration) async throws {
        var argv = ["tc", "qdisc", "add", "dev", pair.clientInterface.name, "root", "netem", "delay"]
        argv.append(DurationText.format(delay))
        if jitter > .zero { argv.append(DurationText.format(jitter)) }
        try await run(argv, in: pair.client)
    }

    func removeNetem() async throws {
        try await run(["tc", "qdisc", "del", "dev", pair.clientInterface.name, "root"], in: pair.client)
    }

    private static var iptablesMatch: [String] {
        ["-p", "udp", "--dport", "\(port)", "-j", "NFQUEUE", "--queue-num", "\(queue)", "--queue-bypass"]
    }

    private func server(_ argv: [String]) async throws { try await run(argv, in: pair.server) }

    private func run(_ argv: [String], in namespace: NamespaceName) async throws {
        let output = try await NetnsExecutor(namespace: namespace).run(argv, timeout: .seconds(10))
        guard output.exitCode == 0 else {
            throw BenchError.commandFailed(
                argv: NetnsExecutor.wrap(argv, in: namespace), exitCode: output.exitCode, lastLine: output.lastLine)
        }
    }
}
