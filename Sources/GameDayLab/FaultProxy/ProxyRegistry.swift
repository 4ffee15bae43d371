/// The proxies of one fault proxy process and their toxics: what the admin API reads and changes.
///
/// Changes run one at a time (`serially`): creating or enabling a proxy awaits its socket, and an
/// actor alone would let another request in during that wait.
actor ProxyRegistry {
    private struct Entry {
        var name: String
        var listen: ProxyAddress
        var upstream: ProxyAddress
        var toxics: [Toxic] = []
        /// Present while the proxy is enabled.
        var listener: ProxyListener?

        var view: ProxyView {
            ProxyView(
                name: name, listen: listen.description, upstream: upstream.description, enabled: listener != nil,
                toxics: toxics)
        }
    }

    /// What open connections read; published to on every change.
    let board = ToxicBoard()
    private var entries: [String: Entry] = [:]
    private var nextToxicID: UInt64 = 1
    /// Listeners to serve, handed to `run` so their tasks live in its task group.
    private let listeners: AsyncStream<@Sendable () async -> Void>
    private let listenerSink: AsyncStream<@Sendable () async -> Void>.Continuation
    private var busy = false
    private var waiting: [CheckedContinuation<Void, Never>] = []

    init() {
        (listeners, listenerSink) = AsyncStream.makeStream()
    }

    /// Serves every enabled proxy's listener until cancelled.
    nonisolated func run() async {
        await withDiscardingTaskGroup { group in
            for await serve in listeners {
                group.addTask { await serve() }
            }
            group.cancelAll()  // the stream only ends when this task is cancelled
        }
    }

    // MARK: - Proxies

    func all() -> [String: ProxyView] {
        entries.mapValues(\.view)
    }

    func proxy(_ name: String) throws(FaultProxyAPIError) -> ProxyView {
        try entry(name).view
    }

    /// `POST /proxies`: the new proxy, listening unless `enabled` is false.
    func create(_ request: ProxyRequest) async throws(FaultProxyAPIError) -> ProxyView {
        try await serially { () async throws(FaultProxyAPIError) -> ProxyView in
            guard let name = request.name, !name.isEmpty else { throw .missingField("name") }
            let upstream = try ProxyRequest.address(request.upstream, field: "upstream")
            let listen = try ProxyRequest.address(request.listen, field: "listen")
            guard entries[name] == nil else { throw .proxyAlreadyExists }
            var entry = Entry(name: name, listen: listen, upstream: upstream)
            if request.enabled ?? true { try await start(&entry) }
            store(entry)
            return entry.view
        }
    }

    /// `POST /proxies/{proxy}`: a new address restarts the listener (dropping its connections);
    /// `enabled: false` closes it and its connections, `true` opens it again.
    func update(_ name: String, _ request: ProxyRequest) async throws(FaultProxyAPIError) -> ProxyView {
        try await serially { () async throws(FaultProxyAPIError) -> ProxyView in
            var entry = try entry(name)
            let listen = try request.listen.map { text throws(FaultProxyAPIError) in
                try ProxyRequest.address(text, field: "listen")
            }
            let upstream = try request.upstream.map { text throws(FaultProxyAPIError) in
                try ProxyRequest.address(text, field: "upstream")
            }
            let enabled = request.enabled ?? (entry.listener != nil)
            if (listen.map { $0 != entry.listen } ?? false) || (upstream.map { $0 != entry.upstream } ?? false) {
                await stop(&entry)
                entry.listen = listen ?? entry.listen
                entry.upstream = upstream ?? entry.upstream
            }
            defer { store(entry) }
            if enabled, entry.listener == nil {
                try await start(&entry)
            } else if !enabled {
                await stop(&entry)
            }
            return entry.view
        }
    }

    /// `DELETE /proxies/{proxy}`.
    func delete(_ name: String) async throws(FaultProxyAPIError) {
        try await serially { () async throws(FaultProxyAPIError) in
            var entry = try entry(name)
            await stop(&entry)
            entries[name] = nil
            board.publish(nil, for: name)
        }
    }

    /// `POST /reset`: every proxy enabled, every toxic gone.
    func reset() async throws(FaultProxyAPIError) {
        try await serially { () async throws(FaultProxyAPIError) in
            for name in entries.keys.sorted() {
                guard var entry = entries[name] else { continue }
                entry.toxics = []
                defer { store(entry) }
                if entry.listener == nil { try await start(&entry) }
            }
        }
    }

    // MARK: - Toxics

    func toxics(of proxy: String) throws(FaultProxyAPIError) -> [Toxic] {
        try entry(proxy).toxics
    }

    func toxic(_ name: String, of proxy: String) throws(FaultProxyAPIError) -> Toxic {
        guard let toxic = try entry(proxy).toxics.first(where: { $0.name == name }) else { throw .toxicNotFound }
        return toxic
    }

    /// `POST /proxies/{proxy}/toxics`: acts on open connections at once, as in Toxiproxy.
    func addToxic(_ request: ToxicRequest, to proxy: String) async throws(FaultProxyAPIError) -> Toxic {
        try await serially { () throws(FaultProxyAPIError) -> Toxic in
            var entry = try entry(proxy)
            let toxic = try request.toxic(id: nextToxicID, existing: entry.toxics)
            nextToxicID += 1
            entry.toxics.append(toxic)
            store(entry)
            return toxic
        }
    }

    /// `POST /proxies/{proxy}/toxics/{toxic}`: new attributes or toxicity for a toxic.
    func updateToxic(_ name: String, _ request: ToxicRequest, of proxy: String) async throws(FaultProxyAPIError)
        -> Toxic
    {
        try await serially { () throws(FaultProxyAPIError) -> Toxic in
            var entry = try entry(proxy)
            guard let index = entry.toxics.firstIndex(where: { $0.name == name }) else { throw .toxicNotFound }
            entry.toxics[index] = try request.updating(entry.toxics[index])
            store(entry)
            return entry.toxics[index]
        }
    }

    /// `DELETE /proxies/{proxy}/toxics/{toxic}`.
    func removeToxic(_ name: String, from proxy: String) async throws(FaultProxyAPIError) {
        try await serially { () throws(FaultProxyAPIError) in
            var entry = try entry(proxy)
            guard let index = entry.toxics.firstIndex(where: { $0.name == name }) else { throw .toxicNotFound }
            entry.toxics.remove(at: index)
            store(entry)
        }
    }

    // MARK: - Private

    private func entry(_ name: String) throws(FaultProxyAPIError) -> Entry {
        guard let entry = entries[name] else { throw .proxyNotFound }
        return entry
    }

    /// Keeps `entry` and tells its connections.
    private func store(_ entry: Entry) {
        entries[entry.name] = entry
        board.publish(ToxicBoard.Snapshot(enabled: entry.listener != nil, toxics: entry.toxics), for: entry.name)
    }

    /// Binds the listener and hands it to `run`; records the port the kernel chose for port 0.
    private func start(_ entry: inout Entry) async throws(FaultProxyAPIError) {
        let listener = try await ProxyListener.bind(entry.listen)
        entry.listener = listener
        entry.listen = listener.address
        let (name, upstream, board) = (entry.name, entry.upstream, board)
        listenerSink.yield { await listener.serve(proxy: name, upstream: upstream, board: board) }
    }

    private func stop(_ entry: inout Entry) async {
        guard let listener = entry.listener else { return }
        entry.listener = nil
        board.publish(ToxicBoard.Snapshot(enabled: false, toxics: entry.toxics), for: entry.name)
        await listener.close()
    }

    /// Runs `body` when no other change is running, in arrival order.
    private func serially<T>(_ body: () async throws(FaultProxyAPIError) -> T) async throws(FaultProxyAPIError) -> T {
        if busy {
            await withCheckedContinuation { waiting.append($0) }  // `busy` is handed over, still true
        } else {
            busy = true
        }
        defer {
            if waiting.isEmpty { busy = false } else { waiting.removeFirst().resume() }
        }
        return try await body()
    }
}
