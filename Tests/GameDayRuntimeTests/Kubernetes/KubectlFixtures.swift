/// Outputs shaped like kubectl's own (v1.32, containerd), trimmed of fields this code does not read
/// only where they would add nothing: the shapes and the fields read are kubectl's.
enum KubectlFixtures {
    /// `kubectl get pods --selector=app=orders --output=json`: a Deployment pod that serves (with an
    /// ended debug container), and one being deleted.
    static let podList = #"""
        {
            "apiVersion": "v1",
            "items": [
                {
                    "apiVersion": "v1",
                    "kind": "Pod",
                    "metadata": {
                        "creationTimestamp": "2026-11-20T08:01:12Z",
                        "generateName": "orders-7d9f8c6b5-",
                        "labels": {"app": "orders", "pod-template-hash": "7d9f8c6b5", "unit": "beijing"},
                        "name": "orders-7d9f8c6b5-x2x4z",
                        "namespace": "shop",
                        "ownerReferences": [
                            {"apiVersion": "apps/v1", "blockOwnerDeletion": true, "controller": true,
                             "kind": "ReplicaSet", "name": "orders-7d9f8c6b5", "uid": "5d0b9a7e-1111-4c2b-8e55-0f7e6a9d3b21"}
                        ],
                        "resourceVersion": "918273",
                        "uid": "0b5e1c7e-3f5a-4d61-9c3e-7f1d2a9b8c01"
                    },
                    "spec": {
                        "containers": [
                            {"image": "registry.example.com/shop/orders:2.4.1", "imagePullPolicy": "IfNotPresent",
                             "name": "app", "ports": [{"containerPort": 8080, "protocol": "TCP"}],
                             "resources": {}, "terminationMessagePath": "/dev/termination-log"},
                            {"image": "envoyproxy/envoy:v1.31.2", "name": "sidecar", "resources": {}}
                        ],
                        "dnsPolicy": "ClusterFirst",
                        "enableServiceLinks": true,
                        "ephemeralContainers": [
                            {"command": ["sleep", "3600"], "image": "nicolaka/netshoot:v0.13",
                             "name": "gameday-net-77aa", "resources": {},
                             "securityContext": {"capabilities": {"add": ["NET_ADMIN", "NET_RAW"]}},
                             "targetContainerName": "app", "terminationMessagePolicy": "File"}
                        ],
                        "nodeName": "bj-node-3",
                        "restartPolicy": "Always",
                        "schedulerName": "default-scheduler",
                        "serviceAccountName": "default",
                        "terminationGracePeriodSeconds": 30
                    },
                    "status": {
                        "conditions": [
                            {"lastProbeTime": null, "lastTransitionTime": "2026-11-20T08:01:15Z", "status": "True", "type": "PodReadyToStartContainers"},
                            {"lastProbeTime": null, "lastTransitionTime": "2026-11-20T08:01:12Z", "status": "True", "type": "Initialized"},
                            {"lastProbeTime": null, "lastTransitionTime": "2026-11-20T08:01:19Z", "status": "True", "type": "Ready"},
                            {"lastProbeTime": null, "lastTransitionTime": "2026-11-20T08:01:19Z", "status": "True", "type": "ContainersReady"},
                            {"lastProbeTime": null, "lastTransitionTime": "2026-11-20T08:01:12Z", "status": "True", "type": "PodScheduled"}
                        ],
                        "containerStatuses": [
                            {"containerID": "containerd://4f2a", "image": "registry.example.com/shop/orders:2.4.1",
                             "imageID": "registry.example.com/shop/orders@sha256:9c1e", "lastState": {}, "name": "app",
                             "ready": true, "restartCount": 2, "started": true,
                             "state": {"running": {"startedAt": "2026-11-20T09:14:02Z"}}},
                            {"containerID": "containerd://8b7c", "image": "envoyproxy/envoy:v1.31.2", "imageID": "x",
                             "lastState": {}, "name": "sidecar", "ready": true, "restartCount": 0, "started": true,
                             "state": {"running": {"startedAt": "2026-11-20T08:01:14Z"}}}
                        ],
                        "ephemeralContainerStatuses": [
                            {"containerID": "containerd://aa01", "image": "docker.io/nicolaka/netshoot:v0.13", "imageID": "y",
                             "lastState": {}, "name": "gameday-net-77aa", "ready": false, "restartCount": 0,
                             "state": {"terminated": {"exitCode": 0, "finishedAt": "2026-11-20T10:14:03Z", "reason": "Completed",
                                                      "startedAt": "2026-11-20T09:14:03Z"}}}
                        ],
                        "hostIP": "10.20.0.13",
                        "phase": "Running",
                        "podIP": "10.244.3.17",
                        "podIPs": [{"ip": "10.244.3.17"}],
                        "qosClass": "BestEffort",
                        "startTime": "2026-11-20T08:01:12Z"
                    }
                },
                {
                    "apiVersion": "v1",
                    "kind": "Pod",
                    "metadata": {
                        "deletionGracePeriodSeconds": 1,
                        "deletionTimestamp": "2026-11-20T10:20:31Z",
                        "labels": {"app": "orders", "unit": "beijing"},
                        "name": "orders-7d9f8c6b5-q8m2p",
                        "namespace": "shop",
                        "uid": "7c2d4e6f-8a9b-4c1d-a2e3-f4a5b6c7d8e9"
                    },
                    "spec": {
                        "containers": [{"image": "registry.example.com/shop/orders:2.4.1", "name": "app"}],
                        "nodeName": "bj-node-5",
                        "shareProcessNamespace": true
                    },
                    "status": {
                        "conditions": [{"status": "False", "type": "Ready", "reason": "ContainersNotReady"}],
                        "containerStatuses": [
                            {"name": "app", "ready": false, "restartCount": 0,
                             "state": {"running": {"startedAt": "2026-11-20T08:03:40Z"}}}
                        ],
                        "phase": "Running"
                    }
                }
            ],
            "kind": "List",
            "metadata": {"resourceVersion": ""}
        }
        """#

    /// `kubectl get pod … --output=json` of a pending pod: no node yet, no statuses.
    static let pendingPod = #"""
        {"apiVersion": "v1", "kind": "Pod",
         "metadata": {"name": "orders-7d9f8c6b5-n3w9k", "namespace": "shop", "uid": "99e0"},
         "spec": {"containers": [{"name": "app", "image": "registry.example.com/shop/orders:2.4.1"}]},
         "status": {"phase": "Pending", "conditions": [{"type": "PodScheduled", "status": "False"}]}}
        """#

    /// What kubectl v1.32.4 printed here against a kubeconfig whose server is https://127.0.0.1:1
    /// (captured on this machine: nothing listens there).
    static let refusedStderr = """
        E1121 10:00:39.633026   31083 memcache.go:265] "Unhandled Error" err="couldn't get current server API group \
        list: Get \\"https://127.0.0.1:1/api?timeout=5s\\": dial tcp 127.0.0.1:1: connect: connection refused"
        The connection to the server 127.0.0.1:1 was refused - did you specify the right host or port?

        """
}
