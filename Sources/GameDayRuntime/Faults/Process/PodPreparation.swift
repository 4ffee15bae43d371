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

    /// The revert as the ledger records it: each pod's steps at `pod/NAME` (the ledger keeps those
    /// of the pods hit): a paused process resumed and the pod's tools container disarmed (it must
    /// not send a late SIGCONT), a killed container awaited Ready, a block's table deleted, a
    /// deleted pod's replacement awaited.
    func recipeSteps(timeout: Duration) -> [RevertRecipe.Step] {
        let seconds = Int(timeout.milliseconds / 1000)
        var steps: [RevertRecipe.Step] = []
        for hit in hits {
            let disarm = hit.switchContainer.map { [$0.disarmStep] } ?? []
            steps.append(
                .at(place: "pod/\(hit.pod)", steps: hit.steps.revert.map { $0.recipeStep(timeout: seconds) } + disarm))
        }
        for pod in blockPods {
            guard let name = try? PodName(pod.name), let step = blockSteps[name] else { continue }
            steps.append(.at(place: "pod/\(pod.name)", steps: [step.recipeStep(timeout: seconds)]))
        }
        if let deletion {
            for victim in deletion.victims {
                let one = PodDeletionFault(
                    plan: deletion.plan, selector: deletion.selector, victims: [victim],
                    servingBefore: deletion.servingBefore)
                let revert = (try? one.steps().revert) ?? []
                steps.append(.at(place: "pod/\(victim.name)", steps: revert.map { $0.recipeStep(timeout: seconds) }))
            }
        }
        return steps
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
