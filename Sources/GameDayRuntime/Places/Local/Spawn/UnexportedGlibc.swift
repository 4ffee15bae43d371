import Foundation

/// The parts of glibc that Swift's Glibc module does not export: looked up at run time, nil on a
/// C library too old to have them (the spawner then does without). Public for the test support's
/// pseudo-terminal (`unlockpt`, `ptsname_r`).
public enum UnexportedGlibc {
    /// `POSIX_SPAWN_SETSID` (glibc 2.26+), hidden behind `__USE_GNU` in the module's headers.
    static let spawnSetSession: Int32 = 0x80

    typealias PidfdOpen = @convention(c) (pid_t, UInt32) -> Int32

    /// `pidfd_open` (glibc 2.36+): a descriptor that `poll` reports readable once the process has exited.
    static let pidfdOpen = function("pidfd_open", as: PidfdOpen.self)

    /// The C function `name`, as a function of `type`.
    public static func function<F>(_ name: String, as type: F.Type) -> F? {
        guard let library = dlopen(nil, RTLD_NOW), let symbol = dlsym(library, name) else { return nil }
        return unsafeBitCast(symbol, to: type)
    }
}
