import CCurl
import Dispatch
import Foundation
import GameDayCore

/// Sends HTTP requests through libcurl's easy interface, one blocking
/// transfer per request on a thread of its own so no cooperative thread waits.
public struct CurlHTTPClient: HTTPTransport {
    public init() {}

    public func send(_ request: HTTPRequest) async throws(HTTPTransportError) -> HTTPResponse {
        let result: Result<HTTPResponse, HTTPTransportError> = await withCheckedContinuation { continuation in
            // A thread of its own per transfer: Dispatch's pool on Linux grows slowly past as many
            // threads as cores, so transfers waiting on a hung server would queue every other one
            // of the process behind them (a lab storefront calling a paused cart did).
            let thread = Thread { continuation.resume(returning: Self.perform(request)) }
            thread.stackSize = 512 * 1024
            thread.start()
        }
        return try result.get()
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
