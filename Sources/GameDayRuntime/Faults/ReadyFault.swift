import GameDayCore

/// A fault prepared by one of this runtime's drivers: what it will do, how it is applied (with
/// everything its preparation found, captured), and the recipe that reverts it. The ledger
/// records the recipe before the fault is applied; the runner's rollback, a watchdog and `gameday
/// recover` all revert the fault by running that recipe (`LedgerRevert.revert`), never by asking
/// the driver again.
public struct ReadyFault: PreparedFault {
    public var spec: FaultSpec
    public var plan: FaultPlan
    /// What the preparation found: `found process 4242 for beijing/product`.
    public var found: String
    /// How to undo it without this process.
    public var recipe: RevertRecipe
    private let applying: @Sendable (FaultMoment) async throws(FaultError) -> AppliedFault

    public init(
        spec: FaultSpec, plan: FaultPlan, found: String, recipe: RevertRecipe,
        apply: @escaping @Sendable (FaultMoment) async throws(FaultError) -> AppliedFault
    ) {
        self.spec = spec
        self.plan = plan
        self.found = found
        self.recipe = recipe
        self.applying = apply
    }

    public func apply(_ moment: FaultMoment) async throws(FaultError) -> AppliedFault {
        try await applying(moment)
    }

    /// The ready fault behind a prepared one: every driver of this runtime makes one.
    public static func of(_ fault: any PreparedFault) throws(FaultError) -> ReadyFault {
        guard let ready = fault as? ReadyFault else {
            throw FaultError("fault \(fault.spec.name) was not prepared by this runtime: it carries no revert recipe")
        }
        return ready
    }
}
