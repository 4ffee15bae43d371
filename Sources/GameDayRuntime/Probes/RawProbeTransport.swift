import CProbeHTTP
import GameDayCore

#if canImport(Glibc)
    import Glibc
#endif

/// The engine's own HTTP/1.1 client as a probe engine's transport (`CProbeHTTP`): for probes whose
/// every request is plain HTTP to a numeric address (`RawHTTPTarget`), 20–25 % less CPU than libcurl
/// per probe (see bench/RESULTS.md), and the same answers. Each transfer owns one
/// keep-alive connection, opened when it first starts and again after the server closes it; a
/// request that finds its reused connection closed before any answer is sent again on a new one.
final class RawProbeTransport: ProbeTransport {
    final class Transfer: ProbeCarrying {
        fileprivate var handle: OpaquePointer?
        fileprivate let url: String
        var probe: ProbeInFlight

        fileprivate init(user: Int, url: String) {
            probe = ProbeInFlight(user: user)
            self.url = url
        }

        deinit { if let handle { cph_transfer_destroy(handle) } }
    }

    private let loop: OpaquePointer
    private let targets: [RawHTTPTarget?]
    private let keep: CurlTransfer.Keep
    /// The requests' timeouts, the same for all (the loop times transfers out in the order they start).
    private let timeout: Duration
    private let connectTimeout: Duration
    private var slot = SlotTimer()

    /// A transport for `requests` (the users' in order; a failed one is never sent), keeping of each
    /// answer what `keep` says, woken through `wake`; nil when some request is one for curl (see
    /// `RawHTTPTarget`), when their timeouts differ, or when none would be sent.
    init?(requests: [Result<HTTPRequest, ProbeRenderFailure>], keeping keep: CurlTransfer.Keep, wake: Int32) {
        let rendered = requests.compactMap { try? $0.get() }
        guard let first = rendered.first, rendered.allSatisfy({ $0.timeout == first.timeout }) else { return nil }
        var targets: [RawHTTPTarget?] = []
        for request in requests {
            guard case .success(let request) = request else {
                targets.append(nil)
                continue
            }
            guard let target = RawHTTPTarget(request) else { return nil }
            targets.append(target)
        }
        // Timed as curl is (`CurlTransfer`): the whole exchange, and the connection within it.
        guard
            let loop = cph_loop_create(
                wake, max(1, first.timeout.wholeNanoseconds), max(1, first.connectTimeout.wholeNanoseconds))
        else { return nil }
        self.loop = loop
        self.targets = targets
        self.keep = keep
        timeout = first.timeout
        connectTimeout = first.connectTimeout
    }

    func transfer(user: Int, request: HTTPRequest) throws(HTTPTransportError) -> Transfer {
        guard let target = targets[user] else {
            throw HTTPTransportError(kind: .other, message: "no request for user \(user) (\(request.url))")
        }
        let transfer = Transfer(user: user, url: request.url)
        let handle = target.address.withUnsafeBytes { address in
            target.bytes.withUnsafeBufferPointer { bytes in
                cph_transfer_create(
                    loop, address.baseAddress!.assumingMemoryBound(to: sockaddr.self), socklen_t(address.count),
                    bytes.baseAddress, bytes.count, target.head ? 1 : 0, keep.body ? 1 : 0,
                    Unmanaged.passUnretained(transfer).toOpaque())
            }
        }
        guard let handle else {
            throw HTTPTransportError(
                kind: .other, message: "cannot set up a transfer: \(String(cString: strerror(errno))) (\(request.url))")
        }
        transfer.handle = handle
        return transfer
    }

    func start(_ transfer: Transfer) -> HTTPTransportError? {
        guard cph_transfer_start(transfer.handle) == 0 else {
            return HTTPTransportError(kind: .other, message: "the transfer is in flight already (\(transfer.url))")
        }
        // Held by the loop until `nextFinished` hands it back (one that failed at once is only queued).
        _ = Unmanaged.passRetained(transfer)
        return nil
    }

    /// Nothing to do: a transfer sends its request as it starts.
    func startAdded() {}

    func nextFinished() -> (transfer: Transfer, outcome: Result<HTTPResponse, HTTPTransportError>)? {
        guard let handle = cph_loop_next_finished(loop) else { return nil }
        let transfer = Unmanaged<Transfer>.fromOpaque(cph_transfer_context(handle)).takeRetainedValue()
        return (transfer, outcome(cph_transfer_result(handle).pointee, url: transfer.url))
    }

    func wait(until deadline: Duration?, now: Duration) -> Bool {
        let due = slot.prepare(until: deadline, now: now) { _ = cph_loop_arm_slot(loop, $0) }
        let seen = cph_loop_wait(loop, due ? 0 : 1)
        if seen.slot_due != 0 { slot.expired() }
        return seen.woken != 0
    }

    func close() { cph_loop_destroy(loop) }

    /// What `result` means, as curl's outcome for the same exchange would (`CurlTransfer.outcome`).
    private func outcome(_ result: cph_result, url: String) -> Result<HTTPResponse, HTTPTransportError> {
        let timings = HTTPTimings(
            connect: .nanoseconds(result.connect_ns), firstByte: .nanoseconds(result.first_byte_ns),
            total: .nanoseconds(result.total_ns))
        switch result.kind {
        case CPH_OK:
            var headers: [(name: String, value: String)] = []
            if let block = result.headers {
                let bytes = UnsafeRawBufferPointer(start: block, count: result.headers_length)
                var start = bytes.startIndex
                while start < bytes.endIndex {
                    let end = bytes[start...].firstIndex(of: UInt8(ascii: "\n")).map { $0 + 1 } ?? bytes.endIndex
                    if let header = keep.header(on: bytes[start..<end]) { headers.append(header) }
                    start = end
                }
            }
            let body = result.body.map { Array(UnsafeBufferPointer(start: $0, count: result.body_length)) } ?? []
            return .success(HTTPResponse(status: Int(result.status), headers: headers, body: body, timings: timings))
        case CPH_REFUSED:
            return .failure(
                HTTPTransportError(kind: .connectionRefused, message: "connection refused (\(url))", timings: timings))
        case CPH_TIMEOUT:
            let step = result.step.map { String(cString: $0) } ?? "receive"
            return .failure(
                HTTPTransportError(
                    kind: .timeout,
                    message:
                        "timed out while trying to \(step) (\(connectTimeout) to connect, \(timeout) in all) (\(url))",
                    timings: timings))
        default:
            let step = result.step.map { String(cString: $0) } ?? "receive"
            let why =
                result.problem.map { String(cString: $0) }
                ?? (result.error != 0 ? String(cString: strerror(result.error)) : "it failed")
            return .failure(
                HTTPTransportError(kind: .other, message: "cannot \(step): \(why) (\(url))", timings: timings))
        }
    }
}
