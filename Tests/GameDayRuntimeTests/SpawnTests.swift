import Foundation
import GameDayRuntime
import GameDayTestSupport
import Testing

/// The one spawner, against real processes: what a child inherits and what a timeout leaves.
@Suite struct SpawnTests {
    @Test func aTimeoutKillsTheWholeGroupAndAGrandchildHoldingThePipe() async throws {
        // The grandchild holds stdout open too: neither the pipe's end nor the shell's exit would
        // come without the kill.
        let spawn = Spawn(["/bin/sh", "-c", "sleep 60 & echo $!; wait"], standardOutput: .pipe)
        let completion = try await spawn.run(timeout: .milliseconds(500))
        #expect(completion.timedOut)
        #expect(completion.exitCode == 128 + SIGKILL)
        let grandchild = try #require(Int32(completion.stdout.trimmingCharacters(in: .whitespacesAndNewlines)))
        #expect(await Scratch.eventually { !ProcessTable().isAlive(grandchild) })
    }

    /// A program on a terminal (the test support's `PseudoTerminal`, started by `Spawn`): the
    /// terminal is its stdin and stdout, and it leads a session of its own.
    @Test func aProgramOnATerminalLeadsItsOwnSessionAndReadsWhatIsTyped() async throws {
        let terminal = try PseudoTerminal(["/bin/sh", "-c", "tty; read answer; echo \"got $answer\""])
        #expect(await terminal.waitFor("/dev/pts/", timeout: .seconds(10)), "\(terminal.transcript)")
        let stat = try #require(ProcessTable.read("/proc/\(terminal.pid)/stat"))
        let fields = stat[stat.index(after: try #require(stat.lastIndex(of: ")")))...].split(separator: " ")
        #expect(fields.count > 3 && Int32(fields[3]) == terminal.pid, "session of \(terminal.pid): \(stat)")
        terminal.type("yes\n")
        #expect(await terminal.waitFor("got yes", timeout: .seconds(10)), "\(terminal.transcript)")
        #expect(await terminal.exitCode(timeout: .seconds(10)) == 0)
    }

    @Test func cancellingTheCallerKillsTheWholeGroup() async throws {
        let scratch = try Scratch()
        defer { scratch.cleanUp() }
        let pidFile = scratch.path("grandchild.pid")
        let spawn = Spawn(["/bin/sh", "-c", "sleep 60 & echo $! > \(pidFile); wait"])
        let run = Task { try await spawn.run(timeout: .seconds(60)) }
        #expect(await Scratch.eventually { Self.pid(inFile: pidFile) != nil })
        let grandchild = try #require(Self.pid(inFile: pidFile))
        run.cancel()
        let completion = try await run.value
        #expect(completion.cancelled)
        #expect(!completion.timedOut)
        #expect(completion.exitCode == 128 + SIGKILL)
        #expect(await Scratch.eventually { !ProcessTable().isAlive(grandchild) })
    }

    @Test func aCallerCancelledBeforehandStartsNothingUnlessTheProgramIsToFinish() async throws {
        let marker = try Scratch()
        defer { marker.cleanUp() }
        let touched = marker.path("touched")
        let spawn = Spawn(["/bin/sh", "-c", "sleep 0.2; touch \(touched); echo done"], standardOutput: .pipe)
        let refused = await Task { () -> Spawn.Failure? in
            withUnsafeCurrentTask { $0?.cancel() }
            do {
                _ = try await spawn.run(timeout: .seconds(10))
                return nil
            } catch {
                return error as? Spawn.Failure
            }
        }.value
        #expect(refused?.step == .cancelled)
        #expect(!FileManager.default.fileExists(atPath: touched))
        // Cleanup after an interrupt (a lab's `down`) runs to its end all the same.
        let finished = try await Task {
            withUnsafeCurrentTask { $0?.cancel() }
            return try await spawn.run(timeout: .seconds(10), whenCancelled: .finish)
        }.value
        #expect(finished.stdout == "done\n")
        #expect(!finished.cancelled)
        #expect(FileManager.default.fileExists(atPath: touched))
    }

    @Test func stderrLinesAreToldAsTheyArrive() async throws {
        let spawn = Spawn(
            ["/bin/sh", "-c", "echo first >&2; echo ready >&2; exec sleep 60"], standardError: .pipe)
        let completion = try await spawn.run(timeout: .seconds(30)) { line, pid in
            if line == "ready" { kill(pid, SIGTERM) }
        }
        #expect(!completion.timedOut)
        #expect(completion.exitCode == 128 + SIGTERM)
        #expect(completion.stderr == "first\nready\n")
    }

    @Test func aDetachedProcessLeadsASessionWithoutATerminalAndAppendsToItsLog() async throws {
        let scratch = try Scratch()
        defer { scratch.cleanUp() }
        let log = scratch.path("detached.log")
        try "before\n".write(toFile: log, atomically: true, encoding: .utf8)
        let pid = try Spawn.detached(["/bin/sh", "-c", "echo out; echo err >&2; exec sleep 60"], log: log).start().pid
        defer {
            kill(pid, SIGKILL)
            var status: Int32 = 0
            waitpid(pid, &status, 0)
        }
        #expect(
            await Scratch.eventually { (try? String(contentsOfFile: log, encoding: .utf8)) == "before\nout\nerr\n" })
        let stat = try #require(ProcessTable.read("/proc/\(pid)/stat"))
        let fields = stat[stat.index(after: try #require(stat.lastIndex(of: ")")))...].split(separator: " ")
        // state, parent, process group, session, controlling terminal
        #expect(fields[2] == "\(pid)")
        #expect(fields[3] == "\(pid)")
        #expect(fields[4] == "0")
        // Neither a kill of this process's group (a terminal's Ctrl-C, a test runner's timeout)
        // nor the end of its session (a closed terminal's SIGHUP) reaches it.
        #expect(getpgid(pid) != getpgrp())
        #expect(getsid(pid) != getsid(0))
    }

    @Test func noDescriptorOfTheParentIsInherited() async throws {
        let scratch = try Scratch()
        defer { scratch.cleanUp() }
        let path = scratch.path("held")
        try "".write(toFile: path, atomically: true, encoding: .utf8)
        // Not close-on-exec: as a library might leave one.
        let fd = open(path, O_RDONLY)
        try #require(fd > 2)
        defer { close(fd) }
        #expect(fcntl(fd, F_GETFD) & FD_CLOEXEC == 0)
        let spawn = Spawn(
            ["/bin/sh", "-c", "readlink /proc/$$/fd/\(fd) || echo closed"], standardOutput: .pipe)
        let completion = try await spawn.run(timeout: .seconds(10))
        #expect(completion.stdout == "closed\n")
    }

    /// `gameday run` ignores SIGINT to count interrupts itself, and a thread may block signals;
    /// its commands must still be interruptible.
    @Test func everySignalIsAtItsDefaultAndUnblockedInTheChild() throws {
        let sigint = UInt64(1) << (SIGINT - 1)
        let child: SpawnedProcess
        do {
            // Process-wide for a moment: no test here sends SIGINT to a child it started otherwise.
            let previous = signal(SIGINT, SIG_IGN)
            defer { signal(SIGINT, previous) }
            var blocked = sigset_t()
            var before = sigset_t()
            sigemptyset(&blocked)
            sigaddset(&blocked, SIGINT)
            pthread_sigmask(SIG_BLOCK, &blocked, &before)
            defer { pthread_sigmask(SIG_SETMASK, &before, nil) }
            let own = try #require(ProcessTable.read("/proc/thread-self/status"))
            #expect(try Self.mask("SigIgn", in: own) & sigint != 0)
            #expect(try Self.mask("SigBlk", in: own) & sigint != 0)
            child = try Spawn(["/bin/cat", "/proc/self/status"], standardOutput: .pipe).start()
        }
        let status = child.finish(deadline: .now + .seconds(10)).stdout
        // glibc's posix_spawn (2.36 here) leaves its own two signals, 32 and 33 (thread
        // cancellation and set*id), ignored in every child; no program uses them.
        let glibcInternal = UInt64(0b11) << 31
        #expect(try Self.mask("SigIgn", in: status) & ~glibcInternal == 0)
        #expect(try Self.mask("SigBlk", in: status) == 0)
    }

    @Test func theEnvironmentIsReplacedWhenGiven() async throws {
        let completion = try await Spawn(["/usr/bin/env"], environment: ["ONLY": "this"], standardOutput: .pipe)
            .run(timeout: .seconds(10))
        #expect(completion.stdout == "ONLY=this\n")
    }

    @Test func aBareNameIsLookedUpInPathOnlyWhenAsked() async throws {
        #expect(try await Spawn(["true"], searchesPath: true).run(timeout: .seconds(10)).exitCode == 0)
        let failure = try #require(throws: Spawn.Failure.self) { try Spawn(["true"]).start() }
        #expect(failure.step == .start)
        #expect(failure.code == ENOENT)
    }

    private static func pid(inFile path: String) -> pid_t? {
        (try? String(contentsOfFile: path, encoding: .utf8)).flatMap {
            pid_t($0.trimmingCharacters(in: .whitespacesAndNewlines))
        }
    }

    /// A `SigIgn:`/`SigBlk:` line of `/proc/…/status`: a hexadecimal signal mask.
    private static func mask(_ name: String, in status: String) throws -> UInt64 {
        let line = try #require(status.split(separator: "\n").first { $0.hasPrefix(name + ":") })
        return try #require(UInt64(line.dropFirst(name.count + 1).trimmingCharacters(in: .whitespaces), radix: 16))
    }
}
