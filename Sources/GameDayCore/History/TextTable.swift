/// Columns of text aligned for the terminal: two spaces between columns, the last one unpadded.
struct TextTable {
    var header: [String]
    var rows: [[String]]

    /// The header and every row, one line each, with trailing blanks trimmed.
    var lines: [String] {
        let all = [header] + rows
        let widths = header.indices.map { column in all.map { $0[column].count }.max() ?? 0 }
        return all.map { row in
            let cells = row.enumerated().map { column, cell in
                column == row.count - 1 ? cell : cell + String(repeating: " ", count: widths[column] - cell.count + 2)
            }
            return String(cells.joined().reversed().drop { $0 == " " }.reversed())
        }
    }
}
