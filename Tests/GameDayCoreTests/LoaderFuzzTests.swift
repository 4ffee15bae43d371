import Foundation
import GameDayRuntime
import Testing

@testable import GameDayCore

/// Mutated drill and target files through the loader and the validator: none crashes, none takes a
/// second, and every error names its file, line and column.
///
/// The inputs come from the shipped drills and targets and the valid fixtures, changed by a fixed
/// seed, and from random documents that follow `schemas/` (`SchemaDocuments`, the same seed), so a
/// run is the same every time and a failure names the input to replay. Inputs run
/// in-process: thousands take seconds, where a process each would take minutes. A crash then ends
/// the whole test run, so each input is first written to `lastInput` (named at the start) to be
/// replayed with `gameday validate`. `GAMEDAY_FUZZ_ITERATIONS` and `GAMEDAY_FUZZ_SEED` run a longer
/// or another session (README, "Tests").
@Suite struct LoaderFuzzTests {
    /// A file of the corpus: a drill or a target.
    struct Seed: Sendable, CustomTestStringConvertible {
        var name: String
        var text: String
        var isTarget: Bool
        var testDescription: String { name }
    }

    static let environment = ProcessInfo.processInfo.environment
    static let iterations = environment["GAMEDAY_FUZZ_ITERATIONS"].flatMap(Int.init) ?? 1500
    static let seed = environment["GAMEDAY_FUZZ_SEED"].flatMap(UInt64.init) ?? 0x6A_6D_65_64_61_79

    @Test(arguments: [false, true])
    func mutatedFilesAreRefusedWithLocatedErrors(targets: Bool) throws {
        let corpus = try Self.corpus().filter { $0.isTarget == targets }
        let kind = targets ? "target" : "drill"
        let lastInput = FileManager.default.temporaryDirectory.appendingPathComponent("gameday-fuzz-\(kind).yaml")
        print("fuzzing \(Self.iterations) \(kind)s, seed \(Self.seed); the input being read is in \(lastInput.path)")
        // Each mutated file is also checked against an intact one of the other kind, as `validate --target` does.
        let drillForTargets = try targets ? DrillLoader.loadDrill(path: Fixture.path("valid/drill.yaml")) : nil
        let targetForDrills = try targets ? nil : DrillLoader.loadTarget(path: Fixture.path("valid/target.yaml"))
        var refused = 0
        var slowest = Duration.zero
        var families = Set<String>()
        for index in 0..<Self.iterations {
            var random = SplitMix64(seed: Self.seed &+ UInt64(index) &* 0x9E37_79B9_7F4A_7C15 &+ (targets ? 1 : 0))
            let original = corpus[random.next(below: corpus.count)]
            let text = Mutator.mutate(original.text, times: 1 + random.next(below: 3), with: &random, corpus: corpus)
            let file = "fuzz/\(kind)-\(index).yaml"
            try Data(text.utf8).write(to: lastInput)
            let read = Self.read(
                text, file: file, as: kind, drillForTargets: drillForTargets, targetForDrills: targetForDrills,
                input: "input \(index) (from \(original.name))")
            if read.refused { refused += 1 }
            slowest = max(slowest, read.elapsed)
            families.formUnion(
                Self.families.filter { family in read.diagnostics.contains { $0.message.contains(family) } })
        }
        print("\(kind)s: \(refused) of \(Self.iterations) refused, the slowest read in \(slowest)")
        #expect(families == Set(Self.families), "no input provoked \(Set(Self.families).subtracting(families))")
    }

    /// Random documents that follow `schemas/drill.schema.json` and `target.schema.json` (a few
    /// hundred of each, by the same seed): they reach deeper than mutations of a few files, and what
    /// the schema cannot say (rules across keys) the loader must refuse with located errors.
    @Test(arguments: ["drill", "target"])
    func schemaDocumentsAreReadOrRefusedWithLocatedErrors(kind: String) throws {
        let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let documents = try SchemaDocuments(path: repository.appendingPathComponent("schemas/\(kind).schema.json").path)
        let lastInput = FileManager.default.temporaryDirectory.appendingPathComponent(
            "gameday-fuzz-schema-\(kind).yaml")
        let count = max(Self.iterations / 5, 1)
        print(
            "generating \(count) \(kind)s from the schema, seed \(Self.seed); the input being read is in \(lastInput.path)"
        )
        let drillForTargets = try kind == "target" ? DrillLoader.loadDrill(path: Fixture.path("valid/drill.yaml")) : nil
        let targetForDrills =
            try kind == "drill" ? DrillLoader.loadTarget(path: Fixture.path("valid/target.yaml")) : nil
        var refused = 0
        var slowest = Duration.zero
        var problems = Set<String>()
        for index in 0..<count {
            var random = SplitMix64(seed: Self.seed &+ UInt64(index) &* 0xD1B5_4A32_D192_ED03)
            let text = documents.document(with: &random)
            try Data(text.utf8).write(to: lastInput)
            let read = Self.read(
                text, file: "schema/\(kind)-\(index).yaml", as: kind, drillForTargets: drillForTargets,
                targetForDrills: targetForDrills, input: "schema input \(index)")
            if read.refused { refused += 1 }
            slowest = max(slowest, read.elapsed)
            // The kind of problem: its words up to the first value it names.
            problems.formUnion(read.diagnostics.map { String($0.message.prefix { $0 != "'" && $0 != "(" }) })
        }
        print(
            "schema \(kind)s: \(refused) of \(count) refused with \(problems.count) kinds of problem, the slowest read "
                + "in \(slowest)")
        // Documents that reach past the first key: many of the loader's and validator's checks answer.
        #expect(problems.count >= 10, "\(problems.sorted())")
    }

    /// Reads `text` as `validate` does (a drill against an intact target, or a target under an intact
    /// drill), timing it, and expecting every error to be located and readable.
    static func read(
        _ text: String, file: String, as kind: String, drillForTargets: Drill?, targetForDrills: Target?,
        input: String
    ) -> (refused: Bool, elapsed: Duration, diagnostics: [Diagnostic]) {
        let clock = ContinuousClock()
        let start = clock.now
        var diagnostics: [Diagnostic] = []
        var refused = false
        do {
            if kind == "target" {
                let target = try DrillLoader.parseTarget(yaml: text, file: file)
                if let drillForTargets { diagnostics += DrillValidator.check(drillForTargets, against: target) }
                _ = drillForTargets?.resolvingUserGroups(with: target.routing)
            } else {
                let drill = try DrillLoader.parseDrill(yaml: text, file: file)
                _ = drill.maximumDuration
                if let targetForDrills {
                    diagnostics += DrillValidator.check(drill, against: targetForDrills)
                    _ = drill.resolvingUserGroups(with: targetForDrills.routing)
                }
            }
        } catch {
            refused = true
            diagnostics += error.diagnostics
            #expect(!error.diagnostics.isEmpty, "\(input) was refused without a reason")
        }
        // How long it took is printed, not asserted: a unit test's timing is the machine's load.
        let elapsed = clock.now - start
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).count
        for diagnostic in diagnostics where diagnostic.location.file == file {
            let location = diagnostic.location
            #expect(
                location.line >= 1 && location.line <= lines + 1 && location.column >= 1,
                "\(input): \(diagnostic) is not inside the file")
            #expect(Self.readsAsASentence(diagnostic.message), "\(input): \(diagnostic) is not a message for people")
        }
        return (refused, elapsed, diagnostics)
    }

    /// Messages the mutations must provoke within the default inputs, so the fuzz cannot go quietly
    /// vacuous: each is one of the problems issue 12 found.
    static let families = [
        "aliases expand this file", "a tab indents this line", "nest more than", "of at most 24h", "unknown key",
    ]

    /// One line, none of libyaml's or Foundation's own words.
    static func readsAsASentence(_ message: String) -> Bool {
        let raw = ["yaml_set_max_nest_level", "NSCocoaErrorDomain", "Error Domain=", "YamlError", "Code="]
        return !message.isEmpty && !message.contains("\n") && !raw.contains { message.contains($0) }
    }

    /// The shipped drills and targets (`drills/`, `examples/`) and the valid fixtures.
    static func corpus() throws -> [Seed] {
        let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let folders = ["drills", "examples/drills", "examples/targets", "Tests/GameDayCoreTests/Fixtures/valid"]
        var seeds: [Seed] = []
        for folder in folders {
            let directory = repository.appendingPathComponent(folder)
            for name in try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
            where name.hasSuffix(".yaml") {
                let text = try String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8)
                let isTarget = text.split(separator: "\n").contains { $0.hasPrefix("target:") }
                seeds.append(Seed(name: "\(folder)/\(name)", text: text, isTarget: isTarget))
            }
        }
        return seeds
    }
}

/// A small deterministic generator (Steele, Lea and Flood's SplitMix64): the same seed, the same inputs.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A number in `0..<bound`.
    mutating func next(below bound: Int) -> Int { Int(next() % UInt64(bound)) }

    mutating func pick<T>(_ values: [T]) -> T { values[next(below: values.count)] }
}
