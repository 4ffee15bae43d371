/// What `gameday --version` says: the version and the commit this binary was built from.
///
/// Both come from `BuildInfo`, which the GameDayBuildInfo plugin writes before every build from the
/// `VERSION` file and git (`scripts/build-info.sh`).
public enum GameDayVersion {
    /// The release this build belongs to, e.g. `0.1.0` (the `VERSION` file).
    public static let number = BuildInfo.version

    /// The abbreviated commit, with `, modified` when the tree differed from it; nil when built
    /// outside a git checkout.
    public static let commit = BuildInfo.commit

    /// `gameday 0.1.0 (commit abc1234)`, or `gameday 0.1.0 (unknown commit)`.
    public static let current = "gameday \(number) (\(commit.map { "commit \($0)" } ?? "unknown commit"))"
}
