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
///   - id: 6000               # the routing key: an integer, a member id, a location "lat,lng"...
///     name: beijing-user
///     home: beijing          # the unit the routing rule must send it to
///     impact: fail           # fail | none | any
///     recovers_on: hangzhou  # after the cut-over, served by this unit again
///     group: beijing-users   # reported together with the other users of that group
/// ```
public struct TestUser: Sendable, Hashable {
    /// The routing key the user's requests carry (`{{user.id}}`): `6000`, `M100017`, `22.54,114.06`.
    public var id: String
    public var name: String
    public var home: String?
    public var impact: ImpactExpectation
    public var recoversOn: String?
    /// The user group it is reported in: `group:`, or the generated group's name.
    public var group: String?
    public var location: SourceLocation?

    public init(
        id: String, name: String? = nil, home: String? = nil, impact: ImpactExpectation = .none,
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

    /// A user whose key is an integer (the AppActive rule's user id).
    public init(
        id: Int, name: String? = nil, home: String? = nil, impact: ImpactExpectation = .none,
        recoversOn: String? = nil, group: String? = nil, location: SourceLocation? = nil
    ) {
        self.init(
            id: String(id), name: name, home: home, impact: impact, recoversOn: recoversOn, group: group,
            location: location)
    }

    /// The group it is reported in; a user listed without `group:` is a group of its own.
    public var groupName: String { group ?? name }
}
