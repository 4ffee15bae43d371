import CCurl
import Dispatch
import Foundation
import GameDayCore

/// Sends HTTP requests through libcurl's easy interface, one blocking
/// transfer per request on a dispatch worker so no cooperative thread waits.
public struct CurlHTTPClient: HTTPTransport {
    private static let initialised: Bool = {
        curl_global_init(Int(CURL_GLOBAL_DEFAULT))
        return true
    }()

    public init() {
        _ = Self.initialised
    }

    public func send(_ request: HTTPRequest) async throws(HTTPTransportError) -> HTTPResponse {
        let result: Result<HTTPResponse, HTTPTransportError> = await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(returning: Self.perform(request))
            }
        }
        return try result.get()
    }

    /// Runs one transfer on the calling thread.
    public static func perform(_ request: HTTPRequest) -> Result<HTTPResponse, HTTPTransportError> {
        guard let handle = curl_easy_init() else {
            return .failure(HTTPTransportError(kind: .other, message: "curl_easy_init failed"))
        }
        defer { curl_easy_cleanup(handle) }

        let sink = TransferSink()
        let context = Unmanaged.passUnretained(sink).toOpaque()
        var headerList: UnsafeMutablePointer<curl_slist>? = nil
        defer { curl_slist_free_all(headerList) }

        _ = ccurl_setopt_string(handle, CURLOPT_URL, request.url)
        _ = ccurl_setopt_long(handle, CURLOPT_NOSIGNAL, 1)
        _ = ccurl_setopt_long(handle, CURLOPT_TIMEOUT_MS, Int(request.timeout.milliseconds.rounded()))
        _ = ccurl_setopt_long(
            handle, CURLOPT_CONNECTTIMEOUT_MS, Int(min(request.timeout.milliseconds, 5000).rounded()))
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
        let code = curl_easy_perform(handle)

        let timings = Self.timings(of: handle)
        guard code == CURLE_OK else {
            let message = String(cString: curl_easy_strerror(code))
            let kind: HTTPTransportError.Kind
            switch code {
            case CURLE_COULDNT_CONNECT: kind = .connectionRefused
            case CURLE_OPERATION_TIMEDOUT: kind = .timeout
            case CURLE_COULDNT_RESOLVE_HOST: kind = .couldNotResolve
            default: kind = .other
            }
            return .failure(HTTPTransportError(kind: kind, message: "\(message) (\(request.url))", timings: timings))
        }
        var status = 0
        _ = ccurl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
        return .success(HTTPResponse(status: status, headers: sink.headers, body: sink.body, timings: timings))
    }

    private static func timings(of handle: UnsafeMutableRawPointer) -> HTTPTimings {
        func seconds(_ info: CURLINFO) -> Duration {
            var microseconds: curl_off_t = 0
            _ = ccurl_getinfo_off_t(handle, info, &microseconds)
            return .microseconds(microseconds)
        }
        return HTTPTimings(
            connect: seconds(CURLINFO_CONNECT_TIME_T),
            firstByte: seconds(CURLINFO_STARTTRANSFER_TIME_T),
            total: seconds(CURLINFO_TOTAL_TIME_T))
    }
}

/// Collects what libcurl hands to the write and header callbacks of one transfer.
private final class TransferSink {
    var body: [UInt8] = []
    var headers: [(name: String, value: String)] = []
}

private func curlWriteBody(data: UnsafeMutablePointer<CChar>?, size: Int, count: Int, context: UnsafeMutableRawPointer?)
    -> Int
{
    guard let data, let context else { return 0 }
    let sink = Unmanaged<TransferSink>.fromOpaque(context).takeUnretainedValue()
    let length = size * count
    data.withMemoryRebound(to: UInt8.self, capacity: length) {
        sink.body.append(contentsOf: UnsafeBufferPointer(start: $0, count: length))
    }
    return length
}

private func curlWriteHeader(
    data: UnsafeMutablePointer<CChar>?, size: Int, count: Int, context: UnsafeMutableRawPointer?
) -> Int {
    guard let data, let context else { return 0 }
    let sink = Unmanaged<TransferSink>.fromOpaque(context).takeUnretainedValue()
    let length = size * count
    let line = data.withMemoryRebound(to: UInt8.self, capacity: length) {
        String(decoding: UnsafeBufferPointer(start: $0, count: length), as: UTF8.self)
    }
    if line.hasPrefix("HTTP/") {
        sink.headers.removeAll()  // a new response (after 100 Continue) starts its own headers
    } else if let colon = line.firstIndex(of: ":") {
        let name = String(line[..<colon]).trimmingCharacters(in: .whitespaces)
        let value = String(line[line.index(after: colon)...]).trimmingCharacters(in: .whitespacesAndNewlines)
        sink.headers.append((name: name, value: value))
    }
    return length
}
