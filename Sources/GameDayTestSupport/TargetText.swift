/// The start of a test target file: the lab's two-unit routing (0~4999 hangzhou, 5000~9999
/// beijing) with an empty hangzhou; the caller writes beijing's part after it.
public enum TargetText {
    public static func twoUnits(name: String, gateway: String, controlPlane: String) -> String {
        """
        target: \(name)
        gateway: { url: "\(gateway)" }
        control_plane: { url: "\(controlPlane)" }
        routing:
          ranges:
            - { from: 0, to: 4999, unit: hangzhou }
            - { from: 5000, to: 9999, unit: beijing }
        units:
          hangzhou: {}

        """
    }
}
