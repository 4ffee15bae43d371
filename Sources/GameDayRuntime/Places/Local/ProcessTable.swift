import Foundation
import GameDayCore

/// Reads this host's processes from `/proc`.
public struct ProcessTable: Sendable {
    public let root: String

    public init(root: String = "/proc") { self.root = root }

    /// The state letter of `pid` (`R`, `S`, `T` stopped, `Z` zombie), or nil when it does not exist.
    public func state(of pid: Int32) -> Character? {
        Self.read("\(root)/\(pid)/stat").flatMap(Self.state(fromStat:))
    }

    /// The state letter of a `/proc/PID/stat` line (`R`, `S`, `T` stopped...): the first field
    /// after the command name, which is in parentheses and may itself hold spaces and parentheses.
    public static func state(fromStat stat: String) -> Character? {
        guard let close = stat.lastIndex(of: ")") else { return nil }
        return stat[stat.index(after: close)...].first { !$0.isWhitespace }
    }

    /// How much later than its pid file's last change a process may seem to have started and still
    /// be the one it names: the boot time behind a process's start time is kept in whole seconds.
    static let startTimeSlack = 2.0

    /// When `pid` started, as Unix seconds (`/proc/PID/stat`'s start time after boot, and the boot
    /// time in `/proc/stat`); nil when either cannot be read.
    public func startTime(of pid: Int32) -> Double? {
        guard let stat = Self.read("\(root)/\(pid)/stat"), let close = stat.lastIndex(of: ")") else { return nil }
        // After the name, the state is field 3 of the line; the start time in clock ticks is field 22.
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 19, let ticks = Double(fields[19]),
            let boot = Self.read("\(root)/stat")?.split(separator: "\n").first(where: { $0.hasPrefix("btime ") }),
            let bootSeconds = Double(boot.dropFirst("btime ".count).trimmingCharacters(in: .whitespaces))
        else { return nil }
        return bootSeconds + ticks / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    /// A file's last change, as Unix seconds.
    static func modificationTime(_ path: String) -> Double? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return Double(info.st_mtim.tv_sec) + Double(info.st_mtim.tv_nsec) / 1e9
    }

    /// Whether `pid` is a live process (a zombie is not).
    public func isAlive(_ pid: Int32) -> Bool {
        state(of: pid).map(Self.isLive) ?? false
    }

    /// Whether a state letter is a live process's: not a zombie (`Z`) nor one being torn down (`X`).
    public static func isLive(_ state: Character) -> Bool { state != "Z" && state != "X" }

    /// The argv of `pid`, or nil when it is gone or a zombie (whose cmdline is empty).
    public func arguments(of pid: Int32) -> [String]? {
        guard let text = Self.read("\(root)/\(pid)/cmdline"), !text.isEmpty else { return nil }
        return text.split(separator: "\0").map(String.init)
    }

    public func commandLine(of pid: Int32) -> String? {
        guard let text = Self.read("\(root)/\(pid)/cmdline"), !text.isEmpty else { return nil }
        return String(text.map { $0 == "\u{0}" ? " " : $0 }).trimmingCharacters(in: .whitespaces)
    }

    public func name(of pid: Int32) -> String? {
        Self.read("\(root)/\(pid)/comm")?.trimmingCharacters(
            in: .whitespacesAndNewlines)
    }

    /// Every pid on the host.
    public func pids() -> [Int32] {
        ((try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []).compactMap { Int32($0) }.sorted()
    }

    /// The processes a locator names, never this process or its ancestors.
    public func find(_ locator: ProcessLocator) throws(FaultError) -> [Int32] {
        let found: [Int32]
        switch locator {
        case .pidFile(let path):
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                throw FaultError("the pid file \(path) cannot be read (is the service running?)")
            }
            guard let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)), pid > 1 else {
                throw FaultError("the pid file \(path) does not hold a process id")
            }
            found = isAlive(pid) ? [pid] : []
            if found.isEmpty { throw FaultError("the pid file \(path) names process \(pid), which is not running") }
            // A dead service's pid can be handed to another process (pids wrap at pid_max): one
            // that started after the file was written is not the process it names.
            if let started = startTime(of: pid), let written = Self.modificationTime(path),
                started > written + Self.startTimeSlack
            {
                throw FaultError(
                    "the pid file \(path) names process \(pid), which started after the file was written: "
                        + "that pid now belongs to another process, and the service is not running")
            }
        case .name(let name):
            found = pids().filter { self.name(of: $0) == name && isAlive($0) }
        case .commandLine(let fragment):
            found = pids().filter { (commandLine(of: $0)?.contains(fragment) ?? false) && isAlive($0) }
        case .port(let port):
            found = listeners(on: port)
        }
        let own = Set(ancestors())
        let result = found.filter { !own.contains($0) }
        guard !result.isEmpty else { throw FaultError("no running process matches \(Self.describe(locator))") }
        return result
    }

    /// This process and its ancestors: never targets of a fault.
    public func ancestors() -> [Int32] {
        var chain: [Int32] = []
        var pid = getpid()
        while pid > 1, chain.count < 64 {
            chain.append(pid)
            guard let parent = parent(of: pid) else { break }
            pid = parent
        }
        return chain
    }

    /// The parent of `pid` (`/proc/PID/stat`'s field after the state), or nil when it is gone.
    public func parent(of pid: Int32) -> Int32? {
        guard let stat = Self.read("\(root)/\(pid)/stat"), let close = stat.lastIndex(of: ")") else { return nil }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        return fields.count > 1 ? Int32(fields[1]) : nil
    }

    /// Processes holding a TCP socket listening on `port`.
    public func listeners(on port: Int) -> [Int32] {
        let inodes = Set(listeningSockets().lazy.filter { $0.port == port }.map(\.inode))
        guard !inodes.isEmpty else { return [] }
        return pids().filter { !socketInodes(of: $0).isDisjoint(with: inodes) }
    }

    /// The socket inodes `pid` holds open (its `/proc/PID/fd` links to `socket:[N]`); empty when it
    /// holds none or is gone.
    public func socketInodes(of pid: Int32) -> Set<UInt64> {
        let directory = "\(root)/\(pid)/fd"
        guard let fds = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return [] }
        var inodes: Set<UInt64> = []
        for fd in fds {
            guard let link = try? FileManager.default.destinationOfSymbolicLink(atPath: "\(directory)/\(fd)"),
                link.hasPrefix("socket:["), let inode = UInt64(link.dropFirst(8).dropLast())
            else { continue }
            inodes.insert(inode)
        }
        return inodes
    }

    /// Every TCP socket of the host in the LISTEN state, IPv4 and IPv6: its local port and inode.
    ///
    /// `/proc/net/tcp` lists every socket of the host, TIME_WAIT ones too (thousands on a busy
    /// host), so it is read once per call and parsed on its bytes, not split into strings.
    public func listeningSockets() -> [(port: Int, inode: UInt64)] {
        ["\(root)/net/tcp", "\(root)/net/tcp6"].flatMap { Self.readBytes($0).map(Self.listening(inTable:)) ?? [] }
    }

    /// The LISTEN (`0A`) rows of a `/proc/net/tcp` table: `sl local_address rem_address st tx:rx
    /// tr:tm retrnsmt uid timeout inode …`, the port being the hex after the local address's colon.
    public static func listening(inTable bytes: [UInt8]) -> [(port: Int, inode: UInt64)] {
        var rows: [(port: Int, inode: UInt64)] = []
        var fields: [Range<Int>] = []
        fields.reserveCapacity(10)
        var index = bytes.firstIndex(of: UInt8(ascii: "\n")).map { $0 + 1 } ?? bytes.count  // the header
        while index < bytes.count {
            fields.removeAll(keepingCapacity: true)
            // The first ten fields of the line, as ranges of bytes.
            while index < bytes.count, bytes[index] != UInt8(ascii: "\n") {
                if bytes[index] == UInt8(ascii: " ") {
                    index += 1
                    continue
                }
                let start = index
                while index < bytes.count, bytes[index] != UInt8(ascii: " "), bytes[index] != UInt8(ascii: "\n") {
                    index += 1
                }
                if fields.count < 10 { fields.append(start..<index) }
            }
            index += 1
            guard fields.count == 10, bytes[fields[3]].elementsEqual("0A".utf8),
                let colon = bytes[fields[1]].lastIndex(of: UInt8(ascii: ":")),
                let port = number(bytes[(colon + 1)..<fields[1].upperBound], radix: 16),
                let inode = number(bytes[fields[9]], radix: 10)
            else { continue }
            rows.append((port: Int(port), inode: inode))
        }
        return rows
    }

    /// An unsigned number written in `radix` (10 or 16), or nil.
    private static func number(_ digits: ArraySlice<UInt8>, radix: UInt64) -> UInt64? {
        guard !digits.isEmpty, digits.count <= 16 else { return nil }
        var value: UInt64 = 0
        for digit in digits {
            let figure: UInt64
            switch digit {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): figure = UInt64(digit - UInt8(ascii: "0"))
            case UInt8(ascii: "A")...UInt8(ascii: "F") where radix == 16:
                figure = UInt64(digit - UInt8(ascii: "A") + 10)
            case UInt8(ascii: "a")...UInt8(ascii: "f") where radix == 16:
                figure = UInt64(digit - UInt8(ascii: "a") + 10)
            default: return nil
            }
            value = value &* radix &+ figure
        }
        return value
    }

    /// Reads a whole file (a `/proc` file, a pid file). `/proc` files report a size of zero, so
    /// this reads until the end rather than trusting the size: `/proc/net/tcp` of a busy host
    /// spans many pages.
    public static func read(_ path: String) -> String? {
        readBytes(path).map { String(decoding: $0, as: UTF8.self) }
    }

    /// A whole file's bytes, read to its end (see `read(_:)`).
    static func readBytes(_ path: String) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if count < 0, errno == EINTR { continue }
            if count <= 0 { break }
            bytes.append(contentsOf: chunk[0..<count])
        }
        return bytes
    }

    /// The absolute path of the running executable (`/proc/self/exe`): what a watchdog, a lab
    /// service or an end-to-end test starts again.
    public static func currentExecutable() -> String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    }

    public static func describe(_ locator: ProcessLocator) -> String {
        switch locator {
        case .pidFile(let path): "pid file \(path)"
        case .name(let name): "process name '\(name)'"
        case .commandLine(let fragment): "command line containing '\(fragment)'"
        case .port(let port): "a listener on TCP port \(port)"
        }
    }
}
