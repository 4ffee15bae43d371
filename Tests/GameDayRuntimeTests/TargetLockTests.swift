import Foundation
import GameDayCore
import Testing

@testable import GameDayRuntime

/// One run per target on this machine: the lock's identity, its directory and its file, against
/// real files (each test in a scratch directory of its own, never the machine's).
@Suite struct TargetLockTests {
    static let lab = TargetIdentity(controlPlaneURL: "http://127.0.0.1:7001", gatewayURL: "http://127.0.0.1:7000")

    static func record(_ runId: String, target: String = "lab", identity: TargetIdentity = lab) -> TargetLockRecord {
        TargetLockRecord(
            runId: runId, drill: "storefront-strong-dependency", stateDirectory: "/srv/\(runId)/state",
            startedAt: "2025-01-01T00:00:00.000Z", target: target, identity: identity)
    }

    @Test func theIdentityIsWhereTheSystemIsReachedNotTheNameOrTheFile() {
        // The same system written differently: case, default port, trailing slash, credentials.
        let same = TargetIdentity(controlPlaneURL: "HTTP://127.0.0.1:7001/", gatewayURL: "http://u:p@127.0.0.1:7000")
        #expect(same == Self.lab)
        #expect(same.lockFileName == Self.lab.lockFileName)
        #expect(
            TargetIdentity(controlPlaneURL: "https://cp.example", gatewayURL: "https://gw.example/").controlPlaneURL
                == "https://cp.example:443")
        // Another lab on other ports is another target.
        let other = TargetIdentity(controlPlaneURL: "http://127.0.0.1:7101", gatewayURL: "http://127.0.0.1:7000")
        #expect(other != Self.lab)
        #expect(other.lockFileName != Self.lab.lockFileName)
        // The file name is the same in every process (not Hasher's per-process seed).
        #expect(Self.lab.lockFileName == "target-79486b4a7749d38e.lock")
    }

    @Test func oneRunPerTargetWhateverItsNameAndStateDirectory() async throws {
        let scratch = try Scratch()
        defer { scratch.cleanUp() }
        let first = try await TargetLock.take(Self.record("aaaa"), in: scratch.directory)
        #expect(TargetLock.running(in: scratch.directory) == [Self.record("aaaa")])
        // A copy of the target file under another name, from another state directory.
        await #expect(throws: TargetLockError.held(target: "lab-copy", by: Self.record("aaaa"))) {
            try await TargetLock.take(Self.record("bbbb", target: "lab-copy"), in: scratch.directory, patience: .zero)
        }
        // The same name on another system is another target.
        let elsewhere = TargetIdentity(controlPlaneURL: "http://10.0.0.1:80", gatewayURL: "http://10.0.0.2:80")
        let other = try await TargetLock.take(Self.record("cccc", identity: elsewhere), in: scratch.directory)
        #expect(TargetLock.running(in: scratch.directory).map(\.runId) == ["aaaa", "cccc"])
        other.release()
        first.release()
        #expect(TargetLock.running(in: scratch.directory).isEmpty)
        #expect(try FileManager.default.contentsOfDirectory(atPath: scratch.directory).isEmpty)
        try await TargetLock.take(Self.record("dddd"), in: scratch.directory).release()
    }

    @Test func theRefusalNamesTheOtherRun() {
        let message = TargetLockError.held(target: "lab", by: Self.record("aaaa")).errorDescription
        #expect(
            message
                == "another drill is running against target lab: run aaaa (pid \(getpid()), drill "
                + "storefront-strong-dependency, state dir /srv/aaaa/state, since 2025-01-01T00:00:00.000Z); wait for "
                + "it to finish ('gameday status' lists the drills running on this machine)")
    }

    /// A runner killed with SIGKILL leaves its lock file (the kernel lets go of the lock, not the
    /// file): the next run takes it, and a look at who runs removes it.
    @Test func theLockOfAKilledRunIsFreeAndItsFileGoes() async throws {
        let scratch = try Scratch()
        defer { scratch.cleanUp() }
        let path = "\(scratch.directory)/\(Self.lab.lockFileName)"
        // A real process takes the lock, writes a record and is killed.
        let holder = try scratch.start([
            "python3", "-c",
            "import fcntl, time; f = open('\(path)', 'w'); fcntl.flock(f, fcntl.LOCK_EX); "
                + "f.write('{}'); f.flush(); open('\(path).held', 'w'); time.sleep(300)",
        ])
        #expect(await Scratch.eventually { FileManager.default.fileExists(atPath: "\(path).held") })
        unlink("\(path).held")
        await #expect(throws: TargetLockError.held(target: "lab", by: nil)) {
            try await TargetLock.take(Self.record("aaaa"), in: scratch.directory, patience: .milliseconds(100))
        }
        kill(holder.processIdentifier, SIGKILL)
        holder.waitUntilExit()
        #expect(FileManager.default.fileExists(atPath: path))
        #expect(TargetLock.running(in: scratch.directory).isEmpty)
        #expect(!FileManager.default.fileExists(atPath: path))
        let lock = try await TargetLock.take(Self.record("bbbb"), in: scratch.directory)
        #expect(TargetLock.running(in: scratch.directory).map(\.runId) == ["bbbb"])
        lock.release()
    }

    @Test func locksGoToTheMachineWideDirectoryElseToThisUsersOwn() throws {
        let scratch = try Scratch()
        defer { scratch.cleanUp() }
        let machineWide = scratch.path("run/gameday/locks")
        let chosen = try LockDirectory.choose(
            machineWide: machineWide, runtimeDirectory: nil, temporary: scratch.path("tmp"))
        #expect(chosen == LockDirectory(path: machineWide, note: nil))

        // Not writable: here a file stands where its parent should be (root may write anywhere).
        FileManager.default.createFile(atPath: scratch.path("blocked"), contents: Data())
        let blocked = scratch.path("blocked/gameday/locks")
        let runtime = scratch.path("xdg")
        try FileManager.default.createDirectory(
            atPath: runtime, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let user = try LockDirectory.choose(
            machineWide: blocked, runtimeDirectory: runtime, temporary: scratch.path("tmp"))
        #expect(user.path == "\(runtime)/gameday/locks")
        #expect(
            user.note
                == "\(blocked) cannot be written (it needs root), so this run locks its target in \(runtime)/gameday/locks, "
                + "which only runs of this user see")
        let temporary = try LockDirectory.choose(
            machineWide: blocked, runtimeDirectory: nil, temporary: scratch.path("tmp"))
        #expect(temporary.path == scratch.path("tmp/gameday-\(getuid())/locks"))

        // A directory in /tmp that others may write (someone else may have made it) is refused.
        let shared = scratch.path("shared")
        try FileManager.default.createDirectory(
            atPath: "\(shared)/gameday-\(getuid())", withIntermediateDirectories: true,
            attributes: [.posixPermissions: 0o777])
        #expect(throws: TargetLockError.self) {
            try LockDirectory.choose(machineWide: blocked, runtimeDirectory: nil, temporary: shared)
        }
    }
}
