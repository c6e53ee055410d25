import KSANMetadata
import KSANStorage
import Logging
import NIOCore
import Testing

@testable import KSANData

@Suite("data written but not committed")
struct CommitOutcomeTests {
    @Test("only a definite refusal from metadata lets a failed commit discard its data")
    func definiteRefusals() {
        for code in [
            MetadataError.Code.preconditionFailed, .noSuchBucket, .dataExpired, .invalidArgument, .noSuchUpload,
        ] {
            #expect(DataPlane.isDefiniteRefusal(MetadataError(code)), "\(code)")
        }
        for error: any Error in [
            MetadataError(.unavailable), MetadataError(.internal), CancellationError(),
            StorageError(.unavailable, "timeout"),
        ] {
            #expect(!DataPlane.isDefiniteRefusal(error), "\(error)")
        }
    }
}
