import Foundation

/// The changes `LoaderFuzzTests` makes to a drill or target: the kinds of mistakes people make and
/// the kinds of input that once crashed or hung the loader.
enum Mutator {
    /// `text` changed `times` times, each change chosen by `random`; `corpus` gives lines to splice in.
    static func mutate(
        _ text: String, times: Int, with random: inout SplitMix64, corpus: [LoaderFuzzTests.Seed]
    ) -> String {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        for _ in 0..<times {
            guard !lines.isEmpty else { break }
            let row = random.next(below: lines.count)
            switch random.next(below: 12) {
            case 0: lines[row] = flipByte(in: lines[row], with: &random)
            case 1: lines.remove(at: row)
            case 2: lines.insert(lines[row], at: row)
            case 3: lines[row] = renameKey(in: lines[row], with: &random)
            case 4: lines[row] = replace(numberIn: lines[row], with: random.pick(numbers), random: &random)
            case 5: lines[row] = replace(durationIn: lines[row], with: random.pick(durations))
            case 6: lines[row] = indentWithTab(lines[row])
            case 7: lines = alias(lines, at: row, with: &random)
            case 8: lines[row] = nest(lines[row], depth: random.pick([10, 200, 999, 1001, 1500]))
            case 9:
                let other = random.pick(corpus).text.split(separator: "\n", omittingEmptySubsequences: false)
                lines.insert(String(random.pick(other)), at: row)
            case 10: lines = longLaughs(lines, at: row, with: &random)
            default: lines = billionLaughs(lines, at: row, with: &random)
            }
        }
        return lines.joined(separator: "\n")
    }

    static let numbers = [
        "0", "-1", "1", "65535", "65536", "100000", "9300000000", "2147483648", "9007199254740992",
        "9223372036854775807", "9223372036854775808", "99999999999999999999", "1e400", ".nan", ".inf", "-.inf",
        "-0", "0x10", "1_000", "3.5",
    ]

    static let durations = [
        "0s", "0ms", "-5s", "9300000000s", "25h", "24h", "1e9h", "0.0000000001s", "nans", "infh",
        String(repeating: "9", count: 400) + "s", String(repeating: "1h", count: 500), "1.5.5s", "5", "5sec",
    ]

    private static let bytes: [UInt8] = Array("\t:-[]{}&*!|>\"'#%@`,? \\".utf8) + [0, 0x7F, 0xC3, 0xFF, 0x0D, 0x41]

    private static func flipByte(in line: String, with random: inout SplitMix64) -> String {
        var bytes = Array(line.utf8)
        guard !bytes.isEmpty else { return line }
        bytes[random.next(below: bytes.count)] = random.pick(Self.bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// `  intreval: 5s` for `  interval: 5s`: a letter dropped, doubled, or a suffix added.
    private static func renameKey(in line: String, with random: inout SplitMix64) -> String {
        guard let colon = line.firstIndex(of: ":"), let start = line.firstIndex(where: { $0.isLetter }), start < colon
        else { return line }
        var key = Array(line[start..<colon])
        let at = random.next(below: key.count)
        switch random.next(below: 3) {
        case 0: key.remove(at: at)
        case 1: key.insert(key[at], at: at)
        default: key += Array("_x")
        }
        return String(line[..<start]) + String(key) + String(line[colon...])
    }

    /// The first run of digits from a random place in `line` replaced by `number`.
    private static func replace(numberIn line: String, with number: String, random: inout SplitMix64) -> String {
        let characters = Array(line)
        let digits = characters.indices.filter { characters[$0].isASCII && characters[$0].isNumber }
        guard !digits.isEmpty else { return line }
        let start = random.pick(digits)
        var end = start
        while end < characters.count, characters[end].isASCII && characters[end].isNumber { end += 1 }
        return String(characters[..<start]) + number + String(characters[end...])
    }

    /// The value of `key: 250ms` replaced by `duration`, when the line has one.
    private static func replace(durationIn line: String, with duration: String) -> String {
        guard let range = line.range(of: #"[0-9][0-9.]*(ns|us|ms|s|m|h)\b"#, options: .regularExpression) else {
            return line
        }
        return line.replacingCharacters(in: range, with: duration)
    }

    private static func indentWithTab(_ line: String) -> String {
        let indent = line.prefix { $0 == " " }
        return indent.isEmpty ? "\t" + line : "\t" + line.dropFirst(indent.count)
    }

    /// An anchor on one line's value and an alias to it on another's.
    private static func alias(_ lines: [String], at row: Int, with random: inout SplitMix64) -> [String] {
        var lines = lines
        guard let colon = lines[row].range(of: ": ") else { return lines }
        lines[row].replaceSubrange(colon, with: ": &a\(row) ")
        let other = random.next(below: lines.count)
        if let otherColon = lines[other].range(of: ": ") {
            lines[other] = String(lines[other][..<otherColon.upperBound]) + "*a\(row)"
        }
        return lines
    }

    /// The value of a `key: value` line nested `depth` lists deep.
    private static func nest(_ line: String, depth: Int) -> String {
        guard let colon = line.range(of: ": ") else { return line }
        let nested = String(repeating: "[", count: depth) + "1" + String(repeating: "]", count: depth)
        return String(line[..<colon.upperBound]) + nested
    }

    /// A value of `key: value` replaced by an alias to levels of anchors that each repeat the one before.
    private static func billionLaughs(_ lines: [String], at row: Int, with random: inout SplitMix64) -> [String] {
        guard let colon = lines[row].range(of: ": ") else { return lines }
        let levels = 1 + random.next(below: 9)
        let fanout = 2 + random.next(below: 10)
        var definitions = ["x-l0: &l0 [x, x]"]
        for level in 1...levels {
            definitions.append(
                "x-l\(level): &l\(level) [" + Array(repeating: "*l\(level - 1)", count: fanout).joined(separator: ", ")
                    + "]")
        }
        var lines = lines
        let asKey = random.next(below: 4) == 0
        lines[row] = asKey ? "? *l\(levels)\n: x" : String(lines[row][..<colon.upperBound]) + "*l\(levels)"
        return definitions + lines
    }

    /// A value of `key: value` replaced by an alias to levels of ten aliases over one long scalar:
    /// few values, but up to 100 MB of text once expanded.
    private static func longLaughs(_ lines: [String], at row: Int, with random: inout SplitMix64) -> [String] {
        guard let colon = lines[row].range(of: ": ") else { return lines }
        let levels = 1 + random.next(below: 3)
        var definitions = ["x-l0: &l0 " + String(repeating: "y", count: random.pick([1_000, 10_000, 100_000]))]
        for level in 1...levels {
            definitions.append(
                "x-l\(level): &l\(level) [" + Array(repeating: "*l\(level - 1)", count: 10).joined(separator: ", ")
                    + "]")
        }
        var lines = lines
        lines[row] = String(lines[row][..<colon.upperBound]) + "*l\(levels)"
        return definitions + lines
    }
}
