/// An HTTP request as the runner sends it: every value already rendered.
public struct HTTPRequest: Sendable, Equatable {
    public var method: String
    public var url: String
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]?
    public var timeout: Duration

    public init(
        method: String = "GET", url: String, headers: [(name: String, value: String)] = [],
        body: [UInt8]? = nil, timeout: Duration = .seconds(5)
    ) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.timeout = timeout
    }

    public static func == (lhs: HTTPRequest, rhs: HTTPRequest) -> Bool {
        lhs.method == rhs.method && lhs.url == rhs.url && lhs.body == rhs.body
            && lhs.timeout == rhs.timeout
            && lhs.headers.map { "\($0.name): \($0.value)" } == rhs.headers.map { "\($0.name): \($0.value)" }
    }
}

/// Phase timings of one exchange, as `curl -w` reports them.
public struct HTTPTimings: Sendable, Hashable, Codable {
    public var connect: Duration
    public var firstByte: Duration
    public var total: Duration

    public init(connect: Duration = .zero, firstByte: Duration = .zero, total: Duration = .zero) {
        self.connect = connect
        self.firstByte = firstByte
        self.total = total
    }

    enum CodingKeys: String, CodingKey {
        case connect = "connect_ms", firstByte = "first_byte_ms", total = "total_ms"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        connect = .milliseconds(try c.decode(Double.self, forKey: .connect))
        firstByte = .milliseconds(try c.decode(Double.self, forKey: .firstByte))
        total = .milliseconds(try c.decode(Double.self, forKey: .total))
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(connect.milliseconds, forKey: .connect)
        try c.encode(firstByte.milliseconds, forKey: .firstByte)
        try c.encode(total.milliseconds, forKey: .total)
    }
}

/// The answer to an `HTTPRequest`.
public struct HTTPResponse: Sendable, Equatable {
    public var status: Int
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]
    public var timings: HTTPTimings

    public init(
        status: Int, headers: [(name: String, value: String)] = [], body: [UInt8] = [],
        timings: HTTPTimings = HTTPTimings()
    ) {
        self.status = status
        self.headers = headers
        self.body = body
        self.timings = timings
    }

    /// The first header of that name, compared without case.
    public func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    public var bodyText: String { String(decoding: body, as: UTF8.self) }

    public static func == (lhs: HTTPResponse, rhs: HTTPResponse) -> Bool {
        lhs.status == rhs.status && lhs.body == rhs.body
            && lhs.headers.map { "\($0.name): \($0.value)" } == rhs.headers.map { "\($0.name): \($0.value)" }
    }
}

/// Why an exchange produced no HTTP response at all.
public struct HTTPTransportError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: String, Sendable, Codable {
        case connectionRefused = "connection_refused"
        case timeout
        case couldNotResolve = "could_not_resolve"
        /// The request was abandoned because the run was interrupted.
        case cancelled
        case other
    }

    public var kind: Kind
    public var message: String
    public var timings: HTTPTimings

    public init(kind: Kind, message: String, timings: HTTPTimings = HTTPTimings()) {
        self.kind = kind
        self.message = message
        self.timings = timings
    }

    public var description: String { message }
}

/// Sends HTTP requests. The real one is libcurl (`CurlHTTPClient`); tests use fakes.
public protocol HTTPTransport: Sendable {
    func send(_ request: HTTPRequest) async throws(HTTPTransportError) -> HTTPResponse
}

extension Duration {
    /// This duration in milliseconds to the microsecond, as JSON carries durations.
    public var milliseconds: Double {
        let (seconds, attoseconds) = components
        return (Double(seconds) * 1_000_000 + (Double(attoseconds) / 1e12).rounded()) / 1000
    }

    /// A duration from fractional seconds, to the nanosecond. Never traps: past the ±292 years
    /// that whole nanoseconds in an `Int64` hold (infinity included), it saturates; NaN is zero.
    public static func secondsDouble(_ value: Double) -> Duration {
        let nanoseconds = (value * 1e9).rounded()
        // 2^63 is the first Double past Int64.max; converting it or anything above would trap.
        let limit = 9_223_372_036_854_775_808.0
        if nanoseconds.isNaN { return .zero }
        if nanoseconds >= limit { return .nanoseconds(Int64.max) }
        if nanoseconds < -limit { return .nanoseconds(Int64.min) }
        return .nanoseconds(Int64(nanoseconds))
    }
}
