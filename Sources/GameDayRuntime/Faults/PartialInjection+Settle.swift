import GameDayCore

/// The one policy for a fault on many hosts or pods of which some could not be hit: under
/// `on_partial: continue` the drill goes on with those hit (the effect says which were not); under
/// `abort` (the default) the fault fails, and the rollback reverts it through the ledger on every
/// host or pod it was prepared for (a place that failed may have been hit part-way), as every
/// revert is done.
extension PartialInjection {
    /// The fault as applied on the places `outcomes` hit, or the error that ends the injection.
    /// `failures` adds places that failed before the apply (a pod whose process was not found).
    static func settle(
        _ fault: FaultSpec, _ outcomes: [Result<HostFault, FaultError>], failures earlier: [String] = [],
        of total: Int, places: String, applied make: ([HostFault]) -> AppliedFault
    ) throws(FaultError) -> AppliedFault {
        let hit = outcomes.compactMap { try? $0.get() }
        let failures =
            earlier
            + outcomes.compactMap { outcome -> String? in
                if case .failure(let error) = outcome { error.message } else { nil }
            }
        var applied = make(hit)
        applied.hosts = hit
        if failures.isEmpty { return applied }
        if fault.onPartial == .continue, !hit.isEmpty {
            applied.effect += "; PARTIAL, not hit: \(failures.joined(separator: "; "))"
            return applied
        }
        // A partial injection is not the drill described.
        throw FaultError(
            "fault \(fault.name) applied on \(hit.count) of \(total) \(places) only: \(failures.joined(separator: "; ")); "
                + (hit.isEmpty ? "nothing was applied" : "the rollback reverts it"))
    }
}
