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
///
/// Values alone do not bound the work: a 10 KB scalar repeated through four levels of ten aliases is
/// a few thousand values but 100 MB of text to walk. So scalars also weigh their bytes, against a
/// budget of bytes the aliases may add.
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
        /// When the bytes the aliases add were past their budget (not the values): the bytes of the
        /// scalars the anchor holds (capped past the budget).
        var anchorBytes: Int? = nil
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

    /// The first alias past `budget` expanded values, or past `byteBudget` bytes of scalars the aliases
    /// add, in `root`, composed from `defanged`; nil when within.
    static func overrun(
        in root: Node?, defanged: String, budget: Int = InputLimits.expandedNodes,
        byteBudget: Int = InputLimits.expandedBytes
    ) -> Overrun? {
        guard let root else { return nil }
        var walk = Walk(lines: YAMLLines(defanged), budget: budget, byteBudget: byteBudget)
        _ = walk.size(of: root)
        return walk.overrun
    }

    // MARK: - Walking

    private struct Walk {
        let lines: YAMLLines
        let budget: Int
        let byteBudget: Int
        /// Each anchor's expanded size in values and in bytes of scalars, as last defined; each stops
        /// one past its budget so none overflows.
        var anchors: [String: (size: Size, line: Int)] = [:]
        /// Values and bytes the aliases met so far add.
        var added = Size(values: 0, bytes: 0)
        var overrun: Overrun?

        struct Size {
            var values: Int
            var bytes: Int
        }

        init(lines: YAMLLines, budget: Int, byteBudget: Int) {
            self.lines = lines
            self.budget = budget
            self.byteBudget = byteBudget
        }

        func sum(_ a: Size, _ b: Size) -> Size {
            Size(values: min(a.values + b.values, budget + 1), bytes: min(a.bytes + b.bytes, byteBudget + 1))
        }

        /// The values `node` stands for once expanded, and the bytes of its scalars.
        mutating func size(of node: Node) -> Size {
            guard overrun == nil else { return Size(values: 0, bytes: 0) }
            if case .scalar(let scalar) = node, let mark = scalar.mark, let alias = aliasName(scalar.string, at: mark) {
                let anchor = anchors[alias]
                // An alias to no anchor is one value here; the real compose refuses it.
                let size = anchor?.size ?? Size(values: 1, bytes: 0)
                added = sum(added, size)
                if added.values > budget || added.bytes > byteBudget {
                    overrun = Overrun(
                        line: mark.line, column: mark.column, alias: alias, anchorLine: anchor?.line ?? mark.line,
                        anchorValues: size.values, anchorBytes: added.values > budget ? nil : size.bytes)
                }
                return size
            }
            var size = Size(values: 1, bytes: 0)
            switch node {
            case .mapping(let mapping):
                for (key, value) in mapping {
                    size = sum(sum(size, self.size(of: key)), self.size(of: value))
                }
            case .sequence(let sequence):
                for item in sequence { size = sum(size, self.size(of: item)) }
            case .scalar(let scalar):
                size.bytes = min(scalar.string.utf8.count, byteBudget + 1)
            case .alias:
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
