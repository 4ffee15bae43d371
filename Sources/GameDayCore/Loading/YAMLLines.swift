/// A YAML text as libyaml numbers it: lines split at every break it knows (LF, CR, CRLF, NEL, LS,
/// PS), columns counted in Unicode scalars, a leading byte order mark not counted. Marks index it.
struct YAMLLines {
    private var lines: [[Unicode.Scalar]] = [[]]

    init(_ text: String) {
        var previous: Unicode.Scalar?
        for scalar in text.unicodeScalars {
            defer { previous = scalar }
            if scalar == "\n", previous == "\r" { continue }
            if ["\n", "\r", "\u{85}", "\u{2028}", "\u{2029}"].contains(scalar) {
                lines.append([])
            } else {
                lines[lines.count - 1].append(scalar)
            }
        }
        if lines[0].first == "\u{FEFF}" { lines[0].removeFirst() }
    }

    var count: Int { lines.count }

    /// The character at a 1-based line and column, or nil past the text.
    func character(_ line: Int, _ column: Int) -> Unicode.Scalar? {
        guard lines.indices.contains(line - 1), lines[line - 1].indices.contains(column - 1) else { return nil }
        return lines[line - 1][column - 1]
    }

    /// The characters of a 1-based line before `column`.
    func prefix(_ line: Int, before column: Int) -> ArraySlice<Unicode.Scalar> {
        guard lines.indices.contains(line - 1) else { return [] }
        return lines[line - 1].prefix(max(0, column - 1))
    }
}
