import GameDayCore
import Testing

@testable import GameDayRuntime

@Suite struct KubectlFailureTests {
    @Test(arguments: [
        ("Error from server (NotFound): pods \"orders-0\" not found\n", KubectlFailure.podNotFound),
        (
            "Error from server (Forbidden): pods \"orders-0\" is forbidden: User \"drill\" cannot create resource "
                + "\"pods/exec\" in API group \"\" in the namespace \"shop\"\n", .forbidden
        ),
        ("error: You must be logged in to the server (Unauthorized)\n", .unauthorized),
        (KubectlFixtures.refusedStderr, .apiServerUnreachable),
        (
            "Unable to connect to the server: dial tcp 10.0.0.1:6443: i/o timeout\n", .apiServerUnreachable
        ),
        (
            "Unable to connect to the server: tls: failed to verify certificate: x509: certificate signed by "
                + "unknown authority\n", .apiServerUnreachable
        ),
        ("Error from server (BadRequest): container nope is not valid for pod orders-0\n", .containerNotFound),
        ("error: unable to upgrade connection: container not found (\"app\")\n", .containerNotFound),
        (
            "error: Internal error occurred: error executing command in container: container is not running\n"
                + "", .containerNotRunning
        ),
        ("error: context \"prod\" does not exist\n", .configuration),
        ("Error in configuration: context was not found for specified context: prod\n", .configuration),
        ("error: stat /etc/kube/none: no such file or directory\n", .configuration),
        (
            "error: ephemeral containers are disabled for this cluster (error from server: \"NotFound\").\n",
            .unsupported
        ),
        ("Error: unknown profile: netadmin\n", .unsupported),
        ("error: unknown flag: --profile\nSee 'kubectl debug --help' for usage.\n", .unsupported),
        ("error: something else\n", .other),
    ])
    func classifiesKubectlsOwnMessages(stderr: String, failure: KubectlFailure) {
        #expect(KubectlFailure.classify(exitCode: 1, stderr: stderr) == failure)
    }

    @Test func theCommandsOwnExitCodeIsNotKubectlsFailure() {
        let stderr = "kill: can't kill pid 7: No such process\ncommand terminated with exit code 1\n"
        #expect(KubectlFailure.classify(exitCode: 1, stderr: stderr) == nil)
        #expect(KubectlFailure.remoteExitCode(stderr) == 1)
        #expect(KubectlFailure.commandStderr(stderr) == "kill: can't kill pid 7: No such process\n")
        // A command may itself print kubectl-like words; the closing line decides.
        let lookalike = "pods \"x\" not found\ncommand terminated with exit code 4\n"
        #expect(KubectlFailure.classify(exitCode: 4, stderr: lookalike) == nil)
        #expect(
            KubectlFailure.classify(exitCode: 0, stderr: "Error from server (NotFound): pods \"x\" not found") == nil)
        #expect(KubectlFailure.commandStderr("plain\n") == "plain\n")
    }

    @Test func revertOutcomesTellNothingLeftFromFailure() {
        let step = PodRevertStep.command(
            ["kubectl"], alreadyDone: ["No such process"], doneWhen: [.podNotFound, .containerNotRunning])
        #expect(step.outcome(of: CommandOutput(exitCode: 0)) == .reverted)
        #expect(
            step.outcome(
                of: CommandOutput(
                    exitCode: 1,
                    stderr: "kill: can't kill pid 7: No such process\ncommand terminated with exit code 1\n"))
                == .nothingLeft(nil))
        #expect(
            step.outcome(of: CommandOutput(exitCode: 1, stderr: "Error from server (NotFound): pods \"o\" not found"))
                == .nothingLeft(.podNotFound))
        // Exit 1 for another reason is not "already done".
        #expect(
            step.outcome(
                of: CommandOutput(
                    exitCode: 1,
                    stderr: "kill: can't kill pid 7: Operation not permitted\ncommand terminated with exit code 1\n"))
                == .failed("the command exited 1: kill: can't kill pid 7: Operation not permitted"))
        #expect(
            step.outcome(of: CommandOutput(exitCode: 1, stderr: KubectlFixtures.refusedStderr))
                == .failed(
                    KubectlFailure.apiServerUnreachable.explanation + " (kubectl: "
                        + CommandOutput(exitCode: 1, stderr: KubectlFixtures.refusedStderr).lastLine + ")"))
        #expect(step.outcome(of: CommandOutput(exitCode: -1, timedOut: true)) == .failed("timed out"))
        #expect(
            PodRevertStep.awaitServing([], count: 1, excludingUIDs: []).outcome(of: CommandOutput(exitCode: 0)) == nil)
    }

    @Test func pidofAnswersAreReadStrictly() throws {
        let plan = KubectlPlan(connection: try KubectlConnection(), namespace: try KubernetesNamespace("shop"))
        let fault = PodProcessFault(
            plan: plan, pod: try PodName("orders-0"), container: try ContainerName("app"),
            process: try PodProcessName("orders"))
        #expect(try fault.pids(fromPidof: CommandOutput(exitCode: 0, stdout: "12 7\n")) == [7, 12])
        #expect(throws: KubernetesError.noSuchProcess(pod: "orders-0", container: "app", process: "orders")) {
            try fault.pids(fromPidof: CommandOutput(exitCode: 1, stderr: "command terminated with exit code 1\n"))
        }
        #expect(throws: KubernetesError.protectedInit(pod: "orders-0", container: "app", process: "orders")) {
            try fault.pids(fromPidof: CommandOutput(exitCode: 0, stdout: "1\n"))
        }
        #expect(throws: KubernetesError.self) {
            try fault.pids(fromPidof: CommandOutput(exitCode: 127, stderr: "pidof: not found"))
        }
        #expect(
            throws: KubernetesError.kubectl(
                .podNotFound, subject: "orders-0/app",
                detail: "Error from server (NotFound): pods \"orders-0\" not found")
        ) {
            try fault.pids(
                fromPidof: CommandOutput(
                    exitCode: 1, stderr: "Error from server (NotFound): pods \"orders-0\" not found\n"))
        }
        let notFound = KubernetesError.commandFailed(argv: ["pidof", "orders"], exitCode: 127, output: "").description
        #expect(notFound.contains("run the tools from a debug container"))
        let message = KubernetesError.protectedInit(pod: "orders-0", container: "app", process: "orders").description
        #expect(message.contains("the kernel drops SIGKILL and SIGSTOP"))
        #expect(message.contains("shareProcessNamespace: true"))
    }

    @Test func aKillTookEffectWhenTheContainerRestartedOrThePidsAreGone() throws {
        let plan = KubectlPlan(connection: try KubectlConnection(), namespace: try KubernetesNamespace("shop"))
        let fault = PodProcessFault(
            plan: plan, pod: try PodName("orders-7d9f8c6b5-x2x4z"), container: try ContainerName("app"),
            process: try PodProcessName("orders"))
        let pod = CommandOutput(exitCode: 0, stdout: KubectlFixtures.podList)  // app: restartCount 2
        let samePid = CommandOutput(exitCode: 0, stdout: "7\n")
        let noPid = CommandOutput(exitCode: 1, stderr: "command terminated with exit code 1\n")
        let restarting = CommandOutput(
            exitCode: 1,
            stderr: "error: Internal error occurred: error executing command in container: container is not running\n")
        let unreachable = CommandOutput(exitCode: 1, stderr: KubectlFixtures.refusedStderr)
        // The restart count went up: proven, even though the new container reuses pid 7.
        #expect(fault.killTookEffect(pids: [7], restartsBefore: 1, pod: pod, pidof: samePid))
        #expect(!fault.killTookEffect(pids: [7], restartsBefore: 2, pod: pod, pidof: samePid))
        #expect(fault.killTookEffect(pids: [7], restartsBefore: 2, pod: pod, pidof: noPid))
        #expect(fault.killTookEffect(pids: [7], restartsBefore: 2, pod: unreachable, pidof: restarting))
        // A kubelet's words for a container between two runs.
        let notFound = CommandOutput(
            exitCode: 1, stderr: "error: unable to upgrade connection: container not found (\"app\")\n")
        #expect(fault.killTookEffect(pids: [7], restartsBefore: 2, pod: unreachable, pidof: notFound))
        #expect(!fault.killTookEffect(pids: [7], restartsBefore: 2, pod: unreachable, pidof: unreachable))
        #expect(
            fault.killTookEffect(
                pids: [7], restartsBefore: 2, pod: pod, pidof: CommandOutput(exitCode: 0, stdout: "31\n")))
    }

    @Test func readsTheStateLetterAfterTheCommandName() {
        #expect(PodProcessFault.isStopped(stat: CommandOutput(exitCode: 0, stdout: "7 (orders) T 1 7 7 0 -1\n")))
        #expect(!PodProcessFault.isStopped(stat: CommandOutput(exitCode: 0, stdout: "7 (orders) S 1 7 7 0 -1\n")))
        #expect(!PodProcessFault.isStopped(stat: CommandOutput(exitCode: 1, stderr: "cat: can't open '/proc/7/stat'")))
        #expect(ProcessTable.state(fromStat: "7 (orders) T 1 7 7 0 -1 4194560 620") == "T")
        #expect(ProcessTable.state(fromStat: "9 (my (odd) app) S 1 9 9") == "S")
        #expect(ProcessTable.state(fromStat: "garbage") == nil)
    }

    @Test func aDeletedPodIsGoneWhenNotFoundTerminatingOrReplaced() throws {
        let uid = "0b5e1c7e-3f5a-4d61-9c3e-7f1d2a9b8c01"
        let notFound = CommandOutput(exitCode: 1, stderr: "Error from server (NotFound): pods \"x\" not found\n")
        #expect(PodDeletionFault.isGone(uid: uid, getPodOutput: notFound))
        let pod = KubectlFixtures.pendingPod
        #expect(PodDeletionFault.isGone(uid: uid, getPodOutput: CommandOutput(exitCode: 0, stdout: pod)))
        let same = pod.replacingOccurrences(of: #""uid": "99e0""#, with: #""uid": "\#(uid)""#)
        #expect(!PodDeletionFault.isGone(uid: uid, getPodOutput: CommandOutput(exitCode: 0, stdout: same)))
        #expect(
            !PodDeletionFault.isGone(
                uid: uid, getPodOutput: CommandOutput(exitCode: 1, stderr: "dial tcp: i/o timeout")))
    }
}
