import CCurl
import Dispatch
import Foundation
import GameDayCore

/// Sends HTTP requests through libcurl's easy interface, one blocking
/// transfer per request on a thread of its own so no cooperative thread waits.
public struct CurlHTTPClient: HTTPTransport {
    public init() {}

    public func send(_ request: HTTPRequest) async throws(HTTPTransportError) -> HTTPResponse {
        try await OwnThread.run { Self.perform(request) }.get()
    }

    /// Runs one transfer on the calling thread.
    public static func perform(_ request: HTTPRequest) -> Result<HTTPResponse, HTTPTransportError> {
        let transfer: CurlTransfer
        do {
            transfer = try CurlTransfer(request)
        } catch {
            return .failure(error)
        }
        return transfer.outcome(curl_easy_perform(transfer.handle))
    }
}
