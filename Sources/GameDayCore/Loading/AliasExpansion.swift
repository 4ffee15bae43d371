import Yams

/// Bounds how many values a document's aliases stand for, before Yams composes it for real.
///
/// Yams resolves an alias to the very node its anchor names, so nine anchors of ten aliases each
/// (a few hundred bytes) stand for 10^9 values, and whatever walks the tree — a request body read into
/// JSON, Yams' own hashing of a mapping's keys when an alias is a key — takes minutes and gigabytes.
/// So a document with a `*` is first composed with every `*` replaced by a private-use character of the
/// same width: aliases become plain scalars at the same marks, anchors stay, nothing is shared, and
/// composing is linear. Walking that tree in document order, as Yams registers anchors, gives each
/// anchor's expanded size and so what each alias adds; the alias that takes the total past the budget
/// is reported. Anchors are found from the text at node marks, where libyaml puts a node's properties.
enum AliasExpansion {
    /// The alias that took the document past the budget.
    struct Overrun: Equatable {
        /// Where the alias is (1-based, in the composed text).
        var line: Int
        var column: Int
        var alias: String
        /// The line of the anchor it repeats, and how many values that holds (capped past the budget).
        var anchorLine: Int
        var anchorValues: Int
    }

    /// Stands in for `*`: one character wide as libyaml counts columns, printable, in no real file.
    static let placeholder: Unicode.Scalar = "\u{E000}"

    /// `text` with every `*` replaced by `placeholder`, or nil when it has none (and so no alias).
    static func defanged(_ text: String) -> String? {
        guard text.unicodeScalars.contains("*") else { return nil }
        var scalars = String.UnicodeScalarView()
        scalars.append(contentsOf: text.unicodeScalars.lazy.map { $0 == "*" ? placeholder : $0 })
        return String(scalars)
    }

    /// The first alias past `budget` expanded values in `root`, composed from `defanged`; nil when within.
    static func overrun(in root: Node?, defanged: String, budget: Int = InputLimits.expandedNodes) -> Overrun? {
        guard let root else { return nil }
        var walk = Walk(lines: YAMLLines(defanged), budget: budget)
        _ = walk.size(of: root)
        return walk.overrun
    }

    // MARK: - Walking

    private struct Walk {
        let lines: YAMLLines
        let budget: Int
        /// Each anchor's expanded size, as last defined; sizes stop at `budget + 1` so none overflows.
        var anchors: [String: (size: Int, line: Int)] = [:]
        /// Values the aliases met so far add.
        var added = 0
        var overrun: Overrun?

        /// The values `node` stands for once expanded.
        mutating func size(of node: Node) -> Int {
            guard overrun == nil else { return 0 }
            if case .scalar(let scalar) = node, let mark = scalar.mark, let alias = aliasName(scalar.string, at: mark) {
                let anchor = anchors[alias]
                // An alias to no anchor is one value here; the real compose refuses it.
                let size = anchor?.size ?? 1
                added = min(added + size, budget + 1)
                if added > budget {
                    overrun = Overrun(
                        line: mark.line, column: mark.column, alias: alias, anchorLine: anchor?.line ?? mark.line,
                        anchorValues: size)
                }
                return size
            }
            var size = 1
            switch node {
            case .mapping(let mapping):
                for (key, value) in mapping {
                    size = min(size + self.size(of: key) + self.size(of: value), budget + 1)
                }
            case .sequence(let sequence):
                for item in sequence { size = min(size + self.size(of: item), budget + 1) }
            case .scalar, .alias:
                break
            }
            // Registered once the node is complete, as Yams does: an alias inside it names an earlier one.
            if let mark = node.mark, let anchor = anchorName(at: mark) { anchors[anchor] = (size, mark.line) }
            return size
        }

        /// The anchor name of a placeholder scalar that starts at `mark`: an alias in the real text.
        private func aliasName(_ string: String, at mark: Mark) -> String? {
            guard character(at: mark.line, mark.column) == placeholder, string.unicodeScalars.first == placeholder
            else { return nil }
            return String(
                String.UnicodeScalarView(string.unicodeScalars.dropFirst().prefix(while: Self.isNameCharacter)))
        }

        /// The anchor among the properties (`&name`, `!tag`, in either order) that start at `mark`.
        private func anchorName(at mark: Mark) -> String? {
            var line = mark.line
            var column = mark.column
            var tags = 0
            while let scalar = character(at: line, column) {
                switch scalar {
                case "&":
                    var name = String.UnicodeScalarView()
                    column += 1
                    while let next = character(at: line, column), Self.isNameCharacter(next) {
                        name.append(next)
                        column += 1
                    }
                    return String(name)
                case "!" where tags == 0:
                    // A tag, then the separation (spaces, line breaks, comments) before an anchor.
                    tags += 1
                    while let next = character(at: line, column), next != " ", next != "\t" { column += 1 }
                    skipSeparation(line: &line, column: &column)
                default:
                    return nil
                }
            }
            return nil
        }

        private func skipSeparation(line: inout Int, column: inout Int) {
            while line <= lines.count {
                while let next = character(at: line, column), next == " " || next == "\t" { column += 1 }
                if let next = character(at: line, column), next != "#" { return }
                line += 1
                column = 1
            }
        }

        private func character(at line: Int, _ column: Int) -> Unicode.Scalar? { lines.character(line, column) }

        /// What libyaml allows in an anchor name: ASCII letters, digits, '_' and '-'.
        static func isNameCharacter(_ scalar: Unicode.Scalar) -> Bool {
            scalar.isASCII
                && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || scalar == "_" || scalar == "-")
        }
    }
}
