/// The ranges of the numbers and durations a drill or target file may hold, beyond what their
/// types say, and how far its aliases may expand.
///
/// Each bound keeps a value where the runner and the tools it drives work (a 9300000000s timeout
/// overflowed `Duration` and crashed the process). README's "Drill and target files" lists the same
/// numbers, and the schemas' `maximum`s and descriptions say them too; `SchemaMirrorTests` compares.
enum InputLimits {
    /// Every duration: a drill longer than a day is not a drill, and tc and Toxiproxy take far less.
    static let longestDuration: Duration = .seconds(24 * 3600)
    /// User ids and routing overrides: 2^53 − 1, the largest integer every JSON reader keeps exact
    /// (ids are written into result.json).
    static let userIds = 0...9_007_199_254_740_991
    /// `routing.modulo`; slots (`from`, `to`) are below it. Keeps `id % modulo + modulo` from overflowing.
    static let modulo = 1...1_000_000_000
    /// `consecutive`, `k` and `n` of a recovery window or guardrail, in probes.
    static let windowCounts = 1...10_000
    /// The proxy bandwidth toxic's `rate`, in KB/s: up to 10 GB/s.
    static let proxyRate = 1...10_000_000
    /// A bandwidth fault's `rate`, as tc spells it: 100e9 bits per second.
    static let fastestTCRate = "100gbit"
    /// A bandwidth fault's `burst`, as tc spells it: 100 MiB.
    static let largestTCBurst = "100mb"
    /// The values (scalars, mappings and lists) a document may hold once its aliases are expanded;
    /// the largest shipped drill holds about 300.
    static let expandedNodes = 100_000
    /// The bytes of scalars a document's aliases may add once expanded (1 MB): a long scalar repeated
    /// through a few levels of aliases is few values but much text to walk. A shipped drill's aliases
    /// add a few hundred bytes; 1 MB more is read within a second (4 MB took three in a debug build).
    static let expandedBytes = 1_000_000
    /// The largest drill or target file read (1 MB), for the same second; the largest shipped one is
    /// about 10 KB.
    static let fileBytes = 1_000_000
}
