/// A value checked before it reaches kubectl's argv, so it can never read as an option or a path.
public protocol CheckedKubernetesValue: CheckedText {
    var value: String { get }
    init(_ value: String) throws(KubernetesError)
}

extension CheckedKubernetesValue {
    public var text: String { value }

    public init(checking text: String) throws { try self.init(text) }
}

/// A namespace name: a DNS-1123 label.
public struct KubernetesNamespace: CheckedKubernetesValue {
    public let value: String

    public init(_ value: String) throws(KubernetesError) {
        self.value = try DNS1123.label(value, what: "Kubernetes namespace")
    }
}

/// A pod name: a DNS-1123 subdomain (controllers name pods `web-7d9f8-x2x4z`, StatefulSets `web-0`).
public struct PodName: CheckedKubernetesValue {
    public let value: String

    public init(_ value: String) throws(KubernetesError) {
        self.value = try DNS1123.subdomain(value, what: "pod name")
    }
}

/// A container name, ephemeral debug containers included: a DNS-1123 label.
public struct ContainerName: CheckedKubernetesValue {
    public let value: String

    public init(_ value: String) throws(KubernetesError) {
        self.value = try DNS1123.label(value, what: "container name")
    }
}

/// A kubeconfig context name. Contexts are free-form in kubeconfig (`gke_proj_zone_name`,
/// `arn:aws:eks:eu-west-1:123:cluster/prod`, `admin@kind`), so the rule is a conservative character
/// set rather than DNS-1123: letters, digits and `_ . : / @ -`, starting with a letter or digit.
public struct KubeContext: CheckedKubernetesValue {
    public let value: String

    public init(_ value: String) throws(KubernetesError) {
        self.value = try Conservative.check(
            value, what: "kubeconfig context", extra: "_.:/@-", maxLength: 253,
            expected: "letters, digits, '_', '.', ':', '/', '@' or '-', starting with a letter or digit")
    }
}

/// A container image reference for a debug container (`busybox:1.36`,
/// `registry.example.com/tools/netshoot@sha256:…`).
public struct ContainerImage: CheckedKubernetesValue {
    public let value: String

    public init(_ value: String) throws(KubernetesError) {
        self.value = try Conservative.check(
            value, what: "container image", extra: "_.:/@-", maxLength: 255,
            expected: "an image reference: letters, digits, '_', '.', ':', '/', '@' or '-', "
                + "starting with a letter or digit")
    }
}

/// A process name as `pidof` matches it inside a container (`nginx`, `java`, `order-service`).
public struct PodProcessName: CheckedKubernetesValue {
    public let value: String

    public init(_ value: String) throws(KubernetesError) {
        self.value = try Conservative.check(
            value, what: "process name", extra: "_.-", maxLength: 64,
            expected: "1 to 64 letters, digits, '_', '.' or '-', starting with a letter or digit")
    }
}

/// DNS-1123 names as Kubernetes defines them (`k8s.io/apimachinery/pkg/util/validation`).
enum DNS1123 {
    /// `[a-z0-9]([-a-z0-9]*[a-z0-9])?`, at most 63 characters.
    static func isLabel(_ text: Substring) -> Bool {
        guard let first = text.utf8.first, let last = text.utf8.last, text.utf8.count <= 63 else { return false }
        return isLowerAlphanumeric(first) && isLowerAlphanumeric(last)
            && text.utf8.allSatisfy { isLowerAlphanumeric($0) || $0 == UInt8(ascii: "-") }
    }

    /// Labels joined by `.`, at most 253 characters. (Kubernetes allows labels of up to 253 here;
    /// every part being a label is the stricter, common reading.)
    static func isSubdomain(_ text: String) -> Bool {
        guard !text.isEmpty, text.utf8.count <= 253 else { return false }
        return text.split(separator: ".", omittingEmptySubsequences: false).allSatisfy(isLabel)
    }

    static func label(_ text: String, what: String) throws(KubernetesError) -> String {
        guard isLabel(Substring(text)) else {
            throw .invalidValue(
                what: what, value: text,
                expected: "a DNS-1123 label: 1 to 63 lowercase letters, digits or '-', "
                    + "starting and ending with a letter or digit")
        }
        return text
    }

    static func subdomain(_ text: String, what: String) throws(KubernetesError) -> String {
        guard isSubdomain(text) else {
            throw .invalidValue(
                what: what, value: text,
                expected: "a DNS-1123 subdomain: lowercase letters, digits, '-' and '.', at most 253, "
                    + "each part starting and ending with a letter or digit")
        }
        return text
    }

    static func isLowerAlphanumeric(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }
}

/// A first character that is a letter or digit, then only ASCII letters, digits and `extra`.
enum Conservative {
    static func check(_ text: String, what: String, extra: String, maxLength: Int, expected: String)
        throws(KubernetesError) -> String
    {
        let allowed = Set(extra.utf8)
        guard let first = text.utf8.first, text.utf8.count <= maxLength, NameRule.isAlphanumeric(first),
            text.utf8.allSatisfy({ NameRule.isAlphanumeric($0) || allowed.contains($0) })
        else {
            throw .invalidValue(what: what, value: text, expected: expected)
        }
        return text
    }
}
