extension Array where Element == Diagnostic {
    /// The diagnostics by file position; ties keep the order they were found in.
    func sortedByPosition() -> [Diagnostic] {
        enumerated().sorted { a, b in
            let l = a.element.location
            let r = b.element.location
            return (l.file, l.line, l.column, a.offset) < (r.file, r.line, r.column, b.offset)
        }.map(\.element)
    }
}
