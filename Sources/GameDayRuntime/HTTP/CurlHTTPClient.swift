import CCurl
import Dispatch
import Foundation
import GameDayCore

/// Sends HTTP requests through libcurl's easy interface, one blocking
/// transfer per request on a thread of its own so no cooperative thread waits.
///
/// Cancelling the awaiting task abandons the transfer within about a second (curl's progress
/// callback sees the abort flag), failing it as `cancelled`: an interrupted run does not wait out
/// a control plane that hangs.
public struct CurlHTTPClient: HTTPTransport {
    public init() {}

    public func send(_ request: HTTPRequest) async throws(HTTPTransportError) -> HTTPResponse {
        let abort = AbortFlag()
        return try await withTaskCancellationHandler {
            await OwnThread.run { Self.perform(request, abort: abort) }
        } onCancel: {
            abort.raise()
        }.get()
    }

    /// Runs one transfer on the calling thread; a raised `abort` flag abandons it.
    public static func perform(_ request: HTTPRequest, abort: AbortFlag? = nil) -> Result<
        HTTPResponse, HTTPTransportError
    > {
        let transfer: CurlTransfer
        do {
            transfer = try CurlTransfer(request)
        } catch {
            return .failure(error)
        }
        if let abort { _ = ccurl_setopt_abort_flag(transfer.handle, abort.flag) }
        return transfer.outcome(curl_easy_perform(transfer.handle))
    }

    /// What a cancellation raises and a transfer's progress callback reads.
    public final class AbortFlag: @unchecked Sendable {  // the C side reads and raises it atomically
        fileprivate let flag: OpaquePointer

        public init() {
            // calloc fails only when memory is exhausted.
            guard let flag = ccurl_abort_flag_create() else { fatalError("out of memory") }
            self.flag = flag
        }

        deinit { ccurl_abort_flag_destroy(flag) }

        public func raise() { ccurl_abort_flag_raise(flag) }
    }
}
