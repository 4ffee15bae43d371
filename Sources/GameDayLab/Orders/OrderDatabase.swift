import Foundation

/// A unit's order database, `D/<unit>/orders.db`: its orders (own and replicated), its outbox (the
/// replication log of its own writes, like a binlog) and its replication positions.
///
/// A write and its outbox row commit in one transaction, so every acknowledged write is in the
/// outbox and nothing in the outbox was not written. The file outlives the order service: a killed
/// service's unshipped rows wait here until it restarts, or until the peer reads them (`catch-up`).
struct OrderDatabase {
    let connection: SQLiteDatabase

    static let schema = """
        CREATE TABLE IF NOT EXISTS outbox (
            position INTEGER PRIMARY KEY AUTOINCREMENT,
            user_id INTEGER NOT NULL,
            item TEXT,
            seq INTEGER,
            tag TEXT,
            created_ms REAL NOT NULL
        );
        CREATE TABLE IF NOT EXISTS orders (
            id TEXT PRIMARY KEY,
            origin TEXT NOT NULL,
            origin_position INTEGER NOT NULL,
            user_id INTEGER NOT NULL,
            item TEXT,
            seq INTEGER,
            tag TEXT,
            created_ms REAL NOT NULL,
            UNIQUE (origin, origin_position)
        );
        CREATE INDEX IF NOT EXISTS orders_by_user ON orders (user_id);
        CREATE TABLE IF NOT EXISTS positions (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
        """

    /// Opens the unit's own database, creating the file, its directory and the schema.
    static func open(path: String) throws -> OrderDatabase {
        try FileManager.default.createDirectory(
            atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        let connection = try SQLiteDatabase(path: path)
        try connection.execute(schema)
        return OrderDatabase(connection: connection)
    }

    /// Opens another unit's database to read its outbox, or nil when that unit never created one
    /// (so it has committed nothing).
    static func openPeer(path: String) throws -> OrderDatabase? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        return OrderDatabase(connection: try SQLiteDatabase(path: path, create: false))
    }

    // MARK: - Writes

    /// Commits a new order of `origin` and its outbox row in one transaction.
    func place(user: Int, draft: OrderDraft, origin: String, at now: Double) throws -> OrderRecord {
        try connection.transaction {
            try connection.query(
                "INSERT INTO outbox (user_id, item, seq, tag, created_ms) VALUES (?, ?, ?, ?, ?)",
                [
                    SQLiteValue(user), SQLiteValue(draft.item), SQLiteValue(draft.seq), SQLiteValue(draft.tag),
                    .real(now),
                ])
            let record = OrderRecord(
                origin: origin, position: Int(connection.lastInsertRowID), user: user, item: draft.item,
                seq: draft.seq, tag: draft.tag, createdMilliseconds: now)
            try insert(record)
            return record
        }
    }

    /// Applies `records` of `origin` in order, each once: rows at or below the applied position are
    /// skipped (a re-send), and a gap stops the batch so the applied position never skips a row.
    /// Returns the applied position afterwards.
    func apply(_ records: [OrderRecord], origin: String) throws -> Int {
        try connection.transaction {
            var applied = try position("applied:\(origin)")
            for record in records.sorted(by: { $0.position < $1.position }) where record.origin == origin {
                if record.position <= applied { continue }
                if record.position != applied + 1 { break }
                try insert(record)
                applied = record.position
            }
            try setPosition("applied:\(origin)", applied)
            return applied
        }
    }

    private func insert(_ record: OrderRecord) throws {
        try connection.query(
            """
            INSERT OR IGNORE INTO orders (id, origin, origin_position, user_id, item, seq, tag, created_ms)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """,
            [
                .text(record.id), .text(record.origin), SQLiteValue(record.position), SQLiteValue(record.user),
                SQLiteValue(record.item), SQLiteValue(record.seq), SQLiteValue(record.tag),
                .real(record.createdMilliseconds),
            ])
    }

    func setPosition(_ name: String, _ value: Int) throws {
        try connection.query(
            "INSERT INTO positions (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value",
            [.text(name), SQLiteValue(value)])
    }

    // MARK: - Reads

    /// The orders of `user` (own and replicated), optionally only those tagged `tag`, oldest first.
    func orders(user: Int, tag: String?) throws -> [OrderRecord] {
        let columns = "SELECT origin, origin_position, user_id, item, seq, tag, created_ms FROM orders"
        let rows =
            if let tag {
                try connection.query(
                    columns + " WHERE user_id = ? AND tag = ? ORDER BY created_ms, id", [SQLiteValue(user), .text(tag)])
            } else {
                try connection.query(columns + " WHERE user_id = ? ORDER BY created_ms, id", [SQLiteValue(user)])
            }
        return rows.map { row in
            OrderRecord(
                origin: row[0].string ?? "", position: row[1].int ?? 0, user: row[2].int ?? 0, item: row[3].string,
                seq: row[4].int, tag: row[5].string, createdMilliseconds: row[6].double ?? 0)
        }
    }

    /// Outbox rows after `position`, committed at or before `committedBefore`, oldest first.
    func outbox(origin: String, after position: Int, committedBefore: Double = .infinity, limit: Int = 500) throws
        -> [OrderRecord]
    {
        let rows = try connection.query(
            """
            SELECT position, user_id, item, seq, tag, created_ms FROM outbox
            WHERE position > ? AND created_ms <= ? ORDER BY position LIMIT ?
            """,
            [SQLiteValue(position), .real(min(committedBefore, Double.greatestFiniteMagnitude)), SQLiteValue(limit)])
        return rows.map { row in
            OrderRecord(
                origin: origin, position: row[0].int ?? 0, user: row[1].int ?? 0, item: row[2].string, seq: row[3].int,
                tag: row[4].string, createdMilliseconds: row[5].double ?? 0)
        }
    }

    /// The last outbox position committed (0 when nothing was).
    func committed() throws -> Int {
        try connection.query("SELECT coalesce(max(position), 0) FROM outbox").first?.first?.int ?? 0
    }

    /// How many outbox rows come after `position`, and when the first of them was committed.
    func backlog(after position: Int) throws -> (depth: Int, oldestMilliseconds: Double?) {
        let row = try connection.query(
            "SELECT count(*), min(created_ms) FROM outbox WHERE position > ?", [SQLiteValue(position)]
        ).first
        return (row?[0].int ?? 0, row?[1].double)
    }

    func position(_ name: String) throws -> Int {
        try connection.query("SELECT value FROM positions WHERE name = ?", [.text(name)]).first?.first?.int ?? 0
    }

    /// Origin → applied position, for every origin applied here.
    func appliedPositions() throws -> [String: Int] {
        let rows = try connection.query("SELECT name, value FROM positions WHERE name LIKE 'applied:%'")
        var applied: [String: Int] = [:]
        for row in rows {
            guard let name = row[0].string, let value = row[1].int else { continue }
            applied[String(name.dropFirst("applied:".count))] = value
        }
        return applied
    }
}
