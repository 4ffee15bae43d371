import CCurl
import GameDayCore

/// One libcurl easy handle set up for one `HTTPRequest`, and what its last transfer received.
///
/// The one place where the runner's requests become curl options, so that `CurlHTTPClient`
/// (one blocking transfer) and `CurlMultiProbeLauncher` (many transfers on a multi handle) send
/// exactly the same thing. A transfer can be performed again: the options stay, `reset()` forgets
/// the last response. Not thread-safe: one thread at a time drives it.
final class CurlTransfer {
    /// What of a response a transfer keeps: everything, or only what its reader looks at (a probe
    /// engine reads one or two headers of thousands of answers a second, and often no body).
    struct Keep: Sendable {
        /// Header names, lowercased, as bytes; nil: every header.
        var headers: [[UInt8]]?
        var body: Bool

        static let everything = Keep(headers: nil, body: true)

        /// Only `headers` (compared without case), and the body when `body` is true.
        init(headers: [String]?, body: Bool) {
            self.headers = headers.map { names in names.map { Array($0.lowercased().utf8) } }
            self.body = body
        }
    }

    /// True once libcurl is initialised; read it before the first handle.
    static let initialised: Bool = {
        curl_global_init(Int(CURL_GLOBAL_DEFAULT))
        return true
    }()

    /// The easy handle, owned by this transfer.
    let handle: UnsafeMutableRawPointer
    let request: HTTPRequest
    let keep: Keep
    private var headerList: UnsafeMutablePointer<curl_slist>?
    fileprivate var body: [UInt8] = []
    fileprivate var headers: [(name: String, value: String)] = []

    init(_ request: HTTPRequest, keeping keep: Keep = .everything) throws(HTTPTransportError) {
        _ = Self.initialised
        guard let handle = curl_easy_init() else {
            throw HTTPTransportError(kind: .other, message: "curl_easy_init failed")
        }
        self.handle = handle
        self.request = request
        self.keep = keep
        configure()
    }

    deinit {
        curl_easy_cleanup(handle)
        curl_slist_free_all(headerList)
    }

    /// Forgets the last response, before the transfer is performed again. The buffers keep their
    /// room: a response handed out by `outcome(_:)` and since dropped leaves them to be refilled
    /// without an allocation.
    func reset() {
        body.removeAll(keepingCapacity: true)
        headers.removeAll(keepingCapacity: true)
    }

    /// The response, or why there was none, once curl has finished the transfer with `code`.
    func outcome(_ code: CURLcode) -> Result<HTTPResponse, HTTPTransportError> {
        let timings = timings()
        guard code == CURLE_OK else {
            let message = String(cString: curl_easy_strerror(code))
            let kind: HTTPTransportError.Kind
            switch code {
            case CURLE_COULDNT_CONNECT: kind = .connectionRefused
            case CURLE_OPERATION_TIMEDOUT: kind = .timeout
            case CURLE_ABORTED_BY_CALLBACK:
                return .failure(
                    HTTPTransportError(
                        kind: .cancelled, message: "abandoned: the run was interrupted (\(request.url))",
                        timings: timings))
            case CURLE_COULDNT_RESOLVE_HOST: kind = .couldNotResolve
            default: kind = .other
            }
            return .failure(HTTPTransportError(kind: kind, message: "\(message) (\(request.url))", timings: timings))
        }
        var status = 0
        _ = ccurl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
        return .success(HTTPResponse(status: status, headers: headers, body: body, timings: timings))
    }

    private func configure() {
        let context = Unmanaged.passUnretained(self).toOpaque()
        _ = ccurl_setopt_string(handle, CURLOPT_URL, request.url)
        _ = ccurl_setopt_long(handle, CURLOPT_NOSIGNAL, 1)
        _ = ccurl_setopt_long(handle, CURLOPT_TIMEOUT_MS, Int(request.timeout.milliseconds.rounded()))
        _ = ccurl_setopt_long(handle, CURLOPT_CONNECTTIMEOUT_MS, Int(request.connectTimeout.milliseconds.rounded()))
        // The runner only ever talks to the addresses a drill names; never through a proxy from the environment.
        _ = ccurl_setopt_string(handle, CURLOPT_NOPROXY, "*")
        _ = ccurl_setopt_write_function(handle, curlWriteBody)
        _ = ccurl_setopt_pointer(handle, CURLOPT_WRITEDATA, context)
        _ = ccurl_setopt_header_function(handle, curlWriteHeader)
        _ = ccurl_setopt_pointer(handle, CURLOPT_HEADERDATA, context)

        switch request.method.uppercased() {
        case "GET": break
        case "HEAD": _ = ccurl_setopt_long(handle, CURLOPT_NOBODY, 1)
        default: _ = ccurl_setopt_string(handle, CURLOPT_CUSTOMREQUEST, request.method.uppercased())
        }
        for header in request.headers {
            headerList = curl_slist_append(headerList, "\(header.name): \(header.value)")
        }
        // curl adds "Expect: 100-continue" to larger bodies; it only costs a round trip here.
        headerList = curl_slist_append(headerList, "Expect:")
        _ = ccurl_setopt_slist(handle, CURLOPT_HTTPHEADER, headerList)

        if let body = request.body {
            // COPYPOSTFIELDS: curl keeps its own copy, so no buffer has to outlive this call.
            var bytes = body.isEmpty ? [UInt8(0)] : body
            _ = ccurl_setopt_long(handle, CURLOPT_POSTFIELDSIZE, body.count)
            bytes.withUnsafeMutableBytes { buffer in
                _ = ccurl_setopt_pointer(handle, CURLOPT_COPYPOSTFIELDS, buffer.baseAddress)
            }
        }
    }

    /// Curl's phase timings of the last transfer, as `curl -w` reports them.
    private func timings() -> HTTPTimings {
        func elapsed(_ info: CURLINFO) -> Duration {
            var microseconds: curl_off_t = 0
            _ = ccurl_getinfo_off_t(handle, info, &microseconds)
            return .microseconds(microseconds)
        }
        return HTTPTimings(
            connect: elapsed(CURLINFO_CONNECT_TIME_T),
            firstByte: elapsed(CURLINFO_STARTTRANSFER_TIME_T),
            total: elapsed(CURLINFO_TOTAL_TIME_T))
    }
}

private func curlWriteBody(data: UnsafeMutablePointer<CChar>?, size: Int, count: Int, context: UnsafeMutableRawPointer?)
    -> Int
{
    guard let data, let context else { return 0 }
    let transfer = Unmanaged<CurlTransfer>.fromOpaque(context).takeUnretainedValue()
    let length = size * count
    guard transfer.keep.body else { return length }
    data.withMemoryRebound(to: UInt8.self, capacity: length) {
        transfer.body.append(contentsOf: UnsafeBufferPointer(start: $0, count: length))
    }
    return length
}

private func curlWriteHeader(
    data: UnsafeMutablePointer<CChar>?, size: Int, count: Int, context: UnsafeMutableRawPointer?
) -> Int {
    guard let data, let context else { return 0 }
    let transfer = Unmanaged<CurlTransfer>.fromOpaque(context).takeUnretainedValue()
    let length = size * count
    transfer.receiveHeader(UnsafeRawBufferPointer(start: data, count: length))
    return length
}

extension CurlTransfer {
    /// One header line as curl hands it over (`Name: value\r\n`).
    fileprivate func receiveHeader(_ line: UnsafeRawBufferPointer) {
        if line.starts(with: "HTTP/".utf8) {
            headers.removeAll(keepingCapacity: true)  // a new response (after 100 Continue) starts its own headers
        } else if let header = keep.header(on: line[...]) {
            headers.append(header)
        }
    }
}

extension CurlTransfer.Keep {
    /// The header on `line` (`Name: value`, with or without its line end) if it is one kept; nil for
    /// another header or a line that is none. Parsed on the bytes: this runs for every header of
    /// every probe, thousands of times a second.
    func header(on line: Slice<UnsafeRawBufferPointer>) -> (name: String, value: String)? {
        guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else { return nil }
        let name = Self.trimmed(line[..<colon])
        if let wanted = headers, !wanted.contains(where: { Self.equalIgnoringCase(name, $0) }) { return nil }
        let value = Self.trimmed(line[(colon + 1)...])
        return (name: String(decoding: name, as: UTF8.self), value: String(decoding: value, as: UTF8.self))
    }

    /// Whether `bytes` spell `lowercased` but for the case of ASCII letters.
    private static func equalIgnoringCase(_ bytes: Slice<UnsafeRawBufferPointer>, _ lowercased: [UInt8]) -> Bool {
        guard bytes.count == lowercased.count else { return false }
        for (byte, expected) in zip(bytes, lowercased) {
            let folded = byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte | 0x20 : byte
            if folded != expected { return false }
        }
        return true
    }

    /// `bytes` without the spaces, tabs and line ends around it.
    private static func trimmed(_ bytes: Slice<UnsafeRawBufferPointer>) -> Slice<UnsafeRawBufferPointer> {
        func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0D || byte == 0x0A }
        var start = bytes.startIndex
        var end = bytes.endIndex
        while start < end, isSpace(bytes[start]) { start += 1 }
        while end > start, isSpace(bytes[end - 1]) { end -= 1 }
        return bytes[start..<end]
    }
}
