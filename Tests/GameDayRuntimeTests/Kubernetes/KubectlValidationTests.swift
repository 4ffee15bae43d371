import Foundation
import Testing

@testable import GameDayRuntime

@Suite struct KubectlValidationTests {
    @Test func acceptsKubernetesNames() throws {
        #expect(try KubernetesNamespace("shop-beijing").value == "shop-beijing")
        #expect(try PodName("orders-7d9f8c6b5-x2x4z").value == "orders-7d9f8c6b5-x2x4z")
        #expect(try PodName("web-0.web.shop").value == "web-0.web.shop")
        #expect(try ContainerName("app").value == "app")
        #expect(try ContainerName(String(repeating: "a", count: 63)).value.count == 63)
    }

    @Test(arguments: [
        "", "-n", "--namespace=kube-system", "Shop", "shop_beijing", "shop-", "-shop", "shop.beijing", "a;b", "$(id)",
        "a b", "shop\nx", String(repeating: "a", count: 64),
    ])
    func refusesNamespacesThatAreNotLabels(name: String) {
        #expect(throws: KubernetesError.self) { try KubernetesNamespace(name) }
        #expect(throws: KubernetesError.self) { try ContainerName(name == "shop.beijing" ? "a.b" : name) }
    }

    @Test(arguments: ["", "-web-0", "web..0", ".web", "web-0.", "Web-0", "web_0", "web 0", "web-0;reboot"])
    func refusesPodNamesThatAreNotSubdomains(name: String) {
        #expect(throws: KubernetesError.self) { try PodName(name) }
    }

    @Test func acceptsContextsAsClustersNameThem() throws {
        for context in [
            "kind-drill", "gke_shop-prod_asia-east1_beijing", "arn:aws:eks:eu-west-1:123:cluster/prod",
            "admin@beijing",
        ] {
            #expect(try KubeContext(context).value == context)
        }
    }

    @Test(arguments: ["", "-v=9", "--server=https://evil", "a b", "a;b", "$(id)", "`id`", "a|b", "ctx\n"])
    func refusesContextsImagesAndProcessesThatCouldBeRead(value: String) {
        #expect(throws: KubernetesError.self) { try KubeContext(value) }
        #expect(throws: KubernetesError.self) { try ContainerImage(value) }
        #expect(throws: KubernetesError.self) { try PodProcessName(value) }
    }

    @Test func acceptsImageReferences() throws {
        let image = "registry.example.com:5000/tools/netshoot@sha256:0123abcd"
        #expect(try ContainerImage(image).value == image)
        #expect(try ContainerImage("busybox:1.36").value == "busybox:1.36")
    }

    @Test func pathsMayNotBeOptionsOrNeedAShell() throws {
        #expect(try KubectlConnection(program: "/usr/local/bin/kubectl").program == "/usr/local/bin/kubectl")
        #expect(try KubectlConnection(kubeconfig: "/etc/gameday/kube.conf").kubeconfig == "/etc/gameday/kube.conf")
        for path in ["", "-x", "--server=https://evil", "~/.kube/config", "/tmp/a b", "/tmp/$HOME", "/tmp/a;b"] {
            #expect(throws: KubernetesError.self) { try KubectlConnection(program: path) }
            #expect(throws: KubernetesError.self) { try KubectlConnection(kubeconfig: path) }
        }
    }

    @Test func decodingValidatesToo() throws {
        let good = #"{"program": "/usr/bin/kubectl", "kubeconfig": "/k/config", "context": "drill"}"#
        let connection = try JSONDecoder().decode(KubectlConnection.self, from: Data(good.utf8))
        #expect(connection.prefix == ["/usr/bin/kubectl", "--kubeconfig=/k/config", "--context=drill"])
        let bad = #"{"context": "--server=https://evil"}"#
        #expect(throws: (any Error).self) { try JSONDecoder().decode(KubectlConnection.self, from: Data(bad.utf8)) }
        #expect(throws: (any Error).self) { try JSONDecoder().decode(PodName.self, from: Data(#""-x""#.utf8)) }
    }

    @Test func messagesSayWhatIsExpected() {
        let message = Self.message { () throws(KubernetesError) in _ = try KubernetesNamespace("Shop") }
        #expect(message.contains("invalid Kubernetes namespace 'Shop'"))
        #expect(message.contains("DNS-1123 label"))
    }

    static func message(_ body: () throws(KubernetesError) -> Void) -> String {
        do {
            try body()
            return ""
        } catch {
            return error.description
        }
    }
}

@Suite struct KubectlSelectorTests {
    @Test(arguments: [
        ("app=orders", "app=orders"),
        ("app==orders", "app=orders"),
        ("app = orders , unit!=hangzhou", "app=orders,unit!=hangzhou"),
        ("app.kubernetes.io/name=orders,tier in (web, api)", "app.kubernetes.io/name=orders,tier in (web,api)"),
        ("unit notin (hangzhou),canary,!legacy", "unit notin (hangzhou),canary,!legacy"),
        ("version=v1.2_3-rc", "version=v1.2_3-rc"),
    ])
    func parsesToCanonicalText(text: String, canonical: String) throws {
        #expect(try LabelSelector(text).description == canonical)
    }

    @Test func keepsTheStructure() throws {
        let selector = try LabelSelector("app=orders,tier in (web,api),!legacy")
        #expect(
            selector.requirements == [
                .equals(key: "app", value: "orders"), .oneOf(key: "tier", values: ["web", "api"]),
                .doesNotExist(key: "legacy"),
            ])
    }

    @Test(arguments: [
        "", " ", ",", "app=", "=orders", "app=orders,", "app=orders;reboot", "app=$(id)", "app=`id`", "app in web",
        "app in (web", "app in ()", "app ~ web", "app=-x", "-app=x", "app=orders app=web", "app>1", "Example.com/app=x",
        "a/b/c=x", "app=a b", "app\n=x", "app=\(String(repeating: "x", count: 64))",
    ])
    func refusesWhatIsNotInTheGrammar(text: String) {
        #expect(throws: KubernetesError.self) { try LabelSelector(text) }
    }
}
