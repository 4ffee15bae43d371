import GameDayCore

/// The kubectl command lines of one pod fault: apply, prove, revert. Every argv is complete
/// (kubectl and its flags included) and runs on this host.
public struct PodFaultSteps: Sendable, Hashable {
    public var apply: [[String]]
    /// Commands whose output proves the fault took effect (read by the fault driver).
    public var proof: [[String]]
    public var proofDescription: String
    /// Idempotent: safe to run again by `gameday recover`, after a partial apply or a revert that already ran.
    public var revert: [PodRevertStep]

    public init(apply: [[String]], proof: [[String]], proofDescription: String, revert: [PodRevertStep]) {
        self.apply = apply
        self.proof = proof
        self.proofDescription = proofDescription
        self.revert = revert
    }
}

/// One idempotent revert step of a pod fault, storable in the ledger.
public enum PodRevertStep: Sendable, Hashable, Codable {
    /// Run `argv` (a kubectl command line). Done when it exits 0; when the command in the pod
    /// fails saying one of `alreadyDone` ("No such process", "No such file or directory": nothing
    /// left to revert; the exit code alone, 1, would also cover "Operation not permitted"); or when
    /// kubectl fails for one of `doneWhen` (the pod is gone, and the fault with it).
    case command([String], alreadyDone: [String], doneWhen: Set<KubectlFailure>)
    /// Poll `argv` (`get pods --selector=… -o json`) until at least `count` pods are Ready, not
    /// terminating, and none of them has a uid in `excludingUIDs` (the deleted pods).
    case awaitServing([String], count: Int, excludingUIDs: Set<String>)

    /// What a `.command` step's output means; `nil` for `.awaitServing` (see `isServing`).
    public func outcome(of output: CommandOutput) -> PodRevertOutcome? {
        guard case .command(_, let alreadyDone, let doneWhen) = self else { return nil }
        if output.timedOut { return .failed("timed out") }
        if let failure = KubectlFailure.classify(exitCode: output.exitCode, stderr: output.stderr) {
            guard !doneWhen.contains(failure) else { return .nothingLeft(failure) }
            // kubectl's own words too: "timed out waiting for the condition" says more than `.other`.
            return .failed(failure.explanation + (output.lastLine.isEmpty ? "" : " (kubectl: \(output.lastLine))"))
        }
        if output.exitCode == 0 { return .reverted }
        let said = KubectlFailure.commandStderr(output.stderr)
        if alreadyDone.contains(where: said.contains) { return .nothingLeft(nil) }
        let last = said.split(whereSeparator: \.isNewline).last ?? ""
        return .failed("the command exited \(output.exitCode): \(last)")
    }

    /// Whether an `.awaitServing` step is satisfied by this listing.
    public static func isServing(_ report: PodStatusReport, count: Int, excludingUIDs: Set<String>) -> Bool {
        let serving = report.serving
        return serving.count >= count && serving.allSatisfy { !excludingUIDs.contains($0.uid) }
    }
}

/// How one revert step ended.
public enum PodRevertOutcome: Sendable, Hashable {
    /// The revert command did its work.
    case reverted
    /// There was nothing left to revert: already reverted, or gone with its pod (which failure said so).
    case nothingLeft(KubectlFailure?)
    /// The fault may still be in place: keep it in the ledger and say why.
    case failed(String)
}
