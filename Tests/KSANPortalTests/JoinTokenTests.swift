import Foundation
import KSANMetadata
import Testing

@testable import KSANPortal

@Suite("Join tokens")
struct JoinTokenTests {
    static func record(_ token: JoinToken, expiresIn seconds: Double = 3600, usesLeft: Int = 1, hosts: [String] = [])
        -> JoinTokenRecord
    {
        JoinTokenRecord(
            id: token.id, secretHash: token.secretHash, description: "", createdAt: Date(),
            expiresAt: Date(timeIntervalSinceNow: seconds), usesLeft: usesLeft, hosts: hosts)
    }

    @Test func aTokenRoundTripsAndMatchesOnlyItsHash() throws {
        let token = JoinToken.generate()
        #expect(token.text.hasPrefix("ksanj_"))
        let parsed = try #require(JoinToken(token.text))
        #expect(parsed == token)
        let record = Self.record(token)
        #expect(parsed.matches(record))
        #expect(record.secretHash.count == 64 && !record.secretHash.contains(token.secret))
        #expect(!JoinToken.generate().matches(record))
        let forged = try #require(JoinToken("ksanj_\(token.id)_" + String(repeating: "A", count: 40)))
        #expect(!forged.matches(record))
        #expect(!token.description.contains(token.secret))
        // An API key is not a join token, nor the other way round.
        #expect(JoinToken(APIKey.generate().text) == nil)
        #expect(APIKey(token.text) == nil)
    }

    @Test func malformedTokensAreNotTokens() {
        for text in [
            "", "ksanj__", "ksanj_abc_def", "KSANJ_abcdefghijkl_" + String(repeating: "a", count: 40),
            "ksanj_ABCDEFGHIJKL_" + String(repeating: "a", count: 40),
            "ksanj_abcdefghijkl_" + String(repeating: "a", count: 39),
            "ksanj_abcdefghijkl_" + String(repeating: "é", count: 40),
            "ksanj_abcdefghijkl_" + String(repeating: "a", count: 40) + "_x",
        ] {
            #expect(JoinToken(text) == nil, "\(text)")
        }
    }

    @Test func aNewHostUsesOneAndAReturningHostNone() {
        let token = JoinToken.generate()
        let now = Date()
        #expect(Self.record(token, usesLeft: 2).redeem(by: "h4", at: now) == .accepted(usesOne: true))
        // The last use taken by h4: h4 may come back (a re-run of the installer), h5 may not.
        let used = Self.record(token, usesLeft: 0, hosts: ["h4"])
        #expect(used.redeem(by: "h4", at: now) == .accepted(usesOne: false))
        #expect(used.redeem(by: "h5", at: now) == .exhausted)
    }

    @Test func anExpiredTokenServesNobody() {
        let token = JoinToken.generate()
        let record = Self.record(token, expiresIn: -1, usesLeft: 5, hosts: ["h4"])
        #expect(record.redeem(by: "h4", at: Date()) == .expired)
        #expect(record.redeem(by: "h5", at: Date()) == .expired)
        // Expiry is exclusive: at the instant itself the token is already gone.
        #expect(record.redeem(by: "h5", at: record.expiresAt) == .expired)
    }
}
