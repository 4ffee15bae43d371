import CCurl
import GameDayCore

/// libcurl's socket interface as a probe engine's transport: every URL, scheme and option curl
/// takes; the connections live in the multi handle's cache.
final class CurlProbeTransport: ProbeTransport {
    private let loop: CurlEventLoop
    private let keep: CurlTransfer.Keep

    /// A multi handle that keeps up to `connections` idle connections, keeping of each answer what
    /// `keep` says, woken through `wake`.
    init(connections: Int, keeping keep: CurlTransfer.Keep, wake: Int32) {
        loop = CurlEventLoop(connections: connections, wake: wake)
        self.keep = keep
    }

    func transfer(user: Int, request: HTTPRequest) throws(HTTPTransportError) -> ProbeTransfer {
        try ProbeTransfer(user: user, request: request, keeping: keep, on: loop)
    }

    func start(_ transfer: ProbeTransfer) -> HTTPTransportError? {
        let added = transfer.add(to: loop)
        guard added != CURLM_OK else { return nil }
        return HTTPTransportError(
            kind: .other, message: "curl_multi_add_handle failed: \(String(cString: curl_multi_strerror(added)))")
    }

    func startAdded() { loop.startAdded() }

    func nextFinished() -> (transfer: ProbeTransfer, outcome: Result<HTTPResponse, HTTPTransportError>)? {
        guard let (handle, result) = loop.nextFinished() else { return nil }
        let transfer = ProbeTransfer.finished(handle, on: loop)
        return (transfer, transfer.curl.outcome(result))
    }

    func wait(until deadline: Duration?, now: Duration) -> Bool { loop.wait(until: deadline, now: now) }

    func close() { loop.close() }
}
