import CCurl
import GameDayCore

/// A curl transfer set up for one user's request, and the probe it carries while it is on the
/// multi handle. The easy handle points back to it (`CURLOPT_PRIVATE`), so a finished handle finds
/// its probe without a lookup.
final class ProbeTransfer: ProbeCarrying {
    let curl: CurlTransfer
    var probe: ProbeInFlight

    init(user: Int, request: HTTPRequest, keeping keep: CurlTransfer.Keep, on loop: CurlEventLoop)
        throws(HTTPTransportError)
    {
        curl = try CurlTransfer(request, keeping: keep)
        probe = ProbeInFlight(user: user)
        loop.adopt(curl.handle)
        _ = ccurl_setopt_pointer(curl.handle, CURLOPT_PRIVATE, Unmanaged.passUnretained(self).toOpaque())
        // Answers to probes are small: a 4 KiB receive buffer instead of curl's 16 KiB saves 12 KiB
        // for each of a thousand users' transfers; a longer answer takes a few more reads.
        _ = ccurl_setopt_long(curl.handle, CURLOPT_BUFFERSIZE, 4096)
    }

    /// Hands the transfer to the multi handle, which holds it (retained) until `finished(_:)`.
    func add(to loop: CurlEventLoop) -> CURLMcode {
        curl.reset()
        let added = curl_multi_add_handle(loop.multi, curl.handle)
        if added == CURLM_OK { _ = Unmanaged.passRetained(self) }
        return added
    }

    /// The transfer of a finished `handle`, taken off the multi handle.
    static func finished(_ handle: UnsafeMutableRawPointer, on loop: CurlEventLoop) -> ProbeTransfer {
        var context: UnsafeMutableRawPointer?
        _ = ccurl_getinfo_private(handle, &context)
        curl_multi_remove_handle(loop.multi, handle)
        // Every handle on the multi handle is a ProbeTransfer's, added by `add(to:)`.
        return Unmanaged<ProbeTransfer>.fromOpaque(context!).takeRetainedValue()
    }
}

extension CurlTransfer.Keep {
    /// What `Prober.sample` reads of an answer: the headers of `success.headers` and of
    /// `unit_from: { header }` (`Prober.judge`, `UnitSource.read`), and the body only for
    /// `success.body_contains` or `unit_from: { body }`.
    init(for spec: ProbeSpec) {
        var headers = Array(spec.success.headers.keys)
        var body = !spec.success.bodyContains.isEmpty
        switch spec.unitFrom {
        case .header(let name): headers.append(name)
        case .body: body = true
        }
        self.init(headers: headers, body: body)
    }
}
