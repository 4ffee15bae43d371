import Foundation

/// Where every run on this machine locks its target, whatever folder or state directory it
/// starts from: `/run/gameday/locks` (root's, on tmpfs, so a reboot clears it). Where that cannot
/// be written (not root), the user's `$XDG_RUNTIME_DIR/gameday/locks`, else
/// `/tmp/gameday-<uid>/locks`: these see only that user's runs, and the choice comes with a note.
public struct LockDirectory: Sendable, Hashable {
    public let path: String
    /// Why the machine-wide directory is not used, or nil when it is.
    public let note: String?

    public static let machineWide = "/run/gameday/locks"

    /// The directory this process uses, created if needed.
    public static func current(
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(TargetLockError) -> LockDirectory {
        try choose(machineWide: machineWide, runtimeDirectory: environment["XDG_RUNTIME_DIR"], temporary: "/tmp")
    }

    /// `machineWide` when it can be created and written; else the first usable fallback.
    static func choose(
        machineWide: String, runtimeDirectory: String?, temporary: String
    ) throws(TargetLockError) -> LockDirectory {
        if makeDirectory(machineWide, mode: 0o755), access(machineWide, W_OK) == 0 {
            return LockDirectory(path: machineWide, note: nil)
        }
        var fallback = "\(temporary)/gameday-\(getuid())"
        if let runtimeDirectory, !runtimeDirectory.isEmpty, isPrivateDirectory(runtimeDirectory) {
            fallback = "\(runtimeDirectory)/gameday"
        } else {
            // A shared /tmp: the directory must be ours alone, not one another user put there.
            _ = makeDirectory(fallback, mode: 0o700)
            guard isPrivateDirectory(fallback) else {
                throw .unusable(
                    fallback, "it is not a directory owned by this user (uid \(getuid())) and closed to others")
            }
        }
        let path = "\(fallback)/locks"
        guard makeDirectory(path, mode: 0o700) else {
            throw .unusable(path, String(cString: strerror(errno)))
        }
        return LockDirectory(
            path: path,
            note:
                "\(machineWide) cannot be written (it needs root), so this run locks its target in \(path), "
                + "which only runs of this user see")
    }

    /// `mkdir -p` with `mode` for what it creates; true when the directory exists afterwards.
    private static func makeDirectory(_ path: String, mode: Int) -> Bool {
        try? FileManager.default.createDirectory(
            atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: mode])
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
    }

    /// A real directory (not a symbolic link) owned by this user that nobody else may write.
    private static func isPrivateDirectory(_ path: String) -> Bool {
        var info = stat()
        guard lstat(path, &info) == 0 else { return false }
        return (info.st_mode & S_IFMT) == S_IFDIR && info.st_uid == getuid() && info.st_mode & 0o022 == 0
    }
}
