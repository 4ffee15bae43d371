import NIOCore

/// Carries one direction of a connection (client → upstream, or back) and applies that
/// direction's toxics to every chunk.
///
/// Two stages, like Toxiproxy's chain: a reader stamps each chunk with its arrival time and a
/// writer delays, paces, drops or resets. So latency holds every chunk for the latency after *its*
/// arrival instead of adding up over the chunks of a long response.
struct ToxicPipe: Sendable {
    /// How a pipe ended.
    enum End: Sendable, Hashable {
        /// The sender closed its side; the close was passed on.
        case drained
        /// Reading or writing failed, or the pipe was cancelled.
        case failed
        /// A `reset_peer` toxic fired: the connection must be reset.
        case reset
    }

    let stream: ToxicStream
    let proxy: String
    let board: ToxicBoard
    let dice: ToxicDice

    private enum Item: Sendable {
        case data(ByteBuffer, arrival: ContinuousClock.Instant)
        case end
        case failed
    }

    func run(
        from inbound: NIOAsyncChannelInboundStream<ByteBuffer>, to outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>
    ) async -> End {
        // Unbounded, so the reader keeps stamping arrivals while the writer waits out a latency;
        // a lab's payloads are small enough for that.
        let (items, sink) = AsyncStream.makeStream(of: Item.self)
        return await withTaskGroup(of: End?.self) { group in
            group.addTask {
                do {
                    for try await chunk in inbound { sink.yield(.data(chunk, arrival: .now)) }
                    sink.yield(.end)
                } catch {
                    sink.yield(.failed)
                }
                sink.finish()
                return nil
            }
            group.addTask { await deliver(items, to: outbound) }
            var end = End.failed
            for await result in group {
                guard let result else { continue }
                end = result
                group.cancelAll()  // the reader, when the writer gave up first
            }
            return end
        }
    }

    private func deliver(_ items: AsyncStream<Item>, to outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>) async
        -> End
    {
        // When the bytes written so far may have left at the slowest bandwidth toxic's rate.
        var paced = ContinuousClock.now
        for await item in items {
            switch item {
            case .end:
                outbound.finish()  // half-close: the other side sees the end the sender made
                return .drained
            case .failed:
                return .failed
            case .data(let chunk, let arrival):
                var delay = Duration.zero
                var rate: Int64?
                var drop = false
                scan: for toxic in dice.toxics(board.snapshot(of: proxy), on: stream) {
                    switch toxic.kind {
                    case .timeout:
                        drop = true  // the link monitor closes the connection when the time is up
                        break scan
                    case .resetPeer(let timeout):
                        try? await Task.sleep(for: timeout)
                        return Task.isCancelled ? .failed : .reset
                    case .latency(let latency, let jitter):
                        let spread = jitter.wholeMilliseconds
                        delay += latency + .milliseconds(spread > 0 ? Int64.random(in: -spread...spread) : 0)
                    case .bandwidth(let limit):
                        rate = min(rate ?? limit, limit)
                    }
                }
                if drop { continue }
                do {
                    if delay > .zero { try await Task.sleep(until: arrival + delay, clock: .continuous) }
                    if let rate {
                        try await write(chunk, at: rate, pacedFrom: &paced, to: outbound)
                    } else {
                        try await outbound.write(chunk)
                    }
                } catch {
                    return .failed
                }
            }
        }
        return .failed  // cancelled
    }

    /// Writes `chunk` in slices of 100 ms worth of bytes, each no sooner than `rate` KB/s allows.
    private func write(
        _ chunk: ByteBuffer, at rate: Int64, pacedFrom paced: inout ContinuousClock.Instant,
        to outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>
    ) async throws {
        var rest = chunk
        let sliceSize = Int(clamping: max(1, rate * 100))
        while rest.readableBytes > 0, let slice = rest.readSlice(length: min(sliceSize, rest.readableBytes)) {
            // An idle link earns no credit: pacing starts again from now.
            paced = max(paced, .now) + .seconds(Double(slice.readableBytes) / Double(rate * 1000))
            try await Task.sleep(until: paced, clock: .continuous)
            try await outbound.write(slice)
        }
    }
}
