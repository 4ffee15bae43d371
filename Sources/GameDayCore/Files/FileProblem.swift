import Foundation

/// Why a file a person named could not be read, in words (`does not exist`, `cannot be read:
/// permission denied`), never Foundation's `NSCocoaErrorDomain Code=260`.
///
/// A `FileSystem` finds which it is (the runtime's looks at the disk after a failed read); Core
/// only puts it in words.
public enum FileProblem: Error, Sendable, Equatable, CustomStringConvertible {
    case missing
    case permissionDenied
    case directory
    case notUTF8
    /// Anything else, in the system's words.
    case other(String)

    /// The end of a sentence that starts with the file: `the file … does not exist`.
    public var description: String {
        switch self {
        case .missing: "does not exist"
        case .permissionDenied: "cannot be read: permission denied"
        case .directory: "is a directory"
        case .notUTF8: "is not UTF-8 text"
        case .other(let reason): "cannot be read: \(reason)"
        }
    }

    /// A Foundation file error in words: the system's own reason under it when Foundation kept one
    /// (`Not a directory`, `Input/output error`), never `NSCocoaErrorDomain Code=512`.
    public static func words(_ error: any Error) -> String {
        if let cocoa = error as? CocoaError {
            switch cocoa.code {
            case .fileWriteNoPermission, .fileReadNoPermission: return "permission denied"
            case .fileWriteOutOfSpace: return "the disk is full"
            case .fileWriteVolumeReadOnly: return "the file system is read-only"
            default: break
            }
            if let underlying = cocoa.underlying.map({ $0 as NSError }), underlying.domain == NSPOSIXErrorDomain {
                return String(cString: strerror(Int32(underlying.code)))
            }
        }
        return error.localizedDescription
    }
}
