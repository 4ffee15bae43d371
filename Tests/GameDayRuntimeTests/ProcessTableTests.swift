import Foundation
import GameDayCore
import GameDayRuntime
import Testing

@Suite struct ProcessTableTests {
    let table = ProcessTable()

    @Test func findsAProcessByPidFileNameCommandLineAndPort() async throws {
        let scratch = try Scratch()
        defer { scratch.cleanUp() }
        let marker = "gameday-locator-\(UUID().uuidString.prefix(8))"
        let (server, port) = try await scratch.listen(
            setup: "s = socket.socket(); s.bind(('127.0.0.1', 0)); s.listen()", extra: [marker])
        let pid = server.processIdentifier
        try "\(pid)\n".write(toFile: scratch.path("server.pidfile"), atomically: true, encoding: .utf8)

        #expect(try table.find(.pidFile(scratch.path("server.pidfile"))) == [pid])
        #expect(try table.find(.commandLine(marker)) == [pid])
        #expect(try table.find(.port(port)) == [pid])
        #expect(try table.find(.name("python3")).contains(pid))
    }

    /// Rows as the kernel writes them (6.x): a listener on 127.0.0.1:8080, an established connection
    /// from that port, a TIME_WAIT one, an IPv6 listener on [::]:443, and a line cut short.
    @Test func readsTheListenersOfATCPTableAndNothingElse() {
        let table = """
              sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
               0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 41077 1 0000000000000000 100 0 0 10 0
               1: 0100007F:1F90 0100007F:D6A2 01 00000000:00000000 00:00000000 00000000     0        0 41078 1 0000000000000000 20 4 30 10 -1
               2: 0100007F:9C40 0100007F:1F90 06 00000000:00000000 03:00000F9C 00000000     0        0 0 3 0000000000000000
               3: 00000000000000000000000000000000:01BB 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 99 1 0000000000000000 100 0 0 10 0
               4: 0100007F:1F91 00000000:0000 0A
            """
        let rows = ProcessTable.listening(inTable: Array(table.utf8))
        #expect(rows.map(\.port) == [8080, 443])
        #expect(rows.map(\.inode) == [41077, 99])
    }

    @Test func aListenerIsFoundByItsPortAndItsOwnersSockets() async throws {
        let scratch = try Scratch()
        defer { scratch.cleanUp() }
        let (server, port) = try await scratch.listen(
            setup: "s = socket.socket(); s.bind(('127.0.0.1', 0)); s.listen()")
        let inodes = table.socketInodes(of: server.processIdentifier)
        let listening = table.listeningSockets().filter { $0.port == port }
        #expect(listening.count == 1)
        #expect(inodes.contains(try #require(listening.first).inode))
        #expect(table.socketInodes(of: Int32.max).isEmpty)
    }

    @Test func saysWhyNothingWasFound() throws {
        let scratch = try Scratch()
        defer { scratch.cleanUp() }
        #expect(throws: FaultError("the pid file \(scratch.path("none.pid")) cannot be read (is the service running?)"))
        {
            try table.find(.pidFile(scratch.path("none.pid")))
        }
        try "999999\n".write(toFile: scratch.path("stale.pidfile"), atomically: true, encoding: .utf8)
        #expect(
            throws: FaultError(
                "the pid file \(scratch.path("stale.pidfile")) names process 999999, which is not running")
        ) {
            try table.find(.pidFile(scratch.path("stale.pidfile")))
        }
        #expect(throws: FaultError("no running process matches a listener on TCP port 1")) { try table.find(.port(1)) }
    }

    /// Pids wrap at pid_max: a dead service's pid file can name a process that took its pid later.
    /// One that started after the file was last written is not the service (a watchdog once took
    /// such a stranger for the restarted service and left the service down).
    @Test func aPidFileNamingAProcessStartedAfterItWasWrittenIsStale() async throws {
        let scratch = try Scratch()
        defer { scratch.cleanUp() }
        let before = Date().timeIntervalSince1970
        let (server, _) = try await scratch.listen(setup: "s = socket.socket(); s.bind(('127.0.0.1', 0)); s.listen()")
        let after = Date().timeIntervalSince1970
        let pid = server.processIdentifier
        let started = try #require(table.startTime(of: pid))
        #expect(started >= before - 1.1 && started <= after + 1.1, "start \(started), spawned in [\(before), \(after)]")
        let file = scratch.path("reused.pid")
        try "\(pid)\n".write(toFile: file, atomically: true, encoding: .utf8)
        #expect(try table.find(.pidFile(file)) == [pid])
        // The same pid file, as if written a minute before this process existed.
        var times = [timeval(tv_sec: Int(before) - 60, tv_usec: 0), timeval(tv_sec: Int(before) - 60, tv_usec: 0)]
        #expect(utimes(file, &times) == 0)
        #expect(
            throws: FaultError(
                "the pid file \(file) names process \(pid), which started after the file was written: "
                    + "that pid now belongs to another process, and the service is not running")
        ) { try table.find(.pidFile(file)) }
    }

    @Test func neverOffersTheRunnerItselfAsATarget() throws {
        // This test process's own command line contains the fragment; it must not be found.
        let me = table.commandLine(of: getpid()) ?? ""
        let fragment = String(me.prefix(20))
        let found = (try? table.find(.commandLine(fragment))) ?? []
        #expect(!found.contains(getpid()))
    }

    @Test func readsAProcessAsTheKernelListsIt() async throws {
        let child = try Spawn(["/bin/sleep", "60"]).start()
        // Until the child has exec'd, /proc shows the parent's copy (or nothing): wait for the exec.
        #expect(await Scratch.eventually { table.arguments(of: child.pid) == ["/bin/sleep", "60"] })
        #expect(table.isAlive(child.pid))
        #expect(table.state(of: child.pid) != "Z")
        child.cancel()
        // Killed but not yet reaped: a zombie, which is not alive and has no arguments.
        #expect(await Scratch.eventually { table.state(of: child.pid) == "Z" })
        #expect(!table.isAlive(child.pid))
        #expect(table.arguments(of: child.pid) == nil)
        #expect(child.finish().cancelled)
        #expect(table.state(of: child.pid) == nil)
    }

    /// A signal handled while `read` waits (a handler without SA_RESTART, as the lab's and the
    /// CLI's may be) makes it fail with EINTR; the reader goes on and still returns everything.
    @Test func aReadInterruptedBySignalsReturnsTheWholeFile() async throws {
        let scratch = try Scratch()
        defer { scratch.cleanUp() }
        // A FIFO: its reader waits for the writer, where a /proc file never makes it wait.
        let fifo = scratch.path("slow")
        try #require(mkfifo(fifo, 0o600) == 0)
        var handler = sigaction()
        handler.__sigaction_handler.sa_handler = { _ in }
        sigemptyset(&handler.sa_mask)
        handler.sa_flags = 0
        var previous = sigaction()
        sigaction(SIGURG, &handler, &previous)
        defer { sigaction(SIGURG, &previous, nil) }

        let text = await OwnThread.run { () -> String? in
            let reader = pthread_self()
            let writer = Thread {
                let fd = open(fifo, O_WRONLY)
                for part in ["first\n", "second\n", "third\n"] {
                    _ = part.withCString { write(fd, $0, strlen($0)) }
                    usleep(50_000)
                    // SIGURG is ignored by default: a late one, after the handler is gone, is harmless.
                    for _ in 0..<3 {
                        pthread_kill(reader, SIGURG)
                        usleep(20_000)
                    }
                }
                close(fd)
            }
            writer.start()
            return ProcessTable.read(fifo)
        }
        #expect(text == "first\nsecond\nthird\n")
    }
}
