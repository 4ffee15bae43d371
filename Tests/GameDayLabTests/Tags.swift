import Testing

extension Tag {
    /// Starts real lab processes from the built `gameday` binary (run `swift build` first).
    /// Select with `swift test --filter GameDayLabTests`, leave out with `--skip LabIntegration`.
    @Tag static var lab: Self
}
