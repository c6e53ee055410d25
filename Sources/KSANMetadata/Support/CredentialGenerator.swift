/// New S3 credentials, from the system's cryptographic random source (getrandom on Linux).
public enum CredentialGenerator {
    public static let upper = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
    public static let mixed = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")

    /// A 20-character access key id, `KS` and 18 upper-case letters or digits (as AWS's are 20).
    public static func accessKeyId() -> String { "KS" + random(18, from: upper) }

    /// A 40-character secret key of letters and digits (238 bits).
    public static func secretKey() -> String { random(40, from: mixed) }

    /// `count` characters drawn uniformly from `alphabet`.
    public static func random(_ count: Int, from alphabet: [Character]) -> String {
        var generator = SystemRandomNumberGenerator()
        return String((0..<count).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &generator)] })
    }
}
