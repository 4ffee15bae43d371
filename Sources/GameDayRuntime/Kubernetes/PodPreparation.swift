import GameDayCore

/// What a pod fault found before it was applied, and, once applied, what it hit.
struct PodPreparation: Sendable {
    /// One pod whose process the fault signals.
    struct Hit: Sendable {
        var pod: PodName
        var pids: [Int32]
        var restartsBefore: Int
        var fault: PodProcessFault
        var steps: PodFaultSteps
        /// The tools container that resumes a paused process by itself, when one was started.
        var switchContainer: PodToolsContainer?
    }

    var service: PodService
    /// Pods whose process is signalled (empty for a deletion).
    var hits: [Hit]
    /// Pods deleted instead, when the service names no process.
    var deletion: PodDeletionFault?
    var deletionSteps: PodFaultSteps?
    /// Pods a port block goes into (empty for process faults), and the block's revert in each.
    var blockPods: [PodSummary] = []
    var blockSteps: [PodName: PodRevertStep] = [:]
    /// Chosen pods that could not be prepared, each with why.
    var failures: [String]
    /// How many pods were chosen.
    var total: Int

    var revertSteps: [PodRevertStep] {
        (deletionSteps?.revert ?? []) + hits.flatMap(\.steps.revert)
            + blockPods.compactMap { pod in (try? PodName(pod.name)).flatMap { blockSteps[$0] } }
    }

    /// Only the pods that were hit (`HostFault.host` is `pod/NAME`).
    func keeping(hit: Set<String>) -> PodPreparation {
        var kept = self
        kept.hits = hits.filter { hit.contains("pod/\($0.pod)") }
        kept.blockPods = blockPods.filter { hit.contains("pod/\($0.name)") }
        if let deletion {
            let victims = deletion.victims.filter { hit.contains("pod/\($0.name)") }
            kept.deletion = PodDeletionFault(
                plan: deletion.plan, selector: deletion.selector, victims: victims,
                servingBefore: deletion.servingBefore)
            kept.deletionSteps = victims.isEmpty ? nil : try? kept.deletion?.steps()
        }
        return kept
    }

    func applyCommands(hit: Set<String>) -> [[String]] {
        let kept = keeping(hit: hit)
        return (kept.deletionSteps?.apply ?? []) + kept.hits.flatMap(\.steps.apply)
    }
}

/// `pods:` in words.
enum PodShare {
    static func describe(_ share: HostShare) -> String {
        switch share {
        case .all: "all"
        case .count(let count): "\(count)"
        case .percent(let percent): "\(percent == percent.rounded() ? String(Int(percent)) : String(percent))%"
        }
    }
}

extension PodName {
    /// A pod name as kubectl listed it, checked all the same before it goes back into an argv.
    init(checked name: String) throws(FaultError) {
        do { try self.init(name) } catch { throw FaultError(error.description) }
    }
}
