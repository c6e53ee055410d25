import Testing

/// The suites of the operator's features (services, credentials, storage classes, live settings), one after
/// another: each starts a whole cluster, and run side by side with the other suites' clusters they load a small
/// machine enough to push the timing-sensitive tests (HardeningTests' 3 s metadata timeout) past their limits.
@Suite("Operations", .serialized)
struct OperationsTests {}
