import NIOConcurrencyHelpers

/// A setting of the process that the portal may change while it runs (``LiveSettings``): set from the flags at
/// start, replaced when a pushed version is applied, read by its user at each use.
public final class LiveValue<Value: Sendable>: Sendable {
    private let box: NIOLockedValueBox<Value>

    public init(_ value: Value) { box = NIOLockedValueBox(value) }

    public var value: Value {
        get { box.withLockedValue { $0 } }
        set { box.withLockedValue { $0 = newValue } }
    }
}
