/// What the drill expects a test user to see while its faults are applied.
public enum ImpactExpectation: String, Sendable, Hashable, CaseIterable {
    /// The user must fail (its unit depends strongly on what was broken).
    case fail
    /// The user must never fail (another unit, or a weak dependency).
    case none
    /// Either is acceptable; the user is only measured.
    case any
}

/// A user the drill probes, with what is expected of it.
///
/// ```yaml
/// users:
///   - id: 6000
///     name: beijing-user
///     home: beijing          # the unit the routing rule must send it to
///     impact: fail           # fail | none | any
///     recovers_on: hangzhou  # after the cut-over, served by this unit again
///     group: beijing-users   # reported together with the other users of that group
/// ```
public struct TestUser: Sendable, Hashable {
    public var id: Int
    public var name: String
    public var home: String?
    public var impact: ImpactExpectation
    public var recoversOn: String?
    /// The user group it is reported in: `group:`, or the generated group's name.
    public var group: String?
    public var location: SourceLocation?

    public init(
        id: Int, name: String? = nil, home: String? = nil, impact: ImpactExpectation = .none,
        recoversOn: String? = nil, group: String? = nil, location: SourceLocation? = nil
    ) {
        self.id = id
        self.name = name ?? "user-\(id)"
        self.home = home
        self.impact = impact
        self.recoversOn = recoversOn
        self.group = group
        self.location = location
    }

    /// The group it is reported in; a user listed without `group:` is a group of its own.
    public var groupName: String { group ?? name }
}
