import CSQLite
import Foundation
import GameDayCore

/// One value bound to a statement parameter or read from a result column.
enum SQLiteValue: Sendable, Hashable {
    case integer(Int64)
    case real(Double)
    case text(String)
    case null

    init(_ value: Int?) { self = value.map { .integer(Int64($0)) } ?? .null }
    init(_ value: String?) { self = value.map { .text($0) } ?? .null }
    init(_ value: Double) { self = .real(value) }

    var int: Int? {
        switch self {
        case .integer(let value): Int(value)
        case .real(let value): Int(value)
        case .text, .null: nil
        }
    }

    var double: Double? {
        switch self {
        case .integer(let value): Double(value)
        case .real(let value): value
        case .text, .null: nil
        }
    }

    var string: String? {
        if case .text(let value) = self { return value }
        return nil
    }
}

/// What SQLite reported, with the statement it was about.
struct SQLiteError: Error, LocalizedError, Sendable, Hashable {
    var code: Int32
    var message: String
    var sql: String?

    var errorDescription: String? {
        "SQLite error \(code): \(message)" + (sql.map { " (in '\($0)')" } ?? "")
    }
}

/// A SQLite connection: statements are prepared and their parameters bound, never spliced into SQL.
///
/// Not `Sendable` on purpose: each connection is owned by one actor (or one function) and used from
/// there only, which is what SQLite's multi-thread mode (`SQLITE_OPEN_NOMUTEX`) asks for.
final class SQLiteDatabase {
    private let handle: OpaquePointer
    let path: String

    /// Opens (or, with `create`, creates) the database at `path`, in WAL mode so that another
    /// process can read the file while this one writes, with a busy timeout for the moments both
    /// want the same lock.
    init(path: String, create: Bool = true, busyTimeout: Duration = .seconds(2)) throws(SQLiteError) {
        var handle: OpaquePointer?
        let flags = SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0) | SQLITE_OPEN_NOMUTEX
        let code = sqlite3_open_v2(path, &handle, flags, nil)
        guard code == SQLITE_OK, let handle else {
            let message = handle.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            sqlite3_close_v2(handle)
            throw SQLiteError(code: code, message: "cannot open \(path): \(message)")
        }
        self.handle = handle
        self.path = path
        sqlite3_busy_timeout(handle, Int32(busyTimeout.milliseconds))
        // WAL: readers (the peer's catch-up reading this file) never block the writer. NORMAL
        // syncs at checkpoints only: a commit survives the process being killed (it is in the
        // WAL, in the page cache), which is the failure the lab's drills make.
        try execute("PRAGMA journal_mode=WAL")
        try execute("PRAGMA synchronous=NORMAL")
    }

    deinit { sqlite3_close_v2(handle) }

    /// Runs SQL without parameters or results (schema, pragmas, `BEGIN`); several statements allowed.
    func execute(_ sql: String) throws(SQLiteError) {
        var message: UnsafeMutablePointer<CChar>?
        let code = sqlite3_exec(handle, sql, nil, nil, &message)
        defer { sqlite3_free(message) }
        guard code == SQLITE_OK else {
            throw SQLiteError(code: code, message: message.map { String(cString: $0) } ?? "unknown", sql: sql)
        }
    }

    /// Runs one statement with `parameters` bound to its `?`s, returning every result row.
    @discardableResult
    func query(_ sql: String, _ parameters: [SQLiteValue] = []) throws(SQLiteError) -> [[SQLiteValue]] {
        let statement = try SQLiteStatement(handle: handle, sql: sql)
        try statement.bind(parameters)
        var rows: [[SQLiteValue]] = []
        while let row = try statement.step() { rows.append(row) }
        return rows
    }

    /// The rowid of the last row inserted on this connection.
    var lastInsertRowID: Int64 { sqlite3_last_insert_rowid(handle) }

    /// Runs `body` in one `BEGIN IMMEDIATE` transaction: committed when it returns, rolled back when
    /// it throws. IMMEDIATE takes the write lock up front, so a busy database shows at `BEGIN`.
    func transaction<T>(_ body: () throws -> T) throws -> T {
        try execute("BEGIN IMMEDIATE")
        do {
            let value = try body()
            try execute("COMMIT")
            return value
        } catch {
            try? execute("ROLLBACK")
            throw error
        }
    }
}

/// One prepared statement, finalized when released.
private final class SQLiteStatement {
    private let handle: OpaquePointer
    private let database: OpaquePointer
    private let sql: String

    init(handle database: OpaquePointer, sql: String) throws(SQLiteError) {
        var statement: OpaquePointer?
        let code = sqlite3_prepare_v2(database, sql, -1, &statement, nil)
        guard code == SQLITE_OK, let statement else {
            throw SQLiteError(code: code, message: String(cString: sqlite3_errmsg(database)), sql: sql)
        }
        self.handle = statement
        self.database = database
        self.sql = sql
    }

    deinit { sqlite3_finalize(handle) }

    func bind(_ values: [SQLiteValue]) throws(SQLiteError) {
        guard values.count == Int(sqlite3_bind_parameter_count(handle)) else {
            throw SQLiteError(
                code: SQLITE_RANGE,
                message: "\(values.count) values for \(sqlite3_bind_parameter_count(handle)) parameters", sql: sql)
        }
        for (offset, value) in values.enumerated() {
            let index = Int32(offset + 1)
            let code: Int32
            switch value {
            case .integer(let number): code = sqlite3_bind_int64(handle, index, number)
            case .real(let number): code = sqlite3_bind_double(handle, index, number)
            case .text(let text): code = sqlite3_bind_text(handle, index, text, -1, csqlite_transient())
            case .null: code = sqlite3_bind_null(handle, index)
            }
            guard code == SQLITE_OK else { throw failure(code) }
        }
    }

    /// The next row, or nil when the statement is done.
    func step() throws(SQLiteError) -> [SQLiteValue]? {
        let code = sqlite3_step(handle)
        switch code {
        case SQLITE_ROW:
            return (0..<sqlite3_column_count(handle)).map(column)
        case SQLITE_DONE:
            return nil
        default:
            throw failure(code)
        }
    }

    private func column(_ index: Int32) -> SQLiteValue {
        switch sqlite3_column_type(handle, index) {
        case SQLITE_INTEGER: .integer(sqlite3_column_int64(handle, index))
        case SQLITE_FLOAT: .real(sqlite3_column_double(handle, index))
        case SQLITE_NULL: .null
        default: .text(sqlite3_column_text(handle, index).map { String(cString: $0) } ?? "")
        }
    }

    private func failure(_ code: Int32) -> SQLiteError {
        SQLiteError(code: code, message: String(cString: sqlite3_errmsg(database)), sql: sql)
    }
}
