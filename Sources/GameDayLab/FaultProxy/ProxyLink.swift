import Foundation
import NIOCore
import NIOPosix

/// One client connection through a proxy, joined to its own connection to the upstream: a pipe
/// each way and a monitor, until both sides have closed, a toxic resets it, or the proxy goes.
struct ProxyLink: Sendable {
    let proxy: String
    let upstream: ProxyAddress
    let board: ToxicBoard

    /// How both sides of a link are wrapped: half-closes are passed on, not turned into closes, so
    /// a client that shuts down its sending side still gets the whole answer.
    static let configuration = NIOAsyncChannel<ByteBuffer, ByteBuffer>.Configuration(isOutboundHalfClosureEnabled: true)

    private enum Event: Sendable {
        case pipe(ToxicPipe.End)
        case monitor(mustClose: Bool)
    }

    func run(_ client: NIOAsyncChannel<ByteBuffer, ByteBuffer>) async {
        let server: NIOAsyncChannel<ByteBuffer, ByteBuffer>
        do {
            server = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .channelOption(.allowRemoteHalfClosure, value: true)
                .channelOption(.socketOption(.tcp_nodelay), value: 1)
                .connectTimeout(.seconds(5))
                .connect(host: upstream.host, port: upstream.port) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try NIOAsyncChannel(wrappingChannelSynchronously: channel, configuration: Self.configuration)
                    }
                }
        } catch {
            // As Toxiproxy does: the client's connection is closed, which it sees as an empty reply.
            LabLog.line("fault proxy \(proxy): cannot connect to upstream \(upstream): \(error)")
            try? await client.channel.close()
            return
        }
        let channels = [client.channel, server.channel]
        await withTaskCancellationHandler {
            try? await client.executeThenClose { clientInbound, clientOutbound in
                try await server.executeThenClose { serverInbound, serverOutbound in
                    await withTaskGroup(of: Event.self) { group in
                        let dice = ToxicDice()
                        let requests = ToxicPipe(stream: .upstream, proxy: proxy, board: board, dice: dice)
                        let responses = ToxicPipe(stream: .downstream, proxy: proxy, board: board, dice: dice)
                        let monitor = LinkMonitor(proxy: proxy, board: board, dice: dice)
                        group.addTask { .pipe(await requests.run(from: clientInbound, to: serverOutbound)) }
                        group.addTask { .pipe(await responses.run(from: serverInbound, to: clientOutbound)) }
                        group.addTask { .monitor(mustClose: await monitor.run()) }
                        await finish(&group, channels: channels)
                    }
                }
            }
        } onCancel: {
            for channel in channels { channel.close(promise: nil) }
        }
    }

    /// Waits for the link's tasks and ends the link the way the first decisive one asks.
    private func finish(_ group: inout TaskGroup<Event>, channels: [any Channel]) async {
        var drained = 0
        while let event = await group.next() {
            switch event {
            case .pipe(.drained):
                drained += 1
                guard drained == 2 else { continue }  // the other direction may still be talking
            case .pipe(.reset):
                await Self.reset(channels)
            case .pipe(.failed), .monitor(mustClose: true):
                for channel in channels { channel.close(promise: nil) }
            case .monitor(mustClose: false):
                continue
            }
            group.cancelAll()
            // The rest end as a consequence; only the first decisive event counts.
            while await group.next() != nil {}
            return
        }
    }

    /// Closes both sockets with SO_LINGER 0, so both peers get a TCP RST ("connection reset by peer").
    static func reset(_ channels: [any Channel]) async {
        for channel in channels {
            try? await (channel as? any SocketOptionProvider)?.setSoLinger(linger(l_onoff: 1, l_linger: 0)).get()
            try? await channel.close()
        }
    }
}
