import Foundation
import GameDayCore

/// `trigger: external`: the decision comes from a file that appears (`trigger_file`,
/// `--cutover-file`) or from `POST http://127.0.0.1:PORT/cutover` (`trigger_port`,
/// `--cutover-port`), whichever answers first.
///
/// A decision file must not exist before the run (it would decide at once) and is removed once
/// read, so that it cannot decide the next run too.
public actor ExternalCutoverDecision: CutoverDecisionSource {
    /// Given on the command line: they replace the drill's `trigger_file` and `trigger_port`.
    private let fileOverride: String?
    private let portOverride: Int?
    /// Shows the question and how to answer (the CLI's stderr).
    private let say: @Sendable (String) -> Void
    private let interval: Duration
    private var file: String?
    private var listener: DecisionListener?

    public init(
        file: String? = nil, port: Int? = nil, interval: Duration = .milliseconds(200),
        say: @escaping @Sendable (String) -> Void
    ) {
        self.fileOverride = file
        self.portOverride = port
        self.interval = interval
        self.say = say
    }

    /// The listener's port, once prepared (the kernel's choice for port 0).
    public var port: Int? { listener?.port }

    public func prepare(_ trigger: CutoverTrigger) async throws(CutoverDecisionUnavailable) -> String {
        let file = fileOverride ?? trigger.file
        let port = portOverride ?? trigger.port
        guard file != nil || port != nil else {
            throw CutoverDecisionUnavailable(
                "no file and no port to wait on: give 'trigger_file' or 'trigger_port' in the drill, or "
                    + "--cutover-file or --cutover-port")
        }
        if let file {
            let folder = URL(fileURLWithPath: file).deletingLastPathComponent().path
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder), isFolder.boolValue else {
                throw CutoverDecisionUnavailable("the folder of its decision file \(file) does not exist")
            }
            guard !FileManager.default.fileExists(atPath: file) else {
                throw CutoverDecisionUnavailable(
                    "its decision file \(file) exists already (left by an earlier run?) and would decide at once; "
                        + "remove it first")
            }
        }
        if let port { listener = try DecisionListener(port: port) }
        self.file = file
        return how
    }

    public func decide(_ question: CutoverQuestion) async throws -> CutoverDecision {
        for line in question.lines { say(line) }
        say(
            "waiting for the decision: \(how) (no answer in \(DurationText.format(question.trigger.timeout)) aborts "
                + "the run; Ctrl-C aborts it now)")
        return try await withThrowingTaskGroup(of: CutoverDecision.self) { [file, listener, interval, say] group in
            if let file { group.addTask { try await Self.watch(file, every: interval, say: say) } }
            if let listener { group.addTask { try await listener.next() } }
            defer { group.cancelAll() }
            guard let first = try await group.next() else { throw CancellationError() }
            return first
        }
    }

    public func close() async {
        await listener?.stop()
        listener = nil
    }

    /// `write go or abort into /srv/go, or POST {"decision": "go"} to http://127.0.0.1:8787/cutover`
    private var how: String {
        [
            file.map { "write go or abort into \($0)" },
            listener.map { #"POST {"decision": "go"} or {"decision": "abort"} to "# + $0.url },
        ]
        .compactMap { $0 }.joined(separator: ", or ")
    }

    /// Waits until `path` holds a decision; removes it then.
    static func watch(
        _ path: String, every interval: Duration, say: @Sendable (String) -> Void
    ) async throws -> CutoverDecision {
        var unreadable: String?
        while true {
            try Task.checkCancellation()
            if let data = FileManager.default.contents(atPath: path) {
                let text = String(decoding: data, as: UTF8.self)
                if let decision = ExternalDecisionText(text) {
                    try? FileManager.default.removeItem(atPath: path)
                    return CutoverDecision(
                        go: decision.go, decidedBy: .external, via: "file \(path)", who: decision.who)
                }
                // Empty: being written. Anything else: said once, then waited on until it changes.
                let shown = text.trimmingCharacters(in: .whitespacesAndNewlines)
                if !shown.isEmpty, unreadable != text {
                    say("\(path) holds neither decision: write \(ExternalDecisionText.usage); still waiting")
                    unreadable = text
                }
            }
            try await Task.sleep(for: interval)
        }
    }
}
