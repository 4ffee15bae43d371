import GameDayCore

/// The short form's one request, as tests written before commands and steps read and change it.
/// Only for a cut-over of one request: anything else is a mistake in the test.
extension CutoverSpec {
    public var request: RequestTemplate {
        get { Self.request(of: onlyAction.call) }
        set { steps[0].action.call = .request(newValue) }
    }

    public var accept: [Int] {
        get { onlyAction.accept }
        set { steps[0].action.accept = newValue }
    }

    public var idField: String? {
        get { onlyAction.idField }
        set { steps[0].action.idField = newValue }
    }

    public var poll: PollSpec? {
        get { onlyAction.poll }
        set { steps[0].action.poll = newValue }
    }

    private var onlyAction: CutoverAction {
        guard let single else { preconditionFailure("a stepwise cut-over has no single request") }
        return single
    }

    static func request(of call: ControlPlaneCall) -> RequestTemplate {
        guard case .request(let request) = call else { preconditionFailure("a command, not a request") }
        return request
    }
}

extension PollSpec {
    /// The status request polled (not a command).
    public var request: RequestTemplate {
        get { CutoverSpec.request(of: call) }
        set { call = .request(newValue) }
    }
}
