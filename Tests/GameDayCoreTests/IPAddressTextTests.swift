import Testing

@testable import GameDayCore

/// Addresses and networks a block-port peer or a latency match may name.
@Suite struct IPAddressTextTests {
    @Test(arguments: [
        "10.231.0.1", "0.0.0.0", "255.255.255.255", "10.231.0.0/16", "0.0.0.0/0", "10.0.0.1/32",
        "::", "::1", "fd00::1", "fd00::/64", "2001:db8:0:0:0:0:0:1", "2001:db8::1/128", "1::", "::ffff:10.0.0.1",
        "fe80::1:2:3:4:5:6", "FD00:ABCD::1",
    ])
    func accepts(text: String) {
        #expect(IPAddressText.isAddressOrNetwork(text))
    }

    @Test(arguments: [
        "", "10.0.0", "10.0.0.0.1", "10.0.0.256", "10.0.0.300", "010.0.0.1", "10.0.0.1/33", "10.0.0.1/", "10.0.0.1/01",
        "10.0.0.1/-1", "fd00::/129", "fd00:::1", "1::2::3", ":1", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7",
        "1::2:3:4:5:6:7:8", "12345::1", "fe80::1%eth0", "gateway.local", "::10.0.0.1.1", "10.0.0.1::", " 10.0.0.1",
    ])
    func refuses(text: String) {
        #expect(!IPAddressText.isAddressOrNetwork(text))
    }
}
