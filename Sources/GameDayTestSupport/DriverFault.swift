import GameDayCore
import GameDayRuntime

/// A fault a driver test applied outside a run: prepared and applied as a run does, and reverted
/// as a run does, by running the recipe its preparation recorded (`RecipeRunner`, as the ledger
/// does), never by asking the driver again.
@dynamicMemberLookup
public struct DriverFault: Sendable {
    public var ready: ReadyFault
    public var applied: AppliedFault

    public subscript<T>(dynamicMember path: KeyPath<AppliedFault, T>) -> T { applied[keyPath: path] }
}

extension FaultDriver {
    /// Prepares and applies `fault` with a moment nobody reads.
    /// When its apply fails, its whole recipe is run (every host tried) before the error is thrown,
    /// as a run's rollback would.
    public func apply(_ fault: FaultSpec, in target: Target) async throws(FaultError) -> DriverFault {
        let ready = try ReadyFault.of(try await prepare(fault, in: target))
        do {
            return DriverFault(ready: ready, applied: try await ready.apply(FaultMoment()))
        } catch {
            _ = try? await RecipeRunner().run(ready.recipe)
            throw error
        }
    }

    /// Reverts a fault applied by `apply(_:in:)` from its recipe.
    public func revert(_ fault: DriverFault, in target: Target, runner: RecipeRunner = RecipeRunner())
        async throws(FaultError) -> String
    {
        do {
            let hosts = Set(fault.applied.hosts.map(\.host))
            return try await runner.run(hosts.isEmpty ? fault.ready.recipe : fault.ready.recipe.narrowed(to: hosts))
        } catch {
            throw FaultError("\(error)")
        }
    }
}

extension FaultDriver {
    /// The recipe a preparation of `fault` would record in the ledger.
    public func recipe(for fault: FaultSpec, in target: Target) async throws(FaultError) -> RevertRecipe {
        try ReadyFault.of(try await prepare(fault, in: target)).recipe
    }
}
