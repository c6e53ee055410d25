import Foundation
import Hummingbird
import KSANMetadata

/// PutBucketRequestPayment and GetBucketRequestPayment: who pays for requests, `BucketOwner` (the default, nothing
/// stored) or `Requester`, stored as the bucket's ``BucketConfigKind/requestPayment`` configuration. Only a
/// bucket's owner can reach it today, so requests are the owner's either way; `x-amz-request-payer` is accepted.
extension S3Gateway {
    /// The stored form of a payer other than the default: `{"payer": "Requester"}`.
    struct RequestPayment: StoredDocument {
        var payer: String
    }

    static let payers = ["BucketOwner", "Requester"]

    func putBucketRequestPayment(_ request: Request, _ context: S3Context) async throws -> Response {
        let bucket = try await requireBucket(context)
        let root = try await readXMLBody(request, context)
        guard root.name == "RequestPaymentConfiguration", root.children.count == 1,
            let payer = root.child("Payer")?.text, Self.payers.contains(payer)
        else { throw S3Error(.malformedXML) }
        try await metadata.setBucketConfig(
            BucketRef(bucket), kind: .requestPayment,
            document: payer == "BucketOwner" ? nil : try RequestPayment(payer: payer).document())
        return Response(status: .ok)
    }

    func getBucketRequestPayment(_ context: S3Context) async throws -> Response {
        let bucket = try await requireBucket(context)
        var payer = "BucketOwner"
        if let document = try await metadata.bucketConfig(BucketRef(bucket), kind: .requestPayment) {
            payer = try RequestPayment(document: document).payer
            guard Self.payers.contains(payer) else { throw S3Error(.internalError, "A stored payer is not valid.") }
        }
        var xml = XMLWriter()
        xml.open("RequestPaymentConfiguration", namespace: true)
        xml.element("Payer", payer)
        xml.close("RequestPaymentConfiguration")
        return self.xml(xml)
    }
}
