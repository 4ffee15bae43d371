import GameDayCore

extension HTTPRequest {
    /// How long either HTTP client waits for a connection: within the request's timeout, 5 s at most
    /// (a service that has not accepted by then is down, however long the answer may take).
    var connectTimeout: Duration { min(timeout, .seconds(5)) }
}
