import Glibc

/// Times one TCP connect to an address and port, in this process: from `connect` to its answer
/// (accepted or refused, both cross the network and back), without the cost of starting a program.
/// The latency fault's proof, run where the delayed packets come from.
public enum ConnectTimer {
    public enum Outcome: Sendable, Hashable {
        /// Answered after this many milliseconds (connected or refused).
        case answered(milliseconds: Double, refused: Bool)
        case timedOut
        case failed(String)
    }

    /// `count` connects at once (so the proof of a delay takes one delay, not `count`), each timed
    /// from its own `connect`.
    public static func measure(host: String, port: UInt16, count: Int = 1, timeout: Duration) -> [Outcome] {
        var outcomes = [Outcome](repeating: .timedOut, count: count)
        var pending: [(index: Int, descriptor: Int32, started: UInt64)] = []
        defer { for attempt in pending { close(attempt.descriptor) } }
        for index in 0..<count {
            switch start(host: host, port: port) {
            case .failure(let outcome): outcomes[index] = outcome
            case .success(let attempt):
                if let done = attempt.done {
                    outcomes[index] = done
                    close(attempt.descriptor)
                } else {
                    pending.append((index, attempt.descriptor, attempt.started))
                }
            }
        }
        let deadline = PacketDelayer.now() + UInt64(timeout.milliseconds * 1_000_000)
        while !pending.isEmpty {
            let now = PacketDelayer.now()
            guard now < deadline else { break }
            var polls = pending.map { pollfd(fd: $0.descriptor, events: Int16(POLLOUT), revents: 0) }
            let ready = poll(&polls, nfds_t(polls.count), Int32(max(1, (deadline - now) / 1_000_000)))
            if ready < 0, errno != EINTR { break }
            let answered = PacketDelayer.now()
            for (slot, descriptor) in polls.enumerated().reversed() where descriptor.revents != 0 {
                let attempt = pending.remove(at: slot)
                var error: Int32 = 0
                var size = socklen_t(MemoryLayout<Int32>.size)
                getsockopt(attempt.descriptor, SOL_SOCKET, SO_ERROR, &error, &size)
                close(attempt.descriptor)
                let milliseconds = Double(answered - attempt.started) / 1_000_000
                outcomes[attempt.index] =
                    switch error {
                    case 0: .answered(milliseconds: milliseconds, refused: false)
                    case ECONNREFUSED: .answered(milliseconds: milliseconds, refused: true)
                    default: .failed(String(cString: strerror(error)))
                    }
            }
        }
        return outcomes
    }

    private struct Attempt {
        var descriptor: Int32
        var started: UInt64
        /// Answered at once (a connect that did not have to wait).
        var done: Outcome?
    }

    private enum Started {
        case success(Attempt)
        case failure(Outcome)
    }

    private static func start(host: String, port: UInt16) -> Started {
        // A numeric address of either family, resolved without any lookup.
        var hints = addrinfo()
        hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var found: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, "\(port)", &hints, &found) == 0, let address = found else {
            return .failure(.failed("not an address: \(host)"))
        }
        defer { freeaddrinfo(found) }
        let family = address.pointee.ai_family
        let descriptor = socket(family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
        guard descriptor >= 0 else { return .failure(.failed(String(cString: strerror(errno)))) }
        let started = PacketDelayer.now()
        let result = connect(descriptor, address.pointee.ai_addr, address.pointee.ai_addrlen)
        if result == 0 {
            return .success(
                Attempt(
                    descriptor: descriptor, started: started,
                    done: .answered(milliseconds: elapsed(since: started), refused: false)))
        }
        if errno == EINPROGRESS { return .success(Attempt(descriptor: descriptor, started: started, done: nil)) }
        let outcome: Outcome =
            errno == ECONNREFUSED
            ? .answered(milliseconds: elapsed(since: started), refused: true)
            : .failed(String(cString: strerror(errno)))
        close(descriptor)
        return .failure(outcome)
    }

    private static func elapsed(since start: UInt64) -> Double {
        Double(PacketDelayer.now() - start) / 1_000_000
    }
}
