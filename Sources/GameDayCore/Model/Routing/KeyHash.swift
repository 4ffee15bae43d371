/// The hash a gateway computes of a string routing key before taking it modulo the slots.
///
/// Both are the standard functions gateways ship: CRC-32 as zlib, Java's `java.util.zip.CRC32`,
/// nginx's `ngx_crc32_long` and Python's `zlib.crc32` compute it (IEEE polynomial, reflected,
/// initial value and final xor 0xFFFFFFFF), and FNV-1a in its 32-bit form (offset basis
/// 2166136261, prime 16777619). Each works on the key's UTF-8 bytes.
public enum KeyHash: String, Sendable, Hashable, Codable, CaseIterable {
    case crc32
    case fnv1a = "fnv1a-32"

    /// The 32-bit hash of `key`'s UTF-8 bytes.
    public func value(of key: String) -> UInt32 {
        switch self {
        case .crc32: Self.crc32(key.utf8)
        case .fnv1a: Self.fnv1a(key.utf8)
        }
    }

    static func crc32(_ bytes: some Sequence<UInt8>) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc = crcTable[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8)
        }
        return crc ^ 0xFFFF_FFFF
    }

    static func fnv1a(_ bytes: some Sequence<UInt8>) -> UInt32 {
        var hash: UInt32 = 2_166_136_261
        for byte in bytes {
            hash = (hash ^ UInt32(byte)) &* 16_777_619
        }
        return hash
    }

    /// The byte-at-a-time table of the reflected IEEE polynomial 0xEDB88320.
    private static let crcTable: [UInt32] = (0..<256).map { index in
        var value = UInt32(index)
        for _ in 0..<8 {
            value = value & 1 == 1 ? 0xEDB8_8320 ^ (value >> 1) : value >> 1
        }
        return value
    }
}
