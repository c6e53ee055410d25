/// What one pass of background work found, which decides when the next one runs (``WorkerSchedule``).
public enum PassOutcome: Sendable, Equatable {
    /// It did a full batch of work and there is probably more: the next pass runs at once.
    case busy
    /// Nothing more to do for now: the next pass runs after the idle interval.
    case idle
    /// It stopped at its rate limit: the next pass runs after this pause.
    case throttled(Duration)
}

extension PassOutcome {
    /// The outcome's name in metrics.
    public var label: String {
        switch self {
        case .busy: "busy"
        case .idle: "idle"
        case .throttled: "throttled"
        }
    }
}
