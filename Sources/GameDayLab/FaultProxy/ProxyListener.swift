import NIOCore
import NIOPosix

/// A proxy's listening socket; `serve` runs a `ProxyLink` for every connection it accepts.
struct ProxyListener: Sendable {
    let server: NIOAsyncChannel<NIOAsyncChannel<ByteBuffer, ByteBuffer>, Never>
    /// Where it really listens: the kernel's port when port 0 was asked for.
    let address: ProxyAddress

    /// Opens the socket now, so an address in use is the caller's error, not a later surprise.
    static func bind(_ address: ProxyAddress) async throws(FaultProxyAPIError) -> ProxyListener {
        do {
            let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                // As every lab server: a port in TIME_WAIT after a restart can be bound again.
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .childChannelOption(.allowRemoteHalfClosure, value: true)
                .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
                .bind(host: address.host, port: address.port) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try NIOAsyncChannel(
                            wrappingChannelSynchronously: channel, configuration: ProxyLink.configuration)
                    }
                }
            let port = server.channel.localAddress?.port ?? address.port
            return ProxyListener(server: server, address: ProxyAddress(host: address.host, port: port))
        } catch {
            throw .listenFailed(address.description, "\(error)")
        }
    }

    /// Accepts connections until the socket is closed or the task cancelled; then ends every
    /// connection it accepted (a disabled proxy drops its connections, as Toxiproxy's does).
    func serve(proxy: String, upstream: ProxyAddress, board: ToxicBoard) async {
        let link = ProxyLink(proxy: proxy, upstream: upstream, board: board)
        await withTaskCancellationHandler {
            try? await server.executeThenClose { clients in
                await withDiscardingTaskGroup { group in
                    do {
                        for try await client in clients {
                            group.addTask { await link.run(client) }
                        }
                    } catch {
                        LabLog.line("fault proxy \(proxy): stopped accepting on \(address): \(error)")
                    }
                    group.cancelAll()
                }
            }
        } onCancel: {
            server.channel.close(promise: nil)
        }
    }

    /// Closes the listening socket; `serve` then ends its connections and returns.
    func close() async {
        try? await server.channel.close()
    }
}
