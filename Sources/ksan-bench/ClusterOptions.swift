import ArgumentParser
import Foundation
import KSANS3

/// Where the cluster under test is and the keys to sign with: options, else the cluster's env file's variables.
struct ClusterOptions: ParsableArguments {
    @Option(help: "S3 endpoint (default: $AWS_ENDPOINT_URL).")
    var endpoint: String?
    @Option(help: "Access key (default: $AWS_ACCESS_KEY_ID).")
    var accessKey: String?
    @Option(help: "Secret key (default: $AWS_SECRET_ACCESS_KEY).")
    var secretKey: String?
    @Option(help: "Region (default: $AWS_DEFAULT_REGION or us-east-1).")
    var region: String?

    /// The endpoint and a signer with the keys.
    func resolve() throws -> (endpoint: String, signer: SigV4Signer) {
        let env = ProcessInfo.processInfo.environment
        guard let endpoint = endpoint ?? env["AWS_ENDPOINT_URL"], let accessKey = accessKey ?? env["AWS_ACCESS_KEY_ID"],
            let secretKey = secretKey ?? env["AWS_SECRET_ACCESS_KEY"]
        else {
            throw ValidationError("give --endpoint/--access-key/--secret-key or source the cluster's env file")
        }
        let signer = SigV4Signer(
            accessKeyId: accessKey, secretKey: secretKey, region: region ?? env["AWS_DEFAULT_REGION"] ?? "us-east-1")
        return (endpoint, signer)
    }
}
