import Testing

extension Tag {
    /// Starts real `sshd`s (Debian's openssh-server) in network namespaces it creates and always removes.
    @Tag static var sshd: Self
}
