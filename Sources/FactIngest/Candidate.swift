/// One candidate award fact, with where it came from and why it was extracted.
public struct Candidate: Sendable, Equatable {
    public enum RecipientKind: String, Sendable {
        case organisation, team, person, place, shortName = "short name", entity
    }
    /// The recipient's name: the full name (a short name resolved through the text or the
    /// graph), in simplified characters.
    public var recipient: String
    public var recipientKind: RecipientKind
    /// How the text wrote the recipient when that differs (a short name, traditional characters).
    public var writtenAs: String?
    /// The kind of the graph entity the recipient was linked to, if it was.
    public var linkedKind: String?
    public var honor: String
    public var honorLevel: String?
    public var honorType: String?
    /// The administrative division that gives the honor (德州市 for 德州市市长质量奖).
    public var honorPlace: String?
    public var honorLinked: Bool = false
    public var edition: String?
    public var year: Int?
    public var yearText: String?
    public var batch: String?
    public var tier: String?
    public var prize: String?
    public var authority: String?
    public var noticeNumber: String?
    /// For persons: the unit and title the text gives.
    public var employer: String?
    public var title: String?
    /// For organisations: the division their name starts with (德州恒晟… → 德州市).
    public var place: String?
    public var source: String
    /// The 1-based line (paragraph) of the source file.
    public var line: Int
    /// The text the fact was read from (simplified).
    public var span: String
    public var confidence: Double
    /// The rule that extracted it, and what raised or lowered the confidence.
    public var reasons: [String]
}

/// The outcome of ingesting one file.
public struct IngestedDocument: Sendable {
    public var document: SourceDocument
    public var candidates: [Candidate]
    /// Why the document as a whole gave no facts, if it did not (a 公示, a 管理办法 …).
    public var skippedBecause: String?
}
