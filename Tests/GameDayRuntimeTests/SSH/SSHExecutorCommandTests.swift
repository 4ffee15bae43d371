import Foundation
import GameDayCore
import Testing

@testable import GameDayRuntime

@Suite struct SSHExecutorCommandTests {
    let destination = try! SSHDestination(host: "10.0.0.5", port: 2222, user: "drill")

    @Test func nameIsUserHostPort() throws {
        #expect(SSHExecutor(destination: destination).name == "ssh:drill@10.0.0.5:2222")
        #expect(SSHExecutor(destination: try SSHDestination(host: "fd00::5")).name == "ssh:root@[fd00::5]:22")
    }

    @Test func defaultCommandLineIsBatchStrictAndQuoted() throws {
        let argv = try SSHExecutor(destination: destination).commandLine(for: ["kill", "-KILL", "4242"])
        #expect(
            argv == [
                "/usr/bin/ssh", "-T", "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=yes",
                "-o", "ConnectTimeout=5", "-o", "ServerAliveInterval=5", "-o", "ServerAliveCountMax=3",
                "-o", "LogLevel=ERROR", "-p", "2222", "-l", "drill", "--", "10.0.0.5", "'kill' '-KILL' '4242'",
            ])
    }

    @Test func everyOptionGoesInAsItsOwnArgument() throws {
        let directory = try SSHControlDirectory.create()
        defer { directory.remove() }
        let options = SSHOptions(
            hostKeyChecking: .acceptNew, knownHostsFile: "/etc/gameday/known_hosts", identityFile: "/keys/drill",
            connectTimeout: .milliseconds(2500), configFile: "none",
            multiplexing: .init(directory: directory, persist: .seconds(90)))
        let argv = try SSHExecutor(destination: destination, options: options).commandLine(for: ["true"])
        #expect(
            argv == [
                "/usr/bin/ssh", "-F", "none", "-T", "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=accept-new",
                "-o", "UserKnownHostsFile=/etc/gameday/known_hosts", "-i", "/keys/drill", "-o", "IdentitiesOnly=yes",
                "-o", "ConnectTimeout=3", "-o", "ServerAliveInterval=5", "-o", "ServerAliveCountMax=3",
                "-o", "LogLevel=ERROR", "-o", "ControlMaster=auto", "-o", "ControlPath=\(directory.path)/%C",
                "-o", "ControlPersist=90", "-p", "2222", "-l", "drill", "--", "10.0.0.5", "'true'",
            ])
    }

    @Test func theControlDirectoryIsPrivateAndShort() throws {
        let directory = try SSHControlDirectory.create()
        defer { directory.remove() }
        let attributes = try FileManagerAttributes.of(directory.path)
        #expect(attributes.permissions == 0o700)
        // The socket: directory + "/" + 40 hex characters (%C) + ssh's 17-character temporary suffix.
        #expect(directory.path.utf8.count + 1 + 40 + 17 <= 107)
        #expect(throws: SSHError.self) {
            try SSHControlDirectory.create(under: "/tmp/" + String(repeating: "x", count: 60))
        }
    }

    /// A runner killed with SIGKILL leaves its directory; the next one removes it, and only it.
    @Test func theDirectoriesOfRunnersThatAreGoneAreRemoved() throws {
        let parent = "/tmp/gdt-\(UUID().uuidString.prefix(8))"  // short: control socket paths are limited
        defer { try? FileManager.default.removeItem(atPath: parent) }
        // A pid that exists no more: a child that has exited and been reaped.
        let child = Process()
        child.executableURL = URL(fileURLWithPath: "/bin/true")
        try child.run()
        child.waitUntilExit()
        let gone = "\(parent)/gdssh-\(child.processIdentifier)-AbC123"
        let alive = "\(parent)/gdssh-1-XyZ789"  // init: never gone
        let unrelated = "\(parent)/gdssh-notapid"
        for path in [gone, alive, unrelated] {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        }
        try "".write(toFile: "\(gone)/left-socket", atomically: true, encoding: .utf8)
        let fresh = try SSHControlDirectory.create(under: parent)
        defer { fresh.remove() }
        #expect(fresh.path.hasPrefix("\(parent)/gdssh-\(getpid())-"))
        #expect(!FileManager.default.fileExists(atPath: gone))
        #expect(FileManager.default.fileExists(atPath: alive))
        #expect(FileManager.default.fileExists(atPath: unrelated))
    }

    @Test(arguments: ["-oProxyCommand=evil", "", "host name", "a;b", "$(id)", "[::1]"])
    func refusesHostsThatAreNotHosts(host: String) {
        #expect(throws: SSHError.self) { try SSHDestination(host: host) }
    }

    @Test(arguments: ["-l", "", "root user", "a;b"])
    func refusesUsersThatAreNotLogins(user: String) {
        #expect(throws: SSHError.self) { try SSHDestination(host: "h", user: user) }
    }

    @Test func refusesPathsSshWouldMisread() {
        for path in ["/tmp/with space", "/tmp/%h", "-i", "", "/a\"b"] {
            #expect(throws: SSHError.self) { try SSHOptions(knownHostsFile: path).arguments() }
        }
    }

    @Test func anEmptyCommandIsRefusedBeforeSshRuns() async {
        await #expect(throws: CommandError.self) {
            try await SSHExecutor(destination: destination, program: "/nonexistent/ssh").run([], timeout: .seconds(1))
        }
    }
}

/// File permissions without Foundation's `FileAttributeKey` dance in every test.
enum FileManagerAttributes {
    struct Attributes { var permissions: Int }

    static func of(_ path: String) throws -> Attributes {
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        return Attributes(permissions: (attributes[.posixPermissions] as? Int) ?? -1)
    }
}
