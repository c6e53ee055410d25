import Foundation

/// The names under which a version keeps its object lock state among its stored headers, which GET and HEAD answer
/// as S3 does: the retention mode and its ISO 8601 retain-until date, and the legal hold (`ON` or `OFF`). The store
/// enforces them on deletes and retention changes (`PostgresMetadataStore.checkLock`).
public enum ObjectLockHeaders {
    /// `GOVERNANCE` or `COMPLIANCE`.
    public static let mode = "x-amz-object-lock-mode"
    /// The retain-until date, ISO 8601 in UTC (`2030-01-01T00:00:00.000Z`).
    public static let retainUntil = "x-amz-object-lock-retain-until-date"
    /// `ON` or `OFF`.
    public static let legalHold = "x-amz-object-lock-legal-hold"
    /// All three.
    public static let all = [mode, retainUntil, legalHold]

    /// A retain-until date as S3 writes it: ISO 8601 in UTC with milliseconds.
    public static func format(_ date: Date) -> String {
        date.formatted(
            Date.ISO8601FormatStyle(includingFractionalSeconds: true, timeZone: TimeZone(identifier: "UTC")!))
    }
}
