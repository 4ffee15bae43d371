import CNetfilterQueue
import Glibc

/// One bound NFQUEUE queue of this network namespace, through libnetfilter_queue: the packets
/// a `queue num N` rule sends to it, by id, and their verdicts. Only metadata is copied to this
/// process, never a packet's bytes.
///
/// Not thread-safe: one thread reads and gives verdicts (the delayer's loop).
final class NetfilterQueue {
    let number: UInt16
    private let handle: OpaquePointer
    private let queue: OpaquePointer
    private let batch: UnsafeMutablePointer<gd_nfq_batch>
    private let buffer: UnsafeMutableRawBufferPointer
    let descriptor: Int32

    /// Binds queue `number`. `maxLength`: how many packets the kernel holds for this queue
    /// before it drops new ones (the delayer holds them all for the delay).
    init(number: UInt16, maxLength: UInt32 = 65_536, batchSize: Int = 4_096) throws(DelayerError) {
        guard let handle = nfq_open() else { throw .cannotBind(number, "nfq_open: \(Self.errnoText())") }
        let batch = UnsafeMutablePointer<gd_nfq_batch>.allocate(capacity: 1)
        let ids = UnsafeMutablePointer<UInt32>.allocate(capacity: batchSize)
        batch.initialize(to: gd_nfq_batch(ids: ids, count: 0, capacity: Int32(batchSize), overflowed: 0))
        guard let queue = gd_nfq_create_queue(handle, number, batch) else {
            let reason = Self.errnoText()
            nfq_close(handle)
            ids.deallocate()
            batch.deallocate()
            throw .cannotBind(number, "the queue is taken or cannot be bound (\(reason))")
        }
        // Metadata only; a larger queue than the kernel's 1,024 default; a larger socket buffer,
        // and no ENOBUFS error when it overflows anyway (the kernel then drops, as netem's limit does).
        guard nfq_set_mode(queue, UInt8(NFQNL_COPY_META.rawValue), 0) >= 0 else {
            let reason = Self.errnoText()
            nfq_destroy_queue(queue)
            nfq_close(handle)
            ids.deallocate()
            batch.deallocate()
            throw .cannotBind(number, "nfq_set_mode: \(reason)")
        }
        _ = nfq_set_queue_maxlen(queue, maxLength)
        _ = nfnl_rcvbufsiz(nfq_nfnlh(handle), 8 << 20)
        let descriptor = nfq_fd(handle)
        var one: Int32 = 1
        _ = setsockopt(descriptor, SOL_NETLINK, NETLINK_NO_ENOBUFS, &one, socklen_t(MemoryLayout<Int32>.size))
        let flags = fcntl(descriptor, F_GETFL)
        _ = fcntl(descriptor, F_SETFL, flags | O_NONBLOCK)
        self.number = number
        self.handle = handle
        self.queue = queue
        self.batch = batch
        self.descriptor = descriptor
        self.buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 16, alignment: 8)
    }

    deinit {
        nfq_destroy_queue(queue)
        nfq_close(handle)
        batch.pointee.ids.deallocate()
        batch.deallocate()
        buffer.deallocate()
    }

    /// Packets that arrived while the batch was full and were let through undelayed.
    var overflowed: UInt64 { batch.pointee.overflowed }

    /// Reads what the socket holds now, without waiting; calls `arrived` with each packet's id in order.
    func drain(_ arrived: (UInt32) -> Void) {
        while true {
            let count = recv(descriptor, buffer.baseAddress, buffer.count, 0)
            if count <= 0 { return }
            batch.pointee.count = 0
            _ = nfq_handle_packet(handle, buffer.baseAddress?.assumingMemoryBound(to: CChar.self), Int32(count))
            for index in 0..<Int(batch.pointee.count) { arrived(batch.pointee.ids[index]) }
        }
    }

    func accept(_ id: UInt32) { _ = gd_nfq_accept(queue, id) }

    func drop(_ id: UInt32) { _ = gd_nfq_drop(queue, id) }

    private static func errnoText() -> String { String(cString: strerror(errno)) }
}
