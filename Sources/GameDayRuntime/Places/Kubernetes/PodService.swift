import Foundation
import GameDayCore

/// A unit's service that runs in pods, with every value of its target checked for kubectl's argv:
/// what the Kubernetes fault driver works from.
public struct PodService: Sendable, Hashable {
    public var unit: String
    public var service: String
    public var plan: KubectlPlan
    public var selector: LabelSelector
    public var container: ContainerName
    /// The process a kill or a pause signals in the container; `nil`: a kill deletes the pods.
    public var process: PodProcessName?
    /// An image for the tools container (pidof, kill, cat, sleep), which also holds the switch.
    public var toolsImage: ContainerImage?
    /// An image with nft and tc for network faults in the pods.
    public var debugImage: ContainerImage?

    /// `beijing/product`
    public var place: String { "\(unit)/\(service)" }

    /// The service `service` of unit `unit`, or the first problem with it as `file:line:col: …`.
    public init(unit unitName: String, service serviceName: String, in target: Target) throws(FaultError) {
        guard let unit = target.unit(named: unitName), let service = unit.service(named: serviceName),
            let pods = service.pods
        else {
            throw FaultError("\(unitName)/\(serviceName) does not run in pods (no 'pods:' in \(target.file))")
        }
        guard let kubernetes = unit.kubernetes else {
            throw FaultError("unit \(unitName) has no 'kubernetes:' in \(target.file)")
        }
        let problems = Self.problems(unit: unit, service: service)
        if let first = problems.first { throw FaultError(first.description) }
        do {
            // Absolute: the ledger's kubectl steps run again from the watchdog or `recover`, elsewhere.
            let connection = try KubectlConnection(
                program: Self.absolute(kubernetes.kubectl), kubeconfig: kubernetes.kubeconfig.map(Self.absolute),
                context: try kubernetes.context.map { context throws(KubernetesError) in try KubeContext(context) })
            plan = KubectlPlan(connection: connection, namespace: try KubernetesNamespace(kubernetes.namespace))
            selector = try LabelSelector(pods.selector)
            container = try ContainerName(pods.container)
            if case .name(let name)? = service.process { process = try PodProcessName(name) }
            toolsImage = try kubernetes.toolsImage.map { image throws(KubernetesError) in try ContainerImage(image) }
            debugImage = try kubernetes.debugImage.map { image throws(KubernetesError) in try ContainerImage(image) }
        } catch {
            throw FaultError(error.description)
        }
        self.unit = unitName
        self.service = serviceName
    }

    /// Every value of the unit's `kubernetes:` and the service's `pods:` that kubectl would not
    /// take, at the place it was written: `validate`, `plan` and `run` report them with the file's
    /// other problems.
    public static func problems(unit: UnitTarget, service: ServiceTarget) -> [Diagnostic] {
        guard let pods = service.pods, let kubernetes = unit.kubernetes else { return [] }
        var found: [Diagnostic] = []
        func check(
            _ key: String, _ locations: [String: SourceLocation], _ value: String?,
            _ validate: (String) throws(KubernetesError) -> Void
        ) {
            guard let value else { return }
            do {
                try validate(value)
            } catch {
                let at = locations[key] ?? service.location ?? SourceLocation(file: "<target>", line: 1, column: 1)
                found.append(Diagnostic(at, error.description))
            }
        }
        let k = kubernetes.locations
        check("namespace", k, kubernetes.namespace) { v throws(KubernetesError) in _ = try KubernetesNamespace(v) }
        check("context", k, kubernetes.context) { v throws(KubernetesError) in _ = try KubeContext(v) }
        check("kubectl", k, kubernetes.kubectl) { v throws(KubernetesError) in
            _ = try KubectlConnection.checkedPath(v, what: "kubectl path")
        }
        check("kubeconfig", k, kubernetes.kubeconfig) { v throws(KubernetesError) in
            _ = try KubectlConnection.checkedPath(v, what: "kubeconfig path")
        }
        check("tools_image", k, kubernetes.toolsImage) { v throws(KubernetesError) in _ = try ContainerImage(v) }
        check("debug_image", k, kubernetes.debugImage) { v throws(KubernetesError) in _ = try ContainerImage(v) }
        check("selector", pods.locations, pods.selector) { v throws(KubernetesError) in _ = try LabelSelector(v) }
        check("container", pods.locations, pods.container) { v throws(KubernetesError) in _ = try ContainerName(v) }
        if case .name(let name)? = service.process {
            check("process", [:], name) { v throws(KubernetesError) in _ = try PodProcessName(v) }
        }
        return found
    }

    /// A relative path made absolute against the working directory; a bare name (looked up on
    /// `PATH`) stays as it is.
    static func absolute(_ path: String) -> String {
        guard path.contains("/"), !path.hasPrefix("/") else { return path }
        return FileManager.default.currentDirectoryPath + "/" + path
    }

    /// `problems` for every service in pods of `target`.
    public static func problems(in target: Target) -> [Diagnostic] {
        target.units.flatMap { unit in unit.services.flatMap { problems(unit: unit, service: $0) } }
    }
}
